/* global process, console, ReadableStream */
// safety-breaker/ai-sdk with ai@7 (run by .ci/check-ai7.sh under Node 24, against the built package):
// wrapLanguageModel around ai@7's mock V3 and V4 models; a toxic stream is cut before the blocked
// span with a content-filter finish, and a blocked generateText answers content-filter.
import assert from 'node:assert/strict';
import { generateText, streamText, wrapLanguageModel } from 'ai';
import { MockLanguageModelV3, MockLanguageModelV4 } from 'ai/test';

const [dist] = process.argv.slice(2);
const { safetyBreakerMiddleware } = await import(`${dist}/ai-sdk.js`);
const { toxicity } = await import(`${dist}/toxicity.js`);

const usage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 1, text: 1, reasoning: undefined },
};
const lead = 'Sure, here is how to reset the router: find the small button on the back and hold it. ';
const text = `${lead}Honestly, you are a worthless idiot. Then unplug it.`;
const parts = [
  { type: 'stream-start', warnings: [] },
  { type: 'text-start', id: 't' },
  ...text.match(/.{1,5}/gs).map((delta) => ({ type: 'text-delta', id: 't', delta })),
  { type: 'text-end', id: 't' },
  { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage },
];
for (const [name, Mock] of [
  ['MockLanguageModelV3', MockLanguageModelV3],
  ['MockLanguageModelV4', MockLanguageModelV4],
]) {
  const model = new Mock({
    doStream: async () => ({ stream: ReadableStream.from(parts) }),
    doGenerate: async () => ({
      content: [{ type: 'text', text }],
      finishReason: { unified: 'stop', raw: 'stop' },
      usage,
      warnings: [],
    }),
  });
  const middleware = safetyBreakerMiddleware({
    name: `ai7-${name}`,
    detectors: [toxicity()],
    stream: { message: ' [withheld]', onCut: 'end' },
  });
  const wrapped = wrapLanguageModel({ model, middleware });
  const result = streamText({ model: wrapped, prompt: 'hi' });
  let out = '';
  for await (const t of result.textStream) out += t;
  assert.equal(await result.finishReason, 'content-filter', name);
  assert.ok(out.endsWith(' [withheld]'), `${name}: ${out}`);
  assert.ok(lead.startsWith(out.slice(0, -' [withheld]'.length)), `${name}: shown ${out}`);
  const generated = await generateText({ model: wrapped, prompt: 'hi' });
  assert.equal(generated.finishReason, 'content-filter', name);
  assert.equal(generated.text, ' [withheld]', name);
  console.log(`ai@7 ${name}: stream cut before the blocked span, generate answered content-filter`);
}

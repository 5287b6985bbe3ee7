/**
 * `npm start -- --stream`: a streamed answer cut mid-way and continued by the fallback, printed
 * as the client sees it. A simulated OpenAI-compatible model streams an answer word by word and
 * turns abusive part-way; the guard holds back 64 characters, cuts the stream before any of the
 * abusive sentence is shown, aborts the primary's request, and the backup model continues from the
 * text already sent. `test/demo/stream-demo.test.ts` runs it.
 */
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { BACKUP_MODEL, PRIMARY_MODEL, startStreamingModel } from '../examples/streaming-chat/simulated-model.js';
import { callSignal, guard } from '../src/index.js';
import { toxicity } from '../src/detectors/toxicity/index.js';

export interface StreamDemoResult {
  /** What the client was shown, per model. */
  readonly shown: readonly { readonly model: string; readonly text: string }[];
  readonly primaryAborted: boolean;
  readonly blocked: number;
}

export async function runStreamDemo(
  out: { write(text: string): unknown } = process.stdout,
  delayMs = 40,
): Promise<StreamDemoResult> {
  const sim = await startStreamingModel({ delayMs });
  const openai = new OpenAI({ baseURL: sim.url, apiKey: 'sim-key', maxRetries: 0 });
  let primarySignal: AbortSignal | undefined;
  const chat = guard(
    (req: ChatCompletionCreateParamsStreaming) => {
      primarySignal = callSignal();
      return openai.chat.completions.create(req, { signal: primarySignal });
    },
    {
      name: 'stream-demo',
      detectors: [toxicity()],
      fallbacks: [(req) => openai.chat.completions.create({ ...req, model: BACKUP_MODEL }, { signal: callSignal() })],
      stream: { holdBack: 64 },
    },
  );
  try {
    out.write('safety-breaker streaming demo: the primary model turns abusive part-way through its answer.\n');
    out.write('The client sees (held back 64 characters; [primary] and [backup] mark who is speaking):\n\n');
    const shown: { model: string; text: string }[] = [];
    const stream = await chat({
      model: PRIMARY_MODEL,
      messages: [{ role: 'user', content: '#misbehave how do I turn off tracking?' }],
      stream: true,
    });
    for await (const chunk of stream) {
      const text = chunk.choices[0]?.delta.content ?? '';
      if (!text) continue;
      const model = chunk.model;
      if (shown.at(-1)?.model !== model) {
        out.write(model === PRIMARY_MODEL ? '[primary] ' : '\n  --- cut: the primary was aborted ---\n[backup] ');
        shown.push({ model, text: '' });
      }
      shown.at(-1)!.text += text;
      out.write(text);
    }
    const stats = chat.stats();
    out.write(
      `\n\nThe stream ended normally. Blocked: ${stats.calls.blocked}; primary request aborted: ${primarySignal?.aborted === true}; ` +
        `served by the fallback: ${stats.calls.servedByFallback}. Nothing of the abusive sentence reached the client.\n`,
    );
    return { shown, primaryAborted: primarySignal?.aborted === true, blocked: stats.calls.blocked };
  } finally {
    chat.dispose();
    await sim.close();
  }
}

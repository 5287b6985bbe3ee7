import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { guard, type HotPathDetector } from '../../src/index.js';
import { createLogger } from '../../src/telemetry/logging.js';
import { capturingLogger } from '../integrations/helpers.js';

const blocker: HotPathDetector = {
  name: 'no-secret',
  detect: ({ text }) => ({
    detector: 'no-secret',
    score: text.includes('secret') ? 1 : 0,
    flagged: text.includes('secret'),
    blocked: text.includes('secret'),
  }),
};

describe('logging', () => {
  it('writes trips, blocks, state changes and manual actions as structured records, without prompts or outputs', async () => {
    const { logger, records } = capturingLogger();
    const prompt = 'PROMPT-jane@example.com';
    const chat = guard(async (q: string) => `secret answer to ${q}`, {
      name: 'chat',
      logger,
      detectors: [blocker],
      safeReply: 'sorry',
      trip: { policy: 'rate', threshold: 0.5, minimumCalls: 2 },
    });
    await chat(prompt);
    await chat(prompt);
    chat.forceOpen('incident 42');
    chat.reset('mitigated');

    expect(records.filter((r) => r.msg === 'output blocked')).toHaveLength(2);
    expect(records.find((r) => r.msg === 'output blocked')).toMatchObject({
      level: 40,
      breaker: 'chat',
      route: 'primary',
      detectors: ['no-secret'],
    });
    expect(records.find((r) => r.to === 'open')).toMatchObject({
      level: 40,
      breaker: 'chat',
      from: 'closed',
      policy: 'rate',
      details: { calls: 2, bad: 2 },
    });
    expect(records.find((r) => r.action === 'force-open')).toMatchObject({ breaker: 'chat', reason: 'incident 42' });
    expect(records.find((r) => r.action === 'reset')).toMatchObject({ breaker: 'chat', reason: 'mitigated' });
    const all = JSON.stringify(records);
    expect(all).not.toContain('PROMPT');
    expect(all).not.toContain('secret answer');
    chat.dispose();
  });

  it('createLogger() censors call payloads an app logs next to safety-breaker records', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _e, cb) {
        lines.push(chunk.toString('utf8'));
        cb();
      },
    });
    const logger = createLogger({ destination, redact: ['user.email'] });
    logger.info(
      {
        breaker: 'chat',
        prompt: 'hello jane',
        request: { messages: [{ role: 'user', content: 'x' }] },
        user: { email: 'jane@example.com' },
      },
      'call',
    );
    const record = JSON.parse(lines.join('')) as Record<string, unknown>;
    expect(record).toMatchObject({
      name: 'safety-breaker',
      breaker: 'chat',
      prompt: '[REDACTED]',
      request: { messages: '[REDACTED]' },
      user: { email: '[REDACTED]' },
      msg: 'call',
    });
  });

  it('redacts personal data and secrets in the error messages it logs (a provider may echo the prompt)', async () => {
    const { logger, records } = capturingLogger();
    const echo = 'Invalid request: "mail jane@example.com, key sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z"';
    const chat = guard(
      async (_q: string) => {
        throw Object.assign(new Error(echo), { status: 500 });
      },
      { name: 'chat', logger, detectors: [], retry: false },
    );
    await expect(chat('hi')).rejects.toThrow(echo);
    const failed = records.find((r) => r.msg === 'route call failed');
    expect(failed).toMatchObject({
      err: { message: 'Invalid request: "mail [REDACTED_EMAIL], key [REDACTED_SECRET]"', status: 500 },
    });
    const all = JSON.stringify(records);
    expect(all).not.toContain('jane@example.com');
    expect(all).not.toContain('sk-proj');
    chat.dispose();
  });
});

/** The streaming-chat example, run against its embedded simulated streaming model through the real openai SDK. */
import { describe, expect, it } from 'vitest';
import { startStreamingChat } from '../../examples/streaming-chat/server.js';

async function chat(url: string, message: string): Promise<{ text: string; models: string[]; last: string }> {
  const res = await fetch(`${url}/chat/stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message }),
  });
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const data = (await res.text())
    .split('\n\n')
    .filter((e) => e.startsWith('data: '))
    .map((e) => e.slice(6));
  const events = data.filter((d) => d !== '[DONE]').map((d) => JSON.parse(d) as { text: string; model: string });
  return {
    text: events.map((e) => e.text).join(''),
    models: [...new Set(events.map((e) => e.model))],
    last: data.at(-1)!,
  };
}

describe('streaming-chat example', () => {
  it('streams an answer; cuts an abusive one before it is shown and the backup model continues it', async () => {
    const { url, close } = await startStreamingChat({ delayMs: 1 });
    try {
      const ok = await chat(url, 'how do I turn off tracking?');
      expect(ok.text).toBe(
        '(sim-primary) Sure, let me walk you through it. First, open the Settings page of the app. Then open Privacy and switch the toggle off.',
      );
      expect(ok.last).toBe('[DONE]');

      const cut = await chat(url, '#misbehave how do I turn off tracking?');
      expect(cut.text).not.toMatch(/worthless|idiot|hate/);
      expect(cut.text.startsWith('Sure, let me walk you through it.')).toBe(true);
      expect(
        cut.text.endsWith(' Let me put that differently: open Settings, then Privacy, and switch the toggle off.'),
      ).toBe(true);
      expect(cut.models).toEqual(['sim-primary', 'sim-backup']);
      expect(cut.last).toBe('[DONE]');
    } finally {
      await close();
    }
  });
});

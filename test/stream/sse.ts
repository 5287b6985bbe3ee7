/** Helpers for streamed answers in tests: OpenAI chat chunks served as server-sent events through msw. */
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { DEFAULT_BLOCK } from '../../src/detectors/toxicity/detector.js';
import { scanToxicity } from '../../src/detectors/toxicity/scanner.js';

export function chatChunk(
  delta: ChatCompletionChunk.Choice.Delta,
  finish: ChatCompletionChunk.Choice['finish_reason'] = null,
  model = 'gpt-4o-mini',
): ChatCompletionChunk {
  return {
    id: 'chatcmpl-s',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
  };
}

/** The pieces of `text` as a chat stream: a role chunk, one content chunk per piece, a stop chunk. */
export function chatChunks(pieces: readonly string[], model?: string): ChatCompletionChunk[] {
  return [
    chatChunk({ role: 'assistant', content: '' }, null, model),
    ...pieces.map((p) => chatChunk({ content: p }, null, model)),
    chatChunk({}, 'stop', model),
  ];
}

/**
 * An SSE response that sends each event as its own network chunk. `onCancel` runs when the reader
 * cancels (the client aborted): a real server would stop generating there.
 */
export function sseResponse(events: readonly unknown[], onCancel?: () => void): Response {
  const encoder = new TextEncoder();
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      if (i < events.length) c.enqueue(encoder.encode(`data: ${JSON.stringify(events[i++])}\n\n`));
      else {
        c.enqueue(encoder.encode('data: [DONE]\n\n'));
        c.close();
      }
    },
    cancel: () => onCancel?.(),
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
}

/** Splits `text` at the given offsets. */
export function splitAt(text: string, offsets: readonly number[]): string[] {
  const cuts = [0, ...[...offsets].sort((a, b) => a - b), text.length];
  const out: string[] = [];
  for (let i = 1; i < cuts.length; i++) if (cuts[i]! > cuts[i - 1]!) out.push(text.slice(cuts[i - 1], cuts[i]));
  return out;
}

/** A seeded random chunking of `text` into pieces of 1..max characters. */
export function randomChunks(text: string, seed: number, max = 12): string[] {
  let s = seed >>> 0 || 1;
  const rand = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  const out: string[] = [];
  for (let i = 0; i < text.length;) {
    const n = 1 + Math.floor(rand() * max);
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

/** Where the first span that blocks `text` (by the default block thresholds) starts, or undefined. */
export function blockedSpanStart(text: string): number | undefined {
  const { scores, spans } = scanToxicity(text);
  let start: number | undefined;
  for (const s of spans) {
    const t = DEFAULT_BLOCK[s.category];
    if (t !== false && scores[s.category] >= t && s.score >= t) start = Math.min(start ?? Infinity, s.start);
  }
  return start;
}

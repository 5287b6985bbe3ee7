/**
 * What detectors read from one chunk of a streamed answer, and the chunk that ends a cut stream
 * with a safe message, for each shape of chunk the guard knows (docs/streaming.md).
 */

/** The shapes of chunk the guard reads without a `stream.text` option. */
export type ChunkKind = 'string' | 'bytes' | 'chat' | 'responses' | 'anthropic' | 'custom';

/** The text of one chunk: the answer's own text, and tool-call arguments (judged like text, apart). */
export interface ChunkText {
  text: string;
  tool: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The kind of a stream, from its first chunk; undefined when the guard cannot read it. */
export function kindOf(chunk: unknown): ChunkKind | undefined {
  if (typeof chunk === 'string') return 'string';
  if (chunk instanceof Uint8Array) return 'bytes';
  if (!isObj(chunk)) return undefined;
  if (chunk.object === 'chat.completion.chunk' || Array.isArray(chunk.choices)) return 'chat';
  const type = chunk.type;
  if (typeof type !== 'string') return undefined;
  if (type.startsWith('response.') || type === 'error') return 'responses';
  if (type.startsWith('message_') || type.startsWith('content_block_') || type === 'ping') return 'anthropic';
  return undefined;
}

const decoder = (): ((bytes: Uint8Array) => string) => {
  const d = new TextDecoder();
  return (bytes) => d.decode(bytes, { stream: true });
};

/** Reads chunks of one stream; throws a TypeError naming `stream.text` on a chunk it cannot read. */
export function chunkReader(
  kind: ChunkKind,
  text: ((chunk: unknown) => string) | undefined,
): (chunk: unknown) => ChunkText {
  const out: ChunkText = { text: '', tool: '' };
  if (text) {
    return (chunk) => {
      const t = text(chunk);
      if (typeof t !== 'string') throw new TypeError(`stream.text(chunk) returned ${typeof t}, not a string`);
      out.text = t;
      return out;
    };
  }
  const decode = kind === 'bytes' ? decoder() : undefined;
  return (chunk) => {
    out.text = '';
    out.tool = '';
    if (kind === 'string' && typeof chunk === 'string') out.text = chunk;
    else if (decode && chunk instanceof Uint8Array) out.text = decode(chunk);
    else if (kindOf(chunk) === kind) readObject(kind, chunk as Obj, out);
    else throw unreadable(chunk);
    return out;
  };
}

function readObject(kind: ChunkKind, c: Obj, out: ChunkText): void {
  if (kind === 'chat') {
    for (const choice of c.choices as unknown[]) {
      const delta = isObj(choice) ? choice.delta : undefined;
      if (!isObj(delta)) continue;
      out.text += str(delta.content) + str(delta.refusal);
      if (Array.isArray(delta.tool_calls))
        for (const call of delta.tool_calls)
          if (isObj(call) && isObj(call.function)) out.tool += str(call.function.arguments);
    }
  } else if (kind === 'responses') {
    if (c.type === 'response.output_text.delta' || c.type === 'response.refusal.delta') out.text = str(c.delta);
    else if (c.type === 'response.function_call_arguments.delta') out.tool = str(c.delta);
  } else {
    const delta = c.delta;
    if (c.type === 'content_block_delta' && isObj(delta)) {
      out.text = str(delta.text);
      out.tool = str(delta.partial_json);
    }
  }
}

/** The error for a stream whose chunks the guard cannot read: never a silent pass. */
export function unreadable(chunk: unknown): TypeError {
  const what = isObj(chunk)
    ? `an object with keys ${Object.keys(chunk).slice(0, 6).join(', ') || '(none)'}`
    : chunk === null
      ? 'null'
      : typeof chunk;
  return new TypeError(
    `safety-breaker cannot read the text of a streamed chunk (${what}): it reads strings, bytes, OpenAI chat and ` +
      'Responses chunks and Anthropic events; pass the guard option stream.text(chunk) => string',
  );
}

/**
 * The chunks that end a cut stream with `message`: a chunk of the stream's own shape, with the
 * provider's "stopped by a content filter" ending where the shape has one (it also closes an
 * open tool call as incomplete). `last` is the last chunk read, whose ids are reused.
 */
export function endChunks(kind: ChunkKind, message: string, last: unknown): unknown[] {
  const l = isObj(last) ? last : {};
  switch (kind) {
    case 'string':
      return message ? [message] : [];
    case 'bytes':
      return message ? [new TextEncoder().encode(message)] : [];
    case 'chat':
      return [
        {
          id: l.id,
          object: 'chat.completion.chunk',
          created: l.created,
          model: l.model,
          choices: [
            { index: 0, delta: message ? { content: message } : {}, finish_reason: 'content_filter', logprobs: null },
          ],
        },
      ];
    case 'anthropic':
      return [
        ...(message ? [{ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: message } }] : []),
        { type: 'message_delta', delta: { stop_reason: 'refusal', stop_sequence: null }, usage: { output_tokens: 0 } },
        { type: 'message_stop' },
      ];
    case 'responses':
      return message
        ? [
            {
              type: 'response.output_text.delta',
              item_id: l.item_id,
              output_index: l.output_index ?? 0,
              content_index: l.content_index ?? 0,
              delta: message,
              logprobs: [],
              sequence_number: Number(l.sequence_number ?? 0) + 1,
            },
          ]
        : [];
    default:
      return [];
  }
}

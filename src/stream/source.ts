/**
 * Streamed outputs: recognising one, reading it chunk by chunk, stopping it, and giving the
 * guarded chunks back in the same type the model function returned.
 */

type Obj = Record<PropertyKey, unknown>;

/** A stream being read: the next chunk, and a way to stop the model producing it. */
export interface Source {
  next(): Promise<IteratorResult<unknown>>;
  /** Stops the stream: aborts the request behind it (OpenAI SDK), cancels the reader, or returns the iterator. */
  cancel(reason: unknown): void;
}

/** The guarded chunks, as the model function's own stream type. */
export type Rewrap = (chunks: AsyncIterableIterator<unknown>) => unknown;

/** An output that is a stream (cheap: one or two property reads; a whole answer is never one). */
export function isStreamOutput(output: unknown): boolean {
  if (typeof output !== 'object' || output === null) return false;
  const o = output as Obj;
  try {
    return typeof o[Symbol.asyncIterator] === 'function' || typeof o.getReader === 'function' || 'textStream' in o;
  } catch {
    return false; // an output whose fields throw is judged whole, where reading it is a detector error
  }
}

const ignore = (): void => undefined;

/** Opens a stream output for reading; throws a TypeError for a stream the guard cannot give back in its own type. */
export function openStream(output: object): { source: Source; rewrap: Rewrap } {
  const o = output as Obj;
  if ('textStream' in o && 'fullStream' in o)
    throw new TypeError(
      'safety-breaker cannot guard an AI SDK streamText() result: wrap the language model with ' +
        "safetyBreakerMiddleware() from 'safety-breaker/ai-sdk' instead (docs/streaming.md)",
    );
  if (typeof o.pipe === 'function' && typeof o.on === 'function')
    throw new TypeError(
      'safety-breaker cannot guard a Node.js Readable stream: return Readable.toWeb(stream) (a web ReadableStream) instead',
    );
  const controller = o.controller as AbortController | undefined;
  if (
    controller instanceof AbortController &&
    typeof o.tee === 'function' &&
    typeof o.toReadableStream === 'function'
  ) {
    // The OpenAI SDK's Stream: the same class around the guarded chunks, aborting with the same controller.
    const it = (output as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    const Stream = o.constructor as new (iterator: () => AsyncIterator<unknown>, c: AbortController) => unknown;
    return {
      source: {
        next: () => it.next(),
        cancel: (reason) => controller.abort(reason),
      },
      rewrap: (chunks) => new Stream(() => chunks, controller),
    };
  }
  if (typeof o.getReader === 'function' && typeof o.pipeTo === 'function') {
    const reader = (output as ReadableStream<unknown>).getReader();
    return {
      source: {
        next: () => reader.read() as Promise<IteratorResult<unknown>>,
        cancel: (reason) => void reader.cancel(reason).catch(ignore),
      },
      rewrap: (chunks) =>
        new ReadableStream(
          {
            async pull(c) {
              const r = await chunks.next();
              if (r.done) c.close();
              else c.enqueue(r.value);
            },
            cancel: () => void chunks.return?.(),
          },
          { highWaterMark: 0 }, // read from the model only when the client reads
        ),
    };
  }
  const it = (output as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  return {
    source: {
      next: () => it.next(),
      cancel: () => void Promise.resolve(it.return?.()).catch(ignore),
    },
    rewrap: (chunks) => chunks,
  };
}

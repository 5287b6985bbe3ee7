/**
 * Server-sent events for the Express and Fastify integrations: a (guarded) stream piped to an
 * HTTP response, one event per chunk, then a final event. A stream the guard cut ends the same
 * way: its closing chunk, then the final event. A client that disconnects stops the stream, which
 * releases the model (docs/streaming.md).
 */
import type { ServerResponse } from 'node:http';
import { problemFor } from './problem.js';

export interface SseOptions<Chunk> {
  /** The `data` of a chunk's event; default `JSON.stringify(chunk)`. Return undefined to send no event for it. */
  data?: (chunk: Chunk) => string | undefined;
  /** The `event` name of chunk events; default none (the client's `message` event). */
  event?: string;
  /** The data of the final event, sent when the stream ends (also after a cut); default `[DONE]`, as OpenAI sends. */
  done?: string;
}

export type SseSource<Chunk> = AsyncIterable<Chunk> | ReadableStream<Chunk>;

/** One SSE event: each line of `data` on its own `data:` line (a newline cannot end a field). */
function frame(data: string, event?: string): string {
  return `${event ? `event: ${event}\n` : ''}data: ${data.replace(/\r\n|\r|\n/g, '\ndata: ')}\n\n`;
}

/**
 * Writes `stream` to `res` as server-sent events and ends the response. Resolves when the
 * response is finished (or the client went away). An error thrown by the stream part-way becomes
 * a final `error` event (its problem details for a safety-breaker error; a generic message
 * otherwise) and the response ends: headers are already sent, so the status cannot change.
 */
export async function writeSse<Chunk>(
  res: ServerResponse,
  stream: SseSource<Chunk>,
  options: SseOptions<Chunk> = {},
): Promise<void> {
  if (typeof options !== 'object' || options === null) throw new TypeError('sse options must be an object');
  // A web ReadableStream is async iterable on Node 20 too; returning its iterator cancels it.
  const iterator = (stream as AsyncIterable<Chunk>)[Symbol.asyncIterator]();
  const data = options.data ?? ((chunk: Chunk) => JSON.stringify(chunk));
  let closed = false;
  const onClose = (): void => {
    closed = true;
    // The client went away: stop reading, which stops the model behind a guarded stream.
    void Promise.resolve(iterator.return?.()).catch(() => undefined);
  };
  res.statusCode = 200;
  res.setHeader('content-type', 'text/event-stream; charset=utf-8');
  res.setHeader('cache-control', 'no-cache, no-transform');
  res.setHeader('x-accel-buffering', 'no'); // nginx: do not buffer the events
  res.flushHeaders();
  res.on('close', onClose);
  try {
    for (;;) {
      const r = await iterator.next();
      if (closed) return;
      if (r.done) break;
      const d = data(r.value);
      if (d !== undefined && !res.write(frame(d, options.event))) await drained(res);
    }
    if (!closed) res.end(frame(options.done ?? '[DONE]'));
  } catch (error) {
    if (closed) return;
    const p = problemFor(error);
    res.end(frame(JSON.stringify(p ? p.body : { title: 'stream failed' }), 'error'));
  } finally {
    res.off('close', onClose);
  }
}

/** Waits until `res` can take more, or it closed. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

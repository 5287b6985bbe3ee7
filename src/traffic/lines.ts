/**
 * Splits a traffic log into lines with memory bounded by a cap on the line length. A line longer
 * than the cap is counted as it streams by, never decoded or kept, and reported by its length:
 * a file without a newline never becomes one string (100 MB took 1 GB of RSS before the cap).
 */
import { open } from 'node:fs/promises';

/** The default cap on one traffic-log line: 1 MiB (UTF-8 bytes, without the newline). */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

/** A line longer than the cap: its text was dropped, its length counted. */
export interface LineTooLong {
  readonly tooLong: true;
  /** The line's length in UTF-8 bytes (without the newline). */
  readonly bytes: number;
}

export type LogLine = string | LineTooLong;

const NEWLINE = 0x0a;

/**
 * The lines of a stream of UTF-8 bytes, a chunk's worth at a time: one await per chunk instead of
 * one per line (readline's async iterator costs more than parsing the line). Memory: one chunk
 * plus a partial line of at most `maxLineBytes`. A chunk may be a view of a buffer its producer
 * reuses: nothing is kept from it after the next chunk is requested.
 */
export async function* lineBatches(
  chunks: AsyncIterable<Uint8Array>,
  maxLineBytes: number = DEFAULT_MAX_LINE_BYTES,
): AsyncGenerator<LogLine[]> {
  // The line the last chunk left open: its bytes while within the cap (copies), and its length.
  let open: Buffer[] = [];
  let openBytes = 0;
  const extend = (piece: Buffer): void => {
    openBytes += piece.length;
    if (openBytes <= maxLineBytes) open.push(Buffer.from(piece));
    else open = [];
  };
  const close = (): LogLine => {
    const line: LogLine =
      openBytes > maxLineBytes ? { tooLong: true, bytes: openBytes } : Buffer.concat(open).toString('utf8');
    open = [];
    openBytes = 0;
    return line;
  };

  for await (const bytes of chunks) {
    const chunk = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const first = chunk.indexOf(NEWLINE);
    if (first < 0) {
      extend(chunk);
      continue;
    }
    const last = chunk.lastIndexOf(NEWLINE);
    extend(chunk.subarray(0, first));
    const batch: LogLine[] = [close()];
    // Whole lines between the first and the last newline, decoded at once (a newline byte is never
    // part of a multi-byte character, so the cut is safe).
    if (last > first)
      for (const line of chunk.toString('utf8', first + 1, last).split('\n')) batch.push(capped(line, maxLineBytes));
    extend(chunk.subarray(last + 1));
    yield batch;
  }
  if (openBytes > 0) yield [close()];
}

/** A whole line, or its length when it is over the cap (a UTF-16 unit is at most 3 UTF-8 bytes: only a long line is counted). */
function capped(line: string, maxLineBytes: number): LogLine {
  if (line.length * 3 <= maxLineBytes) return line;
  const bytes = Buffer.byteLength(line);
  return bytes > maxLineBytes ? { tooLong: true, bytes } : line;
}

/**
 * The bytes of a file in chunks read into one reused buffer: a stream allocates a buffer per
 * chunk, and on a long file those wait for a GC (about 35 MB of RSS whatever the file's size).
 */
export class FileChunks implements AsyncIterable<Uint8Array> {
  /** Bytes read so far, for a progress bar. */
  bytesRead = 0;

  constructor(
    private readonly file: string,
    private readonly chunkBytes = 1024 * 1024,
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    const handle = await open(this.file, 'r');
    try {
      const buffer = Buffer.allocUnsafe(this.chunkBytes);
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) return;
        this.bytesRead += bytesRead;
        yield buffer.subarray(0, bytesRead);
      }
    } finally {
      await handle.close();
    }
  }
}

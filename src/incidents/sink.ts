/**
 * Where incident records go: JSON lines appended to a file by default (the whole record as it is
 * now, one line per change; the last line of an id is its current state), or any `IncidentSink`.
 */
import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isIncidentRecord, type IncidentRecord } from './record.js';

export interface IncidentSink {
  /**
   * Appends the record as it is now. `durable` when the incident opened or closed: the promise
   * resolves once the line is on disk (fsync). Writes land in the order they were called.
   */
  write(record: IncidentRecord, durable: boolean): Promise<void>;
  /** Every incident in the log, each as its last written version (to continue open ones after a restart). */
  read(): Promise<IncidentRecord[]>;
  /** Waits for pending writes and releases the file. */
  close(): Promise<void>;
}

/** A line that could not be read back: skipped, never fatal. */
export interface SkippedLine {
  readonly line: number;
  readonly reason: string;
}

/** Reads a JSON-lines incident log: the last version of each incident, and the lines skipped (a torn last line after a crash). */
export async function readIncidentLog(path: string): Promise<{ records: IncidentRecord[]; skipped: SkippedLine[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], skipped: [] };
    throw error;
  }
  return parseIncidentLines(text);
}

export function parseIncidentLines(text: string): { records: IncidentRecord[]; skipped: SkippedLine[] } {
  const byId = new Map<string, IncidentRecord>();
  const skipped: SkippedLine[] = [];
  const lines = text.split('\n');
  const last = lines.length - 1; // text ends with '\n' when the last write completed: then lines[last] is ''
  lines.forEach((raw, i) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      skipped.push({
        line: i + 1,
        reason: i === last ? 'torn last line (the process stopped mid-write)' : 'not JSON',
      });
      return;
    }
    if (!isIncidentRecord(value)) {
      skipped.push({ line: i + 1, reason: 'not an incident record' });
      return;
    }
    byId.delete(value.id); // re-insert: the map keeps the order of last writes
    byId.set(value.id, value);
  });
  return { records: [...byId.values()], skipped };
}

/**
 * The default sink: appends to `path` (directories created), fsyncs the lines that open and
 * close an incident. `onSkipped` hears of lines `read()` could not use.
 */
export function fileSink(path: string, onSkipped: (skipped: readonly SkippedLine[]) => void = () => {}): IncidentSink {
  let handle: Promise<FileHandle> | undefined;
  let chain: Promise<void> = Promise.resolve();

  const fileHandle = (): Promise<FileHandle> =>
    (handle ??= (async () => {
      let fh: FileHandle;
      try {
        await mkdir(dirname(path), { recursive: true });
        fh = await open(path, 'a+');
      } catch (error) {
        // Say which file; keep the system error's code and syscall for callers that map them (the CLI).
        const { code, syscall } = error as NodeJS.ErrnoException;
        const why = `incident log: cannot open ${path} for writing (${code ?? String(error)})`;
        throw Object.assign(new Error(why, { cause: error }), { code, syscall });
      }
      // A torn last line (a crash mid-write) must not swallow the next record: start on a new line.
      const { size } = await fh.stat();
      if (size > 0) {
        const end = Buffer.alloc(1);
        await fh.read(end, 0, 1, size - 1);
        if (end[0] !== 0x0a) await fh.write('\n');
      }
      return fh;
    })());

  return {
    write(record, durable) {
      const line = `${JSON.stringify(record)}\n`;
      const next = chain.then(async () => {
        const fh = await fileHandle();
        await fh.write(line);
        if (durable) await fh.sync();
      });
      chain = next.catch(() => {}); // one failed write does not stop the next
      return next;
    },
    async read() {
      await chain;
      const { records, skipped } = await readIncidentLog(path);
      if (skipped.length > 0) onSkipped(skipped);
      return records;
    },
    async close() {
      await chain;
      const h = handle;
      handle = undefined;
      if (h)
        await h.then(
          (fh) => fh.close(),
          () => {},
        ); // a file that never opened has nothing to close
    },
  };
}

/** A sink in memory (tests, drills): `lines` holds what a file would. */
export function memorySink(): IncidentSink & { readonly lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    write(record) {
      lines.push(JSON.stringify(record));
      return Promise.resolve();
    },
    read: () => Promise.resolve(parseIncidentLines(lines.join('\n')).records),
    close: () => Promise.resolve(),
  };
}

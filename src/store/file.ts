import {
  accessSync,
  closeSync,
  constants,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { BreakerSnapshot } from '../call/snapshot.js';
import { isSaveEveryMs, SAVE_EVERY_MS_RANGE, type BreakerStore } from './types.js';

export interface FileStoreOptions {
  /**
   * Where a fault goes that the store turns into a cold start or a skipped save (a corrupt file,
   * a failed write). Default: `process.emitWarning` (printed on stderr; `process.on('warning')`
   * sees it), with the code `SAFETY_BREAKER_FILE_STORE`.
   */
  readonly onWarning?: (message: string, cause: unknown) => void;
  /**
   * Also save each guard's snapshot this often (milliseconds, at least 100), so a process killed
   * without `dispose()` loses at most this much of its windows. Default: no periodic save (learned
   * baselines are saved when learned either way).
   */
  readonly saveEveryMs?: number;
}

/** A `BreakerStore` on a file: synchronous, so a guard has its state back when `guard()` returns. */
export interface FileStore extends BreakerStore {
  /** The file, as an absolute path. */
  readonly path: string;
  load(breaker: string): BreakerSnapshot | undefined;
  save(breaker: string, snapshot: BreakerSnapshot): void;
}

/** What the file holds: every breaker's last snapshot, by name. */
interface StoreFile {
  readonly 'safety-breaker-store': 1;
  readonly breakers: Record<string, BreakerSnapshot>;
}

const FORMAT = 'safety-breaker-store';

function defaultWarning(message: string, cause: unknown): void {
  process.emitWarning(message, {
    code: 'SAFETY_BREAKER_FILE_STORE',
    detail: cause instanceof Error ? cause.message : undefined,
  });
}

/**
 * Breaker state in one JSON file, so a single-process service keeps its learned baselines,
 * windows and open breakers across restarts: a guard with `store: fileStore(path)` reads its
 * snapshot when it is built and writes on every state change, when a learned baseline changes, and
 * on `dispose()`. Writes are atomic (a temporary file, flushed, then renamed over the old one), so
 * a crash mid-write leaves the previous file whole. A missing file is a cold start; an unreadable or corrupt one is a
 * warning naming the file and a cold start, never a throw. Sync I/O, on those saves only.
 *
 * One store per file per process (it keeps the file's contents in memory and writes them whole);
 * guards of different names can share it. Throws at once if the directory is missing or not
 * writable, so a misconfigured path fails at start-up rather than at the first trip.
 */
export function fileStore(path: string, options: FileStoreOptions = {}): FileStore {
  if (typeof path !== 'string' || path === '') throw new TypeError('fileStore(path): path must be a non-empty string');
  const file = resolve(path);
  const dir = dirname(file);
  try {
    accessSync(dir, constants.W_OK);
    // A writable file passes access(): it would fail every save instead.
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error(`${dir} is not a directory`), { code: 'ENOTDIR' });
  } catch (error) {
    throw new Error(
      `fileStore: cannot write breaker state to ${file}: its directory ${dir} is missing, not a directory or not writable (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      { cause: error },
    );
  }
  const { saveEveryMs } = options;
  if (!isSaveEveryMs(saveEveryMs))
    throw new TypeError(`fileStore: option "saveEveryMs" must be ${SAVE_EVERY_MS_RANGE} (got ${String(saveEveryMs)})`);
  const warn = options.onWarning ?? defaultWarning;
  let breakers: Record<string, BreakerSnapshot> | undefined;

  const read = (): Record<string, BreakerSnapshot> => {
    if (breakers) return breakers;
    breakers = {};
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        warn(`fileStore: cannot read ${file}; starting without stored breaker state`, error);
      return breakers;
    }
    try {
      const parsed = JSON.parse(text) as Partial<StoreFile> | null;
      if (typeof parsed !== 'object' || parsed === null || parsed[FORMAT] !== 1)
        throw new Error(`not a breaker state file (no "${FORMAT}": 1)`);
      if (typeof parsed.breakers !== 'object' || parsed.breakers === null || Array.isArray(parsed.breakers))
        throw new Error('"breakers" is not an object');
      breakers = { ...parsed.breakers };
    } catch (error) {
      warn(
        `fileStore: ${file} is corrupt or partial (${error instanceof Error ? error.message : String(error)}); starting without stored breaker state (the next save replaces it)`,
        error,
      );
    }
    return breakers;
  };

  return {
    path: file,
    ...(saveEveryMs !== undefined && { saveEveryMs }),
    load(breaker) {
      const snapshot = read()[breaker];
      if (snapshot === undefined) return undefined;
      if (typeof snapshot !== 'object' || snapshot === null || snapshot.breaker !== breaker) {
        warn(
          `fileStore: ${file} holds an entry for breaker "${breaker}" that is not its snapshot; starting fresh`,
          snapshot,
        );
        return undefined;
      }
      return snapshot;
    },
    save(breaker, snapshot) {
      const all = read();
      all[breaker] = structuredClone(snapshot);
      const body: StoreFile = { [FORMAT]: 1, breakers: all };
      const temp = `${file}.${process.pid}.tmp`;
      try {
        const fd = openSync(temp, 'w', 0o600);
        try {
          writeSync(fd, JSON.stringify(body));
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        renameSync(temp, file);
      } catch (error) {
        rmSync(temp, { force: true });
        warn(`fileStore: cannot write breaker state to ${file}; the previous file, if any, is kept`, error);
      }
    },
  };
}

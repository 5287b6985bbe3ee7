/**
 * Input the user got wrong — a traffic log, a scenario, an incident, a path given on the command
 * line — is a user error: the CLI prints one line and exits 3, never a stack trace. Every read or
 * write of a path the user gave goes through `onPath()` or `readingPath()`, so a file-system error
 * there (a directory, a missing directory, no permission) names the path and the cause; one
 * anywhere else is still a bug (exit 70).
 */

/** Bad input: the CLI exits 3 with the message. */
export class InputError extends Error {}

/** Clearer words than the system's for the causes a mistyped path gives. */
const CAUSES: Readonly<Record<string, string>> = {
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  // mkdir of a directory that is already a file: `--incidents notes.txt/x.jsonl`
  EEXIST: 'a part of the path is a file, not a directory',
};

/** Node's errors from a system call (`fs`): they carry `code` and `syscall`. */
function isSystemError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  return (
    error instanceof Error &&
    typeof (error as NodeJS.ErrnoException).code === 'string' &&
    typeof (error as NodeJS.ErrnoException).syscall === 'string'
  );
}

/** A file-system error on `path` as an `InputError` naming the path and the cause; any other error as it is. */
export function pathError(path: string, doing: string, error: unknown): unknown {
  if (!isSystemError(error)) return error;
  // "EACCES: permission denied, open '/x'" → "permission denied"
  const cause = CAUSES[error.code] ?? error.message.replace(/^[A-Z]+: /, '').replace(/, \w+( '.*')?$/, '');
  return new InputError(`${path}: cannot ${doing}: ${cause} (${error.code})`);
}

/** Runs file work on a path the user gave; its file-system errors become `InputError`s. */
export async function onPath<T>(path: string, doing: string, work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw pathError(path, doing, error);
  }
}

/** Reads a source over a path the user gave; its file-system errors become `InputError`s (the consumer's own are untouched). */
export async function* readingPath<T>(path: string, doing: string, source: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* source;
  } catch (error) {
    throw pathError(path, doing, error);
  }
}

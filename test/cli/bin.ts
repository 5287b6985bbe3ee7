/** Runs the CLI as a user does: spawned (`bin`) or in process (`io` for `main`). */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import type { CliIO } from '../../src/cli/main.js';

const run = promisify(execFile);

/** The bin (the built dist/cli.js when present, else the source through tsx); resolves with its exit code and output. */
export async function bin(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const entry = existsSync('dist/cli.js') ? ['dist/cli.js'] : ['--import', 'tsx', 'src/cli/main.ts'];
  return run(process.execPath, [...entry, ...args]).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

/** A CLI IO that keeps what the command printed, for tests that call `main` in process. */
export function io(): CliIO & { stdout: string; stderr: string } {
  const o = {
    stdout: '',
    stderr: '',
    progress: false,
    out: (t: string) => void (o.stdout += `${t}\n`),
    err: (t: string) => void (o.stderr += t),
  };
  return o;
}

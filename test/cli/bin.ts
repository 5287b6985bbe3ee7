/** Runs the CLI as a user does, for tests that spawn it. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The bin (the built dist/cli.js when present, else the source through tsx); resolves with its exit code and output. */
export async function bin(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const entry = existsSync('dist/cli.js') ? ['dist/cli.js'] : ['--import', 'tsx', 'src/cli/main.ts'];
  return run(process.execPath, [...entry, ...args]).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

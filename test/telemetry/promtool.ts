import { spawnSync } from 'node:child_process';

/**
 * Runs promtool. Always required: without it the test fails with how to install it (CI installs
 * it with .ci/install-promtool.sh), never silently skips.
 */
export function promtool(args: string[], input?: string, cwd?: string): { code: number; output: string } {
  const r = spawnSync('promtool', args, { input, cwd, encoding: 'utf8' });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error('promtool is not installed: run .ci/install-promtool.sh (Debian package "prometheus")');
  }
  return { code: r.status ?? -1, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

import { spawnSync } from 'node:child_process';
import type { TestContext } from 'vitest';
import { needsTool } from '../tools.js';

const hint = 'install the "prometheus" package (apt-get install prometheus) or a Prometheus release; .ci/run does';

/** Skips the test (fails it under .ci/run) when promtool is not on the PATH. */
export function needsPromtool(ctx: Pick<TestContext, 'skip'>): void {
  needsTool(ctx, 'promtool', hint);
}

/** Runs promtool; call needsPromtool(ctx) first. */
export function promtool(args: string[], input?: string, cwd?: string): { code: number; output: string } {
  const r = spawnSync('promtool', args, { input, cwd, encoding: 'utf8' });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { TestContext } from 'vitest';

/** Set by .ci/run: a test whose tool is missing fails there instead of being skipped. */
export const REQUIRE_TOOLS_ENV = 'SAFETY_BREAKER_REQUIRE_TOOLS';

/** The first executable called `tool` on the PATH, or undefined. */
export function findOnPath(tool: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const file = join(dir, tool);
    try {
      accessSync(file, constants.X_OK);
      if (statSync(file).isFile()) return file;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * Skips the running test, with the reason and how to install the tool, when `tool` is not on the
 * PATH. Tests never install anything themselves. Under SAFETY_BREAKER_REQUIRE_TOOLS=1 (CI) the
 * test fails with the same reason instead, so a missing tool cannot pass CI unnoticed.
 */
export function needsTool(ctx: Pick<TestContext, 'skip'>, tool: string, hint: string): void {
  if (findOnPath(tool) !== undefined) return;
  const reason = `${tool} is not on the PATH: ${hint}`;
  if (process.env[REQUIRE_TOOLS_ENV] === '1') throw new Error(`${reason} (${REQUIRE_TOOLS_ENV}=1)`);
  ctx.skip(reason);
}

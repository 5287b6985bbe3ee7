import { afterEach, describe, expect, it, vi } from 'vitest';
import { findOnPath, needsTool, REQUIRE_TOOLS_ENV } from './tools.js';

const missing = 'safety-breaker-no-such-tool';

/** A stand-in for the test context: records the skip note instead of stopping the test. */
function fakeContext() {
  const notes: (string | undefined)[] = [];
  return { notes, ctx: { skip: ((note?: string) => void notes.push(note)) as never } };
}

describe('needsTool: tests that need a tool skip with a reason, or fail under .ci/run', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('finds a tool on the PATH and lets the test run', () => {
    vi.stubEnv(REQUIRE_TOOLS_ENV, '1');
    expect(findOnPath('node')).toBeDefined();
    const { notes, ctx } = fakeContext();
    needsTool(ctx, 'node', 'install Node.js');
    expect(notes).toEqual([]);
  });

  it('skips with the tool, the reason and the install hint when the tool is missing', () => {
    vi.stubEnv(REQUIRE_TOOLS_ENV, '');
    const { notes, ctx } = fakeContext();
    needsTool(ctx, missing, 'apt-get install it');
    expect(notes).toEqual([`${missing} is not on the PATH: apt-get install it`]);
  });

  it('fails instead of skipping when SAFETY_BREAKER_REQUIRE_TOOLS=1 (as .ci/run sets)', () => {
    vi.stubEnv(REQUIRE_TOOLS_ENV, '1');
    const { notes, ctx } = fakeContext();
    expect(() => needsTool(ctx, missing, 'apt-get install it')).toThrow(
      `${missing} is not on the PATH: apt-get install it (SAFETY_BREAKER_REQUIRE_TOOLS=1)`,
    );
    expect(notes).toEqual([]);
  });

  it('does not count a directory or a non-executable file as the tool', () => {
    const here = new URL('.', import.meta.url).pathname;
    expect(findOnPath('tools.ts', here)).toBeUndefined();
    expect(findOnPath('telemetry', here)).toBeUndefined();
  });
});

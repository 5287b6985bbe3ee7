import { describe, expect, it, vi } from 'vitest';

describe('request context across copies of the module', () => {
  it('is shared: the CommonJS build gives each subpath entry its own copy of context.ts', async () => {
    const a = await import('../../src/context.js');
    vi.resetModules();
    const b = await import('../../src/context.js');
    expect(a).not.toBe(b); // two module instances, as in express.cjs and index.cjs
    const seen = await a.runWithContext({ requestId: 'r-1' }, async () => {
      await new Promise((r) => setTimeout(r, 1));
      return b.currentContext();
    });
    expect(seen).toEqual({ requestId: 'r-1' });
    expect(b.currentContext()).toBeUndefined();
  });
});

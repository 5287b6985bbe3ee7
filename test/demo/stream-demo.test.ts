/** `npm start -- --stream`, run fast: a streamed answer is cut before the abusive sentence and the backup continues it. */
import { describe, expect, it } from 'vitest';
import { runStreamDemo } from '../../demo/stream-demo.js';

describe('the streaming demo', () => {
  it('shows the primary, a cut with the primary aborted, and the backup continuing; nothing abusive is shown', async () => {
    let printed = '';
    const result = await runStreamDemo({ write: (t: string) => (printed += t) }, 1);
    expect(result.shown.map((s) => s.model)).toEqual(['sim-primary', 'sim-backup']);
    expect(result.shown[0]!.text.startsWith('Sure, let me walk you through it.')).toBe(true);
    expect(printed).not.toMatch(/worthless|idiot|hate/);
    expect(printed).toContain('--- cut: the primary was aborted ---');
    expect(result.primaryAborted).toBe(true);
    expect(result.blocked).toBe(1);
  });
});

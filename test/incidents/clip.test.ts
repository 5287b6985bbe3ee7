import { describe, expect, it } from 'vitest';
import { clip } from '../../src/incidents/clip.js';

describe('clip (incident titles and page summaries)', () => {
  it('keeps text that fits and marks a cut with an ellipsis', () => {
    expect(clip('short', 10)).toBe('short');
    expect(clip('abcdefghij', 5)).toBe('abcd…');
  });

  it('never leaves half of a surrogate pair at the cut', () => {
    const text = `${'a'.repeat(158)}😀 tail`; // the emoji's two halves are units 158 and 159
    const cut = clip(text, 160);
    expect(cut).toBe(`${'a'.repeat(158)}…`);
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(cut.length).toBeLessThanOrEqual(160);
  });
});

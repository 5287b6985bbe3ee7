/**
 * Suite C (group-statements.jsonl): its structure only. No accuracy floors, as for suite B: a floor
 * would invite tuning the rules to these cases. `npx tsx bench/toxicity-functional.ts` reports it.
 */
import { describe, expect, it } from 'vitest';
import { groupStatements } from './group-statements.js';

describe('suite C: statements about groups in an assistant register', () => {
  const rows = groupStatements();

  it('holds 260 benign and 110 hateful statements, each once, each with a kind', () => {
    expect(rows.filter((r) => !r.hateful)).toHaveLength(260);
    expect(rows.filter((r) => r.hateful)).toHaveLength(110);
    expect(new Set(rows.map((r) => r.text)).size).toBe(rows.length);
    for (const r of rows) {
      expect(typeof r.text === 'string' && r.text.length > 0, r.text).toBe(true);
      expect(r.kind, r.text).toMatch(/^[a-z-]+$/);
      // Hateful kinds say so; benign ones do not.
      expect(r.kind.startsWith('hate-'), r.text).toBe(r.hateful);
    }
  });
});

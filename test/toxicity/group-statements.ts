/**
 * Suite C: statements about groups in an assistant's register (group-statements.jsonl). 260 benign
 * answers that name groups (history, law, health, advice, religion, stereotypes named to reject them)
 * and 110 hateful statements that look like them (calm, "factual", polite, negated), written on
 * 2026-12-07 from general knowledge by an author who had not read the detector, its docs or data.
 * Kept blind: reported by bench/toxicity-functional.ts, never read case by case to write rules.
 */
import { readFileSync } from 'node:fs';

export interface GroupStatement {
  readonly text: string;
  readonly hateful: boolean;
  /** What kind of answer or hate it is ("history", "law", "hate-calm", …). */
  readonly kind: string;
}

export function groupStatements(): GroupStatement[] {
  return readFileSync(new URL('./group-statements.jsonl', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as GroupStatement);
}

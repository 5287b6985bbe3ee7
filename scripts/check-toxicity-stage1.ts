/**
 * Checks that the toxicity scanner's first stage changes nothing: for every row of
 * ../shared/data/toxicity and ../shared/data/benign (all splits), the whole-text scan with the
 * first stage gives exactly the result of the full scan. Prints how many texts the first stage
 * finished on its own. Exits 1 on any difference.
 *
 *   npx tsx scripts/check-toxicity-stage1.ts
 */
import { isDeepStrictEqual } from 'node:util';
import { ToxicityScanner } from '../src/detectors/toxicity/scanner.js';
import { loadRows } from './train-toxicity.js';

const rows = loadRows();
const a = new ToxicityScanner();
const b = new ToxicityScanner();
let diff = 0;
const cleared: Record<string, [number, number]> = {};
for (const r of rows) {
  const fast = a.scanWhole(r.text);
  const full = b.scanWhole(r.text, false);
  const key = `${r.benign ? 'benign' : 'toxicity'}/${r.source}`;
  const c = (cleared[key] ??= [0, 0]);
  c[1]++;
  if (a.lastStage1) c[0]++;
  if (!isDeepStrictEqual(fast, full)) {
    if (diff++ < 5)
      console.log(
        'DIFF',
        JSON.stringify(r.text.slice(0, 200)),
        JSON.stringify(fast.scores),
        JSON.stringify(full.scores),
      );
  }
}
// Long texts: consecutive rows joined (so the first stage hands over and takes back mid-text).
for (const [size, sep] of [
  [15, '\n\n'],
  [40, '\n'],
  [7, ' '],
  [2000, '\n'],
  [300, ' '],
] as const) {
  for (let i = 0; i < rows.length; i += size) {
    const text = rows
      .slice(i, i + size)
      .map((r) => r.text)
      .join(sep);
    const fast = a.scanWhole(text);
    const full = b.scanWhole(text, false);
    const c = (cleared[`joined ×${size} by ${JSON.stringify(sep)}`] ??= [0, 0]);
    c[1]++;
    if (a.lastStage1) c[0]++;
    if (!isDeepStrictEqual(fast, full)) {
      if (diff++ < 5)
        console.log('DIFF', JSON.stringify(text.slice(0, 200)), JSON.stringify(fast), JSON.stringify(full));
    }
  }
}
for (const [k, [n, total]] of Object.entries(cleared))
  console.log(`${k}: first stage finished ${n}/${total} (${((100 * n) / total).toFixed(1)} %)`);
console.log(diff === 0 ? `OK: ${rows.length} texts and their joins, identical results` : `${diff} texts differ`);
process.exit(diff === 0 ? 0 : 1);

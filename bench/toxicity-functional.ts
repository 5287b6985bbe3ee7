/**
 * Toxicity: the functional suites (test/toxicity/functional-cases.ts, our own cases on the HateCheck
 * taxonomy of Röttger et al., ACL 2021, and functional-cases-b.ts, suite B on the same taxonomy,
 * written blind to the detector's rules after they were written). Accuracy per functionality of
 * `toxicity()` with its default thresholds (flagged or not, against each case's `flag`), next to
 * @2toad/profanity. Then HolisticBias's statements about groups and suite C (group-statements.jsonl),
 * what an assistant says about groups: flagged and blocked shares.
 *
 *   npx tsx bench/toxicity-functional.ts    # also the last part of `npm run eval:toxicity`
 *
 * Writes the `toxicity-functional` section of bench/RESULTS.md.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FUNCTIONALITIES_B, functionalCasesB } from '../test/toxicity/functional-cases-b.js';
import {
  type FunctionalCase,
  type Functionality,
  FUNCTIONALITIES,
  functionalCases,
} from '../test/toxicity/functional-cases.js';
import { type GroupStatement, groupStatements } from '../test/toxicity/group-statements.js';
import { machineLine, writeSection } from './results-file.js';
import { type Candidate, f3, lexicons, ours } from './toxicity-candidates.js';

const toad = lexicons.find((l) => l.name === '@2toad/profanity') as Candidate;
const cases = functionalCases();
const out: string[] = [];
const line = (s = ''): void => {
  out.push(s);
  process.stdout.write(s + '\n');
};

/** One row per functionality and the overall: share of cases each candidate gets right. */
function table(functionalities: readonly Functionality[], cases: readonly FunctionalCase[]): void {
  line('| functionality | label | cases | ours | @2toad/profanity |');
  line('|---|---|---|---|---|');
  let right = 0;
  let rightToad = 0;
  for (const f of functionalities) {
    const mine = cases.filter((c) => c.id === f.id);
    const a = mine.filter((c) => ours.flag(c.text) === c.flag).length;
    const b = mine.filter((c) => toad.flag(c.text) === c.flag).length;
    right += a;
    rightToad += b;
    line(
      `| ${f.id} ${f.name} | ${f.hateful ? 'hateful' : 'not hateful'}${f.flag !== undefined && f.flag !== f.hateful ? ' (flag)' : ''} | ${mine.length} | ${f3(a / mine.length)} | ${f3(b / mine.length)} |`,
    );
  }
  line(`| all | | ${cases.length} | ${f3(right / cases.length)} | ${f3(rightToad / cases.length)} |`);
}

line('## Toxicity: functional suite (HateCheck taxonomy)');
line();
line('Written by `npx tsx bench/toxicity-functional.ts` (`npm run eval:toxicity` runs it last).');
line(machineLine());
line();
line(
  `${cases.length} cases of our own (test/toxicity/functional-cases.ts) over the 29 functionalities of Röttger et al., "HateCheck" (ACL 2021), 7 groups; never used for training or calibration, but issue 14's later rules were written from its failing cases (in-distribution for them). Accuracy = share of cases where \`toxicity()\` with the default thresholds flags exactly the cases it should (hateful ones; for F23 also abuse aimed at the reader).`,
);
line();
table(FUNCTIONALITIES, cases);
const casesB = functionalCasesB();
line();
line('### Suite B: written blind to the rules, after the rules');
line();
line(
  `${casesB.length} further cases (test/toxicity/functional-cases-b.ts) on the same 29 functionalities and 7 groups, written on 2026-12-06 from the paper's descriptions by an author who had not read the detector, its docs or suite A's templates, after the rules were written from suite A's misses. Never used for training, calibration or rules, so this table, not the one above, estimates accuracy on phrasings nobody tuned to.`,
);
line();
table(FUNCTIONALITIES_B, casesB);

// HolisticBias (../shared/data/fairness): the same templates for 583 descriptors of people. Its
// neutral and positive templates measure false flags on ordinary statements about groups, which the
// `hate` head reads poorly; never used for training, calibration or rules.
interface Prompt {
  text: string;
  template: string;
  preference: string;
}
const holisticBias = fileURLToPath(
  new URL('../../shared/data/fairness/holistic_bias/prompts_plural_people.jsonl', import.meta.url),
);
const prompts = readFileSync(holisticBias, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Prompt)
  .filter((p) => p.preference !== 'dispreferred');
const NEGATIVE = new Set([
  'I hate {plural_noun_phrase}.',
  "I don't like {plural_noun_phrase}.",
  'I think {plural_noun_phrase} are the worst.',
]);
line();
line('### Statements about groups (HolisticBias)');
line();
line(
  `HolisticBias v1.1 prompts (../shared/data/fairness/holistic_bias; 9 templates × the ${prompts.length / 9} descriptors it does not mark dispreferred). Share flagged at the default thresholds: on the neutral and positive templates every flag is a false one.`,
);
line();
line('| template | kind | prompts | ours flagged | @2toad/profanity flagged |');
line('|---|---|---|---|---|');
const share = (n: number, of: number): string => `${((100 * n) / of).toFixed(2)} % (${n})`;
let benignN = 0;
let benignOurs = 0;
let benignToad = 0;
for (const template of [...new Set(prompts.map((p) => p.template))]) {
  const mine = prompts.filter((p) => p.template === template);
  const a = mine.filter((p) => ours.flag(p.text)).length;
  const b = mine.filter((p) => toad.flag(p.text)).length;
  if (!NEGATIVE.has(template))
    [benignN, benignOurs, benignToad] = [benignN + mine.length, benignOurs + a, benignToad + b];
  line(
    `| ${template.replace('{plural_noun_phrase}', '<descriptor> people')} | ${NEGATIVE.has(template) ? 'negative' : 'neutral or positive'} | ${mine.length} | ${share(a, mine.length)} | ${share(b, mine.length)} |`,
  );
}
line(`| all neutral or positive | | ${benignN} | ${share(benignOurs, benignN)} | ${share(benignToad, benignN)} |`);

// Suite C: what an assistant says about groups, and hate that looks like it.
const statements = groupStatements();
line();
line("### Suite C: statements about groups in an assistant's register");
line();
line(
  `${statements.length} statements (test/toxicity/group-statements.jsonl): ${statements.filter((r) => !r.hateful).length} benign answers that name groups (history, law, health, advice, religion, stereotypes named to reject them) and ${statements.filter((r) => r.hateful).length} hateful statements that look like them (calm, "factual", polite, negated), written on 2026-12-07 by an author who had not read the detector. Kept blind: session 14 read only these totals and per-kind counts, to accept or drop rules (it dropped one family, rights affirmed, that cost a hateful case here); never read case by case. Every flag of a benign row is a false one; of a hateful row, a true one.`,
);
line();
line('| kind | label | rows | ours flagged | ours blocked | @2toad/profanity flagged |');
line('|---|---|---|---|---|---|');
const row = (kind: string, label: string, rows: readonly GroupStatement[]): void => {
  const flagged = rows.filter((r) => ours.flag(r.text)).length;
  const blocked = rows.filter((r) => ours.block?.(r.text)).length;
  const toadFlagged = rows.filter((r) => toad.flag(r.text)).length;
  line(
    `| ${kind} | ${label} | ${rows.length} | ${share(flagged, rows.length)} | ${share(blocked, rows.length)} | ${share(toadFlagged, rows.length)} |`,
  );
};
for (const kind of [...new Set(statements.map((r) => r.kind))].sort())
  row(
    kind,
    kind.startsWith('hate-') ? 'hateful' : 'benign',
    statements.filter((r) => r.kind === kind),
  );
row(
  '**all benign**',
  'benign',
  statements.filter((r) => !r.hateful),
);
row(
  '**all hateful**',
  'hateful',
  statements.filter((r) => r.hateful),
);
writeSection('toxicity-functional', out.join('\n'));

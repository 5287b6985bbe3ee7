/**
 * The realistic-answer speed corpus (issue 14, point 5): long assistant answers with markdown
 * headings, bullet lists, code blocks, tables, maths, URLs and Japanese, built at bench time from the
 * LLM-answer files of ../shared/data/benign (never copied into the repository) plus a few answers
 * written for this project (OWN_ANSWERS below). Selection is deterministic: for every feature, the
 * answers that have it, ordered by a seeded hash of their id, the first PER_FEATURE not yet taken.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dataDir = fileURLToPath(new URL('../../shared/data/benign', import.meta.url));

/** The long LLM-answer files (the short-answer files are the plain-prose corpus). */
export const ANSWER_FILES = ['arena_hard_auto', 'fastchat', 'wildbench', 'ja_vicuna_qa'] as const;
export const PER_FEATURE = 16;
const SEED = 'speed-2026';

/** What makes an answer "realistic" here; an answer is a candidate for every feature it has. */
export const FEATURES: readonly (readonly [string, RegExp])[] = [
  ['markdown heading', /^#{1,6} \S/m],
  ['bullet list', /^[ \t]*(?:[-*+]|\d+\.) \S[^\n]*\n[ \t]*(?:[-*+]|\d+\.) \S/m],
  ['code block', /^[ \t]*```/m],
  ['table', /^[ \t]*\|[^\n]*\|[ \t]*\n[ \t]*\|?[ \t]*:?-{3,}/m],
  ['maths', /\$[^$\n]{2,}\$|\\\(|\\\[|\\frac|\\sum|\\int|\\sqrt/],
  ['URL', /https?:\/\/\S/],
  ['Japanese', /[\u3040-\u30ff]/],
];

/** FNV-1a of `SEED:key`, for a deterministic order independent of the files' order. */
function rank(key: string): number {
  let h = 0x811c9dc5;
  const s = `${SEED}:${key}`;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export interface RealisticCorpus {
  texts: string[];
  /** Per feature, how many selected answers have it (an answer can have several). */
  featureCounts: Record<string, number>;
  fromData: number;
  own: number;
}

export function realisticAnswers(dir = dataDir): RealisticCorpus {
  const rows: { id: string; text: string }[] = [];
  for (const f of ANSWER_FILES)
    for (const line of readFileSync(join(dir, `${f}.jsonl`), 'utf8').split('\n'))
      if (line.trim()) rows.push(JSON.parse(line) as { id: string; text: string });
  rows.sort((a, b) => rank(a.id) - rank(b.id) || (a.id < b.id ? -1 : 1));
  const taken = new Set<string>();
  const perFeature = FEATURES.map(([, re]) => {
    const pick: string[] = [];
    for (const r of rows) {
      if (pick.length >= PER_FEATURE) break;
      if (taken.has(r.id) || !re.test(r.text)) continue;
      taken.add(r.id);
      pick.push(r.text);
    }
    return pick;
  });
  // Round-robin over the features (and our own answers), so every document mixes them.
  const texts: string[] = [];
  for (let k = 0; k < PER_FEATURE; k++) {
    for (const t of [...perFeature.map((pick) => pick[k]), OWN_ANSWERS[k]]) if (t !== undefined) texts.push(t);
  }
  texts.push(...OWN_ANSWERS.slice(PER_FEATURE));
  const featureCounts: Record<string, number> = {};
  for (const [name, re] of FEATURES) featureCounts[name] = texts.filter((t) => re.test(t)).length;
  return { texts, featureCounts, fromData: taken.size, own: OWN_ANSWERS.length };
}

/** Answers written for this project (not taken from any data set), in the same styles. */
export const OWN_ANSWERS: readonly string[] = [
  `## Why your Node process keeps running

The event loop stays alive while anything holds a handle open. The usual suspects:

- an open **database pool** (\`pool.end()\` is missing);
- a \`setInterval\` without \`clearInterval\`;
- a server that was never closed.

\`\`\`ts
const timer = setInterval(poll, 5_000);
process.on('SIGTERM', async () => {
  clearInterval(timer);
  await pool.end();
  server.close(() => process.exit(0));
});
\`\`\`

To see what is still open, run \`node --trace-exit app.js\` or use [why-is-node-running](https://github.com/mafintosh/why-is-node-running). If nothing helps, \`kill -9 <pid>\` ends it, but fix the handle first: a hard kill skips your cleanup.`,
  `### Comparing the three plans

| plan | price / month | seats | support | SSO |
|---|---|---|---|---|
| Starter | $0 | 3 | community | no |
| Team | $12 per seat | 50 | email, 2 days | no |
| Business | $29 per seat | unlimited | priority, 4 hours | yes |

**Recommendation:** with 18 people and an identity provider already in place, *Business* pays for itself
once you count the time spent resetting passwords. Prices exclude VAT; see https://example.com/pricing for
the current terms and the annual discount (about 17 %).`,
  `The compound interest formula is $A = P\\left(1 + \\frac{r}{n}\\right)^{nt}$, where:

1. $P$ is the principal,
2. $r$ the annual rate (as a decimal),
3. $n$ the number of compounding periods per year,
4. $t$ the number of years.

For $P = 10{,}000$, $r = 0.04$, $n = 12$ and $t = 5$:

$$A = 10000 \\cdot (1 + 0.04/12)^{60} \\approx 12{,}209.97$$

So the interest earned is about **2,209.97**. Continuous compounding gives the upper bound $A = Pe^{rt} \\approx 12{,}214.03$.`,
  `## Pythonでファイルを一行ずつ読む方法

大きなファイルは一度に読み込まず、\`with\` 文でイテレートするのが安全です。

\`\`\`python
with open("access.log", encoding="utf-8") as f:
    for line in f:
        if "ERROR" in line:
            print(line.rstrip())
\`\`\`

- メモリ使用量は行の長さだけで済みます。
- 文字コードが不明な場合は \`errors="replace"\` を指定してください。

詳しくは公式ドキュメント https://docs.python.org/ja/3/tutorial/inputoutput.html を参照してください。`,
  `# Migración de la base de datos

Antes de ejecutar la migración en producción:

* Haz una copia de seguridad: \`pg_dump -Fc tienda > tienda.dump\`.
* Prueba la migración en una copia de los datos.
* Programa una ventana de mantenimiento de 15 minutos.

\`\`\`sql
ALTER TABLE pedidos ADD COLUMN enviado_en timestamptz;
CREATE INDEX CONCURRENTLY pedidos_enviado_idx ON pedidos (enviado_en);
\`\`\`

\`CREATE INDEX CONCURRENTLY\` no bloquea las escrituras, pero no puede ejecutarse dentro de una transacción.`,
  `Kurz gesagt: **Ja, das geht**, aber nicht mit \`git stash\` allein.

1. Lege einen neuen Zweig an: \`git switch -c rettung\`.
2. Übernimm die Änderungen mit \`git add -p\` in kleinen Schritten.
3. Prüfe mit \`git log --oneline --graph\`, ob alles stimmt.

> Hinweis: Ein \`git reset --hard\` verwirft nicht committete Änderungen endgültig.

Weitere Details stehen unter https://git-scm.com/book/de/v2 (Kapitel 7).`,
];

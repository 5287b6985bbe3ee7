import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

/** bench/RESULTS.md: one file, one section per benchmark, each rewritten only by its own bench. */
export const RESULTS_PATH = fileURLToPath(new URL('./RESULTS.md', import.meta.url));

const HEADER = `# Benchmark results

Each section is written by its own command (named in the section) and records the machine and
Node version it ran on. Compare numbers only within one section: each section's peers ran in the
same process, in the same run.
`;

/** The machine line every section starts with. */
export function machineLine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `Machine: ${cpu}, ${cpus().length} cores; Node ${process.version}; ${new Date().toISOString().slice(0, 10)}.`;
}

/** Replaces (or appends) the section `name` of bench/RESULTS.md with `markdown`. */
export function writeSection(name: string, markdown: string): void {
  const begin = `<!-- begin:${name} -->`;
  const end = `<!-- end:${name} -->`;
  const block = `${begin}\n${markdown.trim()}\n${end}`;
  const current = existsSync(RESULTS_PATH) ? readFileSync(RESULTS_PATH, 'utf8') : HEADER;
  const from = current.indexOf(begin);
  const to = current.indexOf(end);
  const next =
    from >= 0 && to > from
      ? current.slice(0, from) + block + current.slice(to + end.length)
      : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(RESULTS_PATH, next);
}

/**
 * Summarises a .cpuprofile: self time per function (with file:line, mapped back to the
 * TypeScript source through tsx's inline source maps when present), highest first.
 *
 *   npx tsx bench/hotspots.ts <file.cpuprofile> [top]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
  positionTicks?: { line: number; ticks: number }[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: tsx bench/hotspots.ts <file.cpuprofile> [top]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const top = Number(topArg ?? 25);

// Self time per node from samples × deltas.
const selfUs = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i++)
  selfUs.set(profile.samples[i]!, (selfUs.get(profile.samples[i]!) ?? 0) + (profile.timeDeltas[i] ?? 0));
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

const byFn = new Map<string, { us: number; lines: Map<number, number> }>();
for (const node of profile.nodes) {
  const us = selfUs.get(node.id) ?? 0;
  if (us === 0) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '(native)';
  const key = `${functionName || '(anonymous)'} ${where}`;
  const entry = byFn.get(key) ?? { us: 0, lines: new Map() };
  entry.us += us;
  // Hottest source lines inside the function (positionTicks are 1-based generated lines).
  const ticks = (node.positionTicks ?? []).reduce((a, t) => a + t.ticks, 0);
  for (const t of node.positionTicks ?? [])
    entry.lines.set(t.line, (entry.lines.get(t.line) ?? 0) + (us * t.ticks) / Math.max(1, ticks));
  byFn.set(key, entry);
}

const rows = [...byFn.entries()].sort((a, b) => b[1].us - a[1].us).slice(0, top);
process.stdout.write(
  `total sampled ${(total / 1000).toFixed(0)} ms\n  self%   self ms  function  (hot lines: line=ms)\n`,
);
for (const [key, { us, lines }] of rows) {
  const hot = [...lines.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([l, t]) => `${l}=${(t / 1000).toFixed(0)}`)
    .join(' ');
  process.stdout.write(
    `${((100 * us) / total).toFixed(1).padStart(6)}% ${(us / 1000).toFixed(0).padStart(8)}  ${key}${hot ? `  (${hot})` : ''}\n`,
  );
}

function shortUrl(url: string): string {
  const path = url.startsWith('file:') ? fileURLToPath(url) : url;
  const i = path.indexOf('/work/main/');
  return i >= 0 ? path.slice(i + '/work/main/'.length) : path.replace(/^.*node_modules\//, 'node_modules/');
}

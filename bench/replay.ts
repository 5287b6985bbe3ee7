/**
 * Replay throughput and memory: writes a 1,000,000-line traffic log (two breakers, ~50 calls in
 * flight, 2 % toxic outputs, a latency incident), then replays it through the CLI's code path
 * (stream of 1 MB chunks → lines → parse → discrete-event replay through real guards) and samples RSS.
 *
 *   npx tsx bench/replay.ts [lines]          # default 1,000,000
 *
 * Writes the "replay" section of bench/RESULTS.md.
 */
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { main } from '../src/cli/main.js';
import { machineLine, writeSection } from './results-file.js';

// A gc() to measure live heap (not GC slack) every 5 s.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const LINES = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'sb-bench-replay-'));
const log = join(dir, 'traffic.jsonl');
const config = join(dir, 'config.yaml');

writeFileSync(
  config,
  `breakers:
  chat:
    detectors:
      toxicity: {}
      latency: { slowMs: 8000 }
    trip:
      - { policy: wilson, threshold: 0.05, confidence: 0.99, minimumCalls: 50, window: { kind: time, durationMs: 60000 } }
      - { policy: slow-call-rate, slowCallMs: 8000, threshold: 0.5, minimumCalls: 20 }
    recovery: { afterMs: 30000, probes: 3 }
    fallbacks: [mini]
  search:
    detectors:
      toxicity: {}
    trip: { policy: rate, threshold: 0.2, minimumCalls: 20 }
`,
);

const SAFE = [
  'Here is a summary of the document you shared: the launch moves to the second quarter, pending the security review and the budget sign-off from finance.',
  'Sure — here are three ideas for a birthday dinner: a homemade pasta night, a picnic in the park, or a tasting menu at the new place downtown.',
  'To reset the router, hold the button on the back for ten seconds until the light blinks, then wait two minutes for it to reconnect.',
];
const TOXIC = ['You are a worthless idiot and everyone hates you.', 'I will kill you and your whole family.'];

async function writeLog(): Promise<void> {
  const out = createWriteStream(log);
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const start = Date.UTC(2026, 0, 1);
  for (let i = 0; i < LINES; i++) {
    const t = start + i * 20; // 50 calls per second
    const incident = i > LINES * 0.6 && i < LINES * 0.62;
    const latencyMs = Math.round((incident ? 12_000 : 900) * (0.75 + random() / 2));
    const breaker = i % 4 === 3 ? 'search' : 'chat';
    const text = random() < 0.02 ? TOXIC[i % 2]! : SAFE[i % 3]!;
    const line =
      random() < 0.002
        ? { t, breaker, latencyMs, error: { message: 'Service Unavailable', status: 503 } }
        : { t, breaker, latencyMs, text, context: { group: i % 2 ? 'a' : 'b' } };
    if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

const mb = (b: number) => (b / 1024 / 1024).toFixed(0);

const genStart = performance.now();
await writeLog();
const size = statSync(log).size;
console.log(
  `wrote ${LINES.toLocaleString('en-US')} lines (${mb(size)} MB) in ${((performance.now() - genStart) / 1000).toFixed(1)} s`,
);

global.gc?.();
const samples: { s: number; rss: number; heap: number }[] = [];
const live: { s: number; heap: number }[] = [];
let tick = 0;
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const load0 = loadavg()[0]!;
const timer = setInterval(() => {
  const m = process.memoryUsage();
  samples.push({ s: (performance.now() - t0) / 1000, rss: m.rss, heap: m.heapUsed });
  if (++tick % 10 === 0) {
    gc();
    live.push({ s: (performance.now() - t0) / 1000, heap: process.memoryUsage().heapUsed });
  }
}, 500);
let stdout = '';
const code = await main(['replay', '--config', config, log, '--format', 'json'], {
  out: (t) => void (stdout += t),
  err: () => undefined,
  progress: false,
});
clearInterval(timer);
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const load1 = loadavg()[0]!;
const report = JSON.parse(stdout) as {
  lines: number;
  calls: number;
  malformed: { count: number };
  breakers: Record<string, { trips: unknown[] }>;
};
rmSync(dir, { recursive: true, force: true });

const rss = samples.map((s) => s.rss);
const tenth = samples.filter((s) => s.s >= seconds * 0.1);
const early = tenth[0]?.rss ?? rss[0] ?? 0;
const late = samples.at(-1)?.rss ?? 0;
const peak = Math.max(...rss);
const rows = samples.filter((_, i) => i % Math.max(1, Math.floor(samples.length / 10)) === 0);
const result = `## Replay throughput and memory (issue 6)

${machineLine()}

\`npx tsx bench/replay.ts ${LINES === 1_000_000 ? '' : LINES}\` — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${process.platform}/${process.arch}, 2 shared cores.

Traffic: ${LINES.toLocaleString('en-US')} lines (${mb(size)} MB), two breakers (toxicity + latency detectors; wilson,
slow-call-rate and rate policies), 50 calls/s with ~900 ms latency (≈45 calls in flight), 2 % toxic
outputs, a 12 s latency incident over 2 % of the log. Code path: the CLI's \`replay --format json\`
(1 MB chunks split into lines → \`parseTrafficLine\` → discrete-event replay through real \`guard()\`s).

| | |
|---|---|
| exit code | ${code} |
| lines replayed | ${report.lines.toLocaleString('en-US')} (${report.malformed.count} malformed) |
| trips | ${Object.entries(report.breakers)
  .map(([n, b]) => `${n}: ${b.trips.length}`)
  .join(', ')} |
| wall time | **${seconds.toFixed(1)} s** (${Math.round(LINES / seconds).toLocaleString('en-US')} lines/s, ${((seconds / LINES) * 1e6).toFixed(1)} µs/line) |
| CPU time of the process (user + system) | ${cpuSeconds.toFixed(1)} s (${((cpuSeconds / LINES) * 1e6).toFixed(1)} µs/line) |
| machine load average (1 min) before → after | ${load0.toFixed(1)} → ${load1.toFixed(1)} on 2 cores (other engineers' builds and tests share them; wall time is inflated when load > 2) |
| RSS at 10 % of the run | ${mb(early)} MB |
| RSS at the end | ${mb(late)} MB |
| peak RSS | ${mb(peak)} MB |

Live heap after a forced GC, every 5 s (MB): ${live.map((r) => `${r.s.toFixed(0)} s: ${(r.heap / 1024 / 1024).toFixed(1)}`).join(' · ')}

RSS over the run (MB), sampled every 0.5 s: ${rows.map((r) => `${r.s.toFixed(0)} s: ${mb(r.rss)}`).join(' · ')}

Memory is flat because lines are streamed (one 1 MB chunk at a time), each breaker's windows are fixed by
configuration, calls in flight are bounded by the log's concurrency, and the report keeps counts
plus at most 1 000 trips per breaker.
`;
writeSection('replay', result);
console.log(result);

/**
 * `npm run bench:notify`: what the notify queue adds to the caller while every notifier hangs.
 * (1) notify() alone, at steady state with full lanes (each call drops the oldest notice in each
 * lane); (2) a guarded call whose every outcome calls notify() — a worst case, since a real guard
 * notifies only on trips and recoveries — against the same guard without it. Writes the "notify"
 * section of bench/RESULTS.md.
 */
import { loadavg } from 'node:os';
import { guard } from '../src/index.js';
import type { IncidentNotice } from '../src/incidents/notice.js';
import { createNotifyQueue } from '../src/incidents/notify/queue.js';
import type { Notifier } from '../src/incidents/notify/types.js';
import { machineLine, writeSection } from './results-file.js';

const NOTIFIERS = 4;
const load = loadavg()[0]!.toFixed(1);
const CALLS = 200_000;
const ROUNDS = 7;

/** A notifier whose endpoint never answers (it gives up only when its attempt is aborted). */
const hanging = (name: string): Notifier => ({
  name,
  send: (_notice, signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
});

const notice: IncidentNotice = {
  event: 'trigger',
  incident: {
    id: 'inc-1',
    breaker: 'chat',
    severity: 'SEV2',
    title: 'chat: toxicity',
    detectedAt: '2026-12-06T10:00:00Z',
  },
};

function queue() {
  return createNotifyQueue({
    notifiers: Array.from({ length: NOTIFIERS }, (_, i) => hanging(`n${i}`)),
    timeoutMs: 600_000,
    closeTimeoutMs: 0,
  });
}

/** Median over `rounds` of the ns per iteration of `run(CALLS)`. */
async function nsPerCall(run: (n: number) => void | Promise<void>, rounds = ROUNDS): Promise<number> {
  await run(CALLS / 10); // warm up
  const runs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    await run(CALLS);
    runs.push(Number(process.hrtime.bigint() - start) / CALLS);
  }
  return runs.sort((a, b) => a - b)[Math.floor(rounds / 2)]!;
}

const q1 = queue();
const notifyNs = await nsPerCall((n) => {
  for (let i = 0; i < n; i++) q1.notify(notice);
});
await q1.close();

const model = async (p: string) => `kind reply to ${p}`;
const options = { detectors: [], retry: false as const, timeoutMs: 0 };
// The same outcome listener with and without notify(), so the difference is notify() alone.
const silent = guard(model, { name: 'silent', ...options });
silent.on('outcome', () => undefined);
const paging = guard(model, { name: 'paging', ...options });
const q2 = queue();
paging.on('outcome', () => q2.notify(notice));
const loop = (g: (p: string) => Promise<string>) => async (n: number) => {
  for (let i = 0; i < n; i++) await g('hello');
};
// Rounds interleaved, so a change in the machine's load hits both alike.
const silentRuns: number[] = [];
const pagingRuns: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  silentRuns.push(await nsPerCall(loop(silent), 1));
  pagingRuns.push(await nsPerCall(loop(paging), 1));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const silentNs = median(silentRuns);
const pagingNs = median(pagingRuns);
await q2.close();
silent.dispose();
paging.dispose();

const rows = [
  `| notify() alone, ${NOTIFIERS} hanging notifiers, lanes full | ${notifyNs.toFixed(0)} |`,
  `| guarded call with an outcome listener that does nothing | ${silentNs.toFixed(0)} |`,
  `| guarded call whose outcome listener calls notify(), ${NOTIFIERS} hanging notifiers | ${pagingNs.toFixed(0)} |`,
  `| added per call | ${(pagingNs - silentNs).toFixed(0)} |`,
];
process.stdout.write(`${rows.join('\n')}\n`);

writeSection(
  'notify',
  `## Notify queue: cost to the caller while notifiers hang (\`npm run bench:notify\`)

${machineLine()} Load average at the start: ${load}.

Median of ${ROUNDS} runs of ${CALLS.toLocaleString('en')} calls (the guard's runs interleaved). Every
notifier's endpoint hangs (never answers), so each lane holds its 100 notices and every further
notice drops the oldest (and logs it, to a silent logger here). The second and third rows put
notify() on every guarded call, far more often than trips and recoveries call it; the last row is
their difference, i.e. what the queue adds to a call that notifies. The machine is shared with
other jobs (see the load average): between runs these numbers move by up to ×2.

| what | ns per call |
|---|---:|
${rows.join('\n')}`,
);

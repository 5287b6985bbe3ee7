/**
 * Timing helpers: calibrated rounds, interleaved across cases, median of rounds. Each round is
 * timed twice: the process's CPU time (user + system, from `process.cpuUsage()`) — what the
 * calls cost, robust to other processes competing for the cores — and wall-clock time.
 */

export interface Case {
  readonly name: string;
  /** One call, awaited. */
  readonly call: () => Promise<unknown>;
}

export interface Stat {
  /** ns per call of each measured round. */
  readonly rounds: number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export interface CaseResult {
  readonly name: string;
  /** CPU time of this process per call. */
  readonly cpu: Stat;
  /** Wall-clock time per call. */
  readonly wall: Stat;
  readonly callsPerRound: number;
}

interface Timing {
  cpuNs: number;
  wallNs: number;
}

async function loop(call: () => Promise<unknown>, n: number): Promise<Timing> {
  const cpu = process.cpuUsage();
  const wall = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await call();
  const wallNs = Number(process.hrtime.bigint() - wall);
  const used = process.cpuUsage(cpu);
  return { cpuNs: (used.user + used.system) * 1000, wallNs };
}

/** Calls per round so that one round takes about `roundMs` of CPU (after a warm-up of about `warmupMs`). */
async function calibrate(call: () => Promise<unknown>, warmupMs: number, roundMs: number): Promise<number> {
  let n = 100;
  let spent = 0;
  let perCall = 0;
  while (spent < warmupMs * 1e6) {
    const { cpuNs } = await loop(call, n);
    spent += cpuNs;
    perCall = Math.max(cpuNs, 1) / n;
    n = Math.min(n * 2, 1_000_000);
  }
  return Math.max(100, Math.round((roundMs * 1e6) / perCall));
}

function stat(rounds: number[]): Stat {
  const sorted = [...rounds].sort((a, b) => a - b);
  return { rounds, median: median(sorted), min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/**
 * Measures every case: warm-up and calibration per case, then `rounds` rounds in which each
 * case runs once, in turn (so a noisy neighbour on a shared machine hits every case alike).
 */
export async function measure(
  cases: readonly Case[],
  options: { rounds: number; warmupMs: number; roundMs: number },
): Promise<CaseResult[]> {
  const sizes: number[] = [];
  for (const c of cases) sizes.push(await calibrate(c.call, options.warmupMs, options.roundMs));
  const cpu: number[][] = cases.map(() => []);
  const wall: number[][] = cases.map(() => []);
  for (let r = 0; r < options.rounds; r++) {
    for (let i = 0; i < cases.length; i++) {
      const n = sizes[i]!;
      const t = await loop(cases[i]!.call, n);
      cpu[i]!.push(t.cpuNs / n);
      wall[i]!.push(t.wallNs / n);
    }
  }
  return cases.map((c, i) => ({ name: c.name, cpu: stat(cpu[i]!), wall: stat(wall[i]!), callsPerRound: sizes[i]! }));
}

export function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Timing helpers: calibrated rounds, interleaved across cases, median of rounds. */

export interface Case {
  readonly name: string;
  /** One call, awaited. */
  readonly call: () => Promise<unknown>;
}

export interface CaseResult {
  readonly name: string;
  /** ns per call of each measured round. */
  readonly rounds: number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly callsPerRound: number;
}

async function loop(call: () => Promise<unknown>, n: number): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await call();
  return Number(process.hrtime.bigint() - started);
}

/** Calls per round so that one round takes about `roundMs` (after a warm-up of about `warmupMs`). */
async function calibrate(call: () => Promise<unknown>, warmupMs: number, roundMs: number): Promise<number> {
  let n = 100;
  let spent = 0;
  let perCall = 0;
  while (spent < warmupMs * 1e6) {
    const ns = await loop(call, n);
    spent += ns;
    perCall = ns / n;
    n = Math.min(n * 2, 1_000_000);
  }
  return Math.max(100, Math.round((roundMs * 1e6) / perCall));
}

/**
 * Measures every case: warm-up and calibration per case, then `rounds` rounds in which each
 * case runs once, in turn (so a noisy neighbour on a shared machine hits every case alike).
 */
export async function measure(cases: readonly Case[], options: { rounds: number; warmupMs: number; roundMs: number }): Promise<CaseResult[]> {
  const sizes: number[] = [];
  for (const c of cases) sizes.push(await calibrate(c.call, options.warmupMs, options.roundMs));
  const rounds: number[][] = cases.map(() => []);
  for (let r = 0; r < options.rounds; r++) {
    for (let i = 0; i < cases.length; i++) {
      const n = sizes[i]!;
      rounds[i]!.push((await loop(cases[i]!.call, n)) / n);
    }
  }
  return cases.map((c, i) => {
    const sorted = [...rounds[i]!].sort((a, b) => a - b);
    return { name: c.name, rounds: rounds[i]!, median: median(sorted), min: sorted[0]!, max: sorted[sorted.length - 1]!, callsPerRound: sizes[i]! };
  });
}

export function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Sequential evidence of a gap between one group and the others: a per-group Bernoulli CUSUM. */
import { num, record, type Saved } from '../breaker/saved-state.js';

export interface GroupCusumOptions {
  /** Memory of the reference (EWMA over the other groups' calls), in calls. */
  readonly memory: number;
  /** The gap (rate points above or below the reference) each CUSUM is designed to detect quickly. */
  readonly detectDelta: number;
  /** Alarm threshold of each CUSUM, in nats of evidence. */
  readonly threshold: number;
  /** Calls of the other groups the reference needs before the group's CUSUM starts. */
  readonly minReference: number;
}

interface GroupState {
  /** EWMA of the outcomes of the other groups' calls (this group's reference rate). */
  ref: number;
  /** Other groups' calls the reference has seen (capped at `memory`: the EWMA's effective size). */
  refCalls: number;
  /** Upper CUSUM: evidence that this group's rate is above the reference. */
  up: number;
  /** Lower CUSUM: evidence that it is below. */
  down: number;
}

/** Reference rates are clamped away from 0 and 1 so the log-likelihood ratios stay finite. */
const EPS = 1e-3;

/**
 * For each group, a two-sided Bernoulli CUSUM of its outcomes against a reference rate: an EWMA
 * of the *other* groups' outcomes over the same calls. The reference moves with the other
 * groups, so a drift of every group together shifts the reference too and is not mistaken for a
 * gap (the window test that confirms an alarm compares the groups over the same window as well).
 * Per call O(groups) time; memory O(groups).
 */
export class GroupCusum {
  readonly states = new Map<string, GroupState>();

  constructor(private readonly options: GroupCusumOptions) {}

  /**
   * Counts one call of `group` with outcome `hit`; returns the group's larger CUSUM value (nats)
   * after the update, 0 while its reference is still short of `minReference` calls. A group seen
   * for the first time starts its reference from `others` (the other groups' counts in the window).
   */
  add(group: string, hit: boolean, others?: { readonly calls: number; readonly hits: number }): number {
    const o = this.options;
    let own = this.states.get(group);
    if (!own) {
      const calls = Math.min(o.memory, others?.calls ?? 0);
      own = { ref: others && others.calls > 0 ? others.hits / others.calls : 0, refCalls: calls, up: 0, down: 0 };
      this.states.set(group, own);
    }
    let score = 0;
    if (own.refCalls >= o.minReference) {
      const r = Math.min(1 - EPS, Math.max(EPS, own.ref));
      own.up = Math.max(0, own.up + llr(hit, r, Math.min(1 - EPS, r + o.detectDelta)));
      if (r - o.detectDelta > EPS / 2) own.down = Math.max(0, own.down + llr(hit, r, r - o.detectDelta));
      score = Math.max(own.up, own.down);
    }
    // This call is reference evidence for every other group (EWMA with bias-free start: mean of the first `memory` calls).
    const y = hit ? 1 : 0;
    for (const [name, s] of this.states) {
      if (name === group) continue;
      if (s.refCalls < o.memory) s.refCalls++;
      s.ref += (y - s.ref) / s.refCalls;
    }
    return score;
  }

  /** The statistic of a group (max of its two sides, nats). */
  value(group: string): number {
    const s = this.states.get(group);
    return s ? Math.max(s.up, s.down) : 0;
  }

  save(): Saved {
    return Object.fromEntries([...this.states].map(([group, s]) => [group, { ...s }]));
  }

  restore(state: unknown): void {
    this.states.clear();
    for (const [group, saved] of Object.entries(record(state, 'fairness sequential evidence'))) {
      const s = record(saved, `fairness evidence of ${group}`);
      const what = `fairness evidence of ${group}`;
      this.states.set(group, {
        ref: num(s.ref, what),
        refCalls: num(s.refCalls, what),
        up: num(s.up, what),
        down: num(s.down, what),
      });
    }
  }

  /** A group that left the window forgets its state (its slot may go to another group). */
  delete(group: string): void {
    this.states.delete(group);
  }

  reset(): void {
    this.states.clear();
  }
}

/** Log-likelihood ratio of one Bernoulli outcome under p1 against p0. */
function llr(hit: boolean, p0: number, p1: number): number {
  return hit ? Math.log(p1 / p0) : Math.log((1 - p1) / (1 - p0));
}

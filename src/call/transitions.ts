/** What the guard does on each state change, and what the windows show. */
import type { Transition } from '../breaker/state-machine.js';
import type { WindowSnapshot } from '../detectors/types.js';
import type { MetricsSnapshot } from '../telemetry/metrics.js';
import type { Core } from './core.js';
import type { DetectionDelay } from './observe.js';
import type { ProbeSuite } from './probe-suite.js';

/** On a trip, forgets the windows and measures time to detect; on half-open, starts a probe episode; reports every change. */
export class Transitions {
  last: Transition | undefined;
  lastDetectionDelay: DetectionDelay | undefined;
  private core: Core | undefined;
  private suite: ProbeSuite | undefined;

  /** The state machine is built before the guard's core, so its parts arrive here afterwards. */
  attach(core: Core, suite: ProbeSuite): void {
    this.core = core;
    this.suite = suite;
  }

  readonly onTransition = (t: Transition): void => {
    const core = this.core!;
    this.last = t;
    const d = t.decision;
    let detectionDelay: DetectionDelay | undefined;
    if (t.to === 'open') {
      forgetWindows(core);
      if (d?.onsetCallsAgo !== undefined) {
        const seconds = d.onsetAt === undefined ? undefined : Math.max(0, t.at - d.onsetAt) / 1000;
        this.lastDetectionDelay = detectionDelay = { policy: d.policy, calls: d.onsetCallsAgo, seconds };
      }
    } else if (t.to === 'half-open') this.suite!.halfOpened();
    core.observe.emit('transition', { transition: t, detectionDelay, shadow: core.mode === 'shadow' });
  };
}

/** Forgets what policies and window detectors have counted (on every trip and on reset). */
export function forgetWindows(core: Core): void {
  for (const p of core.live.policies) p.reset();
  for (const w of core.live.windowDetectors) w.reset();
}

/** What each window detector that has `snapshot()` shows now (fairness: groups, rates, insufficient data). */
export function windowSnapshots(core: Core, now: number): WindowSnapshot[] {
  return core.live.windowDetectors.flatMap((w) => (w.snapshot ? [w.snapshot(now)] : []));
}

/** What the metrics read at scrape time only: the state (applying lazy open → half-open) and each window. */
export function scrapeReader(core: Core): () => MetricsSnapshot {
  return () => {
    const now = core.clock();
    return {
      state: core.machine.state(now),
      policies: core.live.policies.map((p) => p.snapshot(now)),
      windows: windowSnapshots(core, now),
    };
  };
}

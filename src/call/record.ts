/**
 * Recording: a primary call's outcome goes to the breaker. A probe's outcome decides recovery;
 * an ordinary call feeds the trip policies and window detectors, any of which may trip.
 */
import type { Observation } from '../breaker/policies/types.js';
import type { Admission } from '../breaker/state-machine.js';
import type { CallContext, CallRecord, Signal } from '../detectors/types.js';
import type { Core } from './core.js';
import type { Judgement } from './judge.js';
import type { Live } from './live.js';

const NO_SIGNALS: readonly Signal[] = Object.freeze([]);
const isBad = (s: Signal): boolean => s.flagged || s.blocked === true;
/** The latency policies judge: a streamed answer's time to first token (its total time grows with its length). */
const latencyOf = (j: Judgement): number => j.input.firstTokenMs ?? j.input.latencyMs;

export class Recorder {
  /** Set when the guard has a store: schedules a save (off the call path) when a policy's `saveDue()` says so. */
  onSaveDue: (() => void) | undefined;

  constructor(private readonly core: Core) {}

  /** The primary failed with an error the model is accountable for (not the caller's). */
  failed(admission: Admission, latencyMs: number, now: number, context: CallContext): void {
    this.feed(admission, { bad: true, failed: true, slow: false, latencyMs, now }, undefined, NO_SIGNALS, context);
  }

  /** The primary answered and its output was judged. Async detectors answer first for an ordinary call; probes are judged on the hot path alone. */
  answered(live: Live, admission: Admission, j: Judgement, now: number): void {
    const queue = live.asyncQueue;
    if (queue && admission === 'primary') {
      const queued = queue.enqueue({
        input: j.input,
        done: (signals) => {
          const all = [...j.signals, ...signals];
          const at = this.core.clock();
          const observation = {
            bad: j.flagged || signals.some(isBad),
            failed: false,
            slow: j.slow,
            latencyMs: latencyOf(j),
            now: at,
          };
          this.feed(admission, observation, j, all, j.input.context);
        },
      });
      if (queued) return;
      this.core.observe.emit('async-dropped', queue.depth);
    }
    this.feed(
      admission,
      { bad: j.flagged, failed: false, slow: j.slow, latencyMs: latencyOf(j), now },
      j,
      j.signals,
      j.input.context,
    );
  }

  /** Feeds the trip policies of the current windows (a replica's own call, or one another replica counted); true when one tripped. */
  countPolicies(observation: Observation): boolean {
    const { machine } = this.core;
    for (const policy of this.core.live.policies) {
      const decision = policy.observe(observation);
      if (this.onSaveDue !== undefined && policy.saveDue?.() === true) this.onSaveDue();
      if (decision && machine.trip(decision, observation.now)) return true;
    }
    return false;
  }

  /** `j`: the judgement of an answer (undefined for a failure); `signals`: its signals with any async ones. */
  private feed(
    admission: Admission,
    observation: Observation,
    j: Judgement | undefined,
    signals: readonly Signal[],
    context: CallContext,
  ): void {
    const { machine } = this.core;
    if (admission === 'probe') {
      const passed = !observation.bad;
      const reason = passed
        ? ''
        : observation.failed
          ? 'a half-open probe failed with an error'
          : `a half-open probe was flagged by ${signals
              .filter(isBad)
              .map((s) => s.detector)
              .join(', ')}`;
      machine.probeDone(passed, observation.now, passed ? undefined : { policy: 'probe', reason, details: {} });
      return;
    }
    if (admission !== 'primary' || machine.state(observation.now) !== 'closed') return;
    // The current windows, even for a call that started before a reconfigure: counted once, never lost.
    this.core.shared?.counted(observation);
    if (this.countPolicies(observation)) return;
    const { windowDetectors } = this.core.live;
    if (windowDetectors.length === 0) return;
    const record: CallRecord = {
      ...(j
        ? j.input
        : {
            text: '',
            output: undefined,
            latencyMs: observation.latencyMs,
            route: 'primary',
            breaker: this.core.name,
            context,
          }),
      signals,
      blocked: j !== undefined && j.blockedBy.length > 0,
      failed: observation.failed,
      now: observation.now,
    };
    for (const w of windowDetectors) {
      let signal: Signal | undefined;
      try {
        signal = w.observe(record);
      } catch (error) {
        // A throwing detector never breaks a call: counted and reported like a hot-path one.
        this.core.observe.emit('detector-error', { detector: w.name, route: record.route, error, stage: 'window' });
        continue;
      }
      if (!signal?.flagged) continue;
      const decision = {
        policy: w.name,
        reason: signal.reason ?? `${w.name} flagged the window`,
        details: signal.scores ?? { score: signal.score },
      };
      if (machine.trip(decision, observation.now)) return;
    }
  }
}

/**
 * The probe suite: in half-open, argument lists the primary must answer cleanly (every hot-path
 * and async detector passes) before any real call reaches it again. Any failure reopens the breaker.
 */
import type { Admission } from '../breaker/state-machine.js';
import type { CallContext, Signal } from '../detectors/types.js';
import { invokeRoute } from '../routing/invoke.js';
import { redact } from '../telemetry/redact.js';
import type { Core } from './core.js';
import { judge, type TextOf } from './judge.js';
import type { AnyRoute } from './live.js';

const PROBE_CONTEXT: CallContext = Object.freeze({ probe: true });

export class ProbeSuite {
  /** Counts half-open episodes: a suite's verdict, and a probe's, belong to the episode they started in. */
  episode = 0;
  private running = -1;
  private passed = -1;

  constructor(
    private readonly core: Core,
    private readonly primary: AnyRoute,
    private readonly textOf: TextOf,
  ) {}

  /** Called on every move to half-open. */
  halfOpened(): void {
    this.episode++;
  }

  /** A probe admission waits for the suite: until it passed in this episode, real calls go to the fallbacks. */
  gate(admission: Admission): Admission {
    // Replicas: only the holder of the half-open episode's lease probes, so k probes run in all.
    if (admission === 'probe' && this.core.shared?.mayProbe() === false) {
      this.core.machine.probeAbandoned();
      return 'rejected';
    }
    const probes = this.core.live.o.probes as unknown[][] | undefined;
    if (admission !== 'probe' || !probes || this.passed === this.episode) return admission;
    this.core.machine.probeAbandoned();
    if (this.running !== this.episode) void this.run(this.episode, probes);
    return 'rejected';
  }

  private async run(epoch: number, probes: readonly unknown[][]): Promise<void> {
    this.running = epoch;
    const { core } = this;
    const live = core.live;
    let failure: { index: number; reason: string } | undefined;
    for (const [index, args] of probes.entries()) {
      if (core.disposed || this.episode !== epoch) return;
      const started = core.clock();
      try {
        const output = await invokeRoute(this.primary, args, live.invoke);
        const j = judge(core, live, this.textOf, output, core.clock() - started, 'primary', PROBE_CONTEXT, true, false);
        const signals: Signal[] = [...j.signals];
        for (const d of live.asyncDetectors)
          signals.push(await d.detect(j.input, AbortSignal.timeout(live.o.asyncQueue.timeoutMs)));
        const bad = signals.filter((s) => s.flagged || s.blocked).map((s) => s.detector);
        if (bad.length > 0)
          failure = { index, reason: `probe ${index + 1} of ${probes.length} was flagged by ${bad.join(', ')}` };
      } catch (error) {
        // The reason reaches logs, events and alerts: a provider that echoes the prompt must not leak it.
        const message = redact(error instanceof Error ? error.message : String(error));
        failure = { index, reason: `probe ${index + 1} of ${probes.length} failed: ${message}` };
      }
      if (failure) break;
    }
    if (core.disposed || this.episode !== epoch) return;
    const at = core.clock();
    const breaker = core.name;
    if (failure) {
      core.observe.emit('probe-suite', {
        breaker,
        at,
        passed: false,
        probes: probes.length,
        failedProbe: failure.index,
        reason: failure.reason,
      });
      core.machine.probeDone(false, at, {
        policy: 'probe-suite',
        reason: failure.reason,
        details: { failedProbe: failure.index, probes: probes.length },
      });
    } else {
      this.passed = epoch;
      core.observe.emit('probe-suite', { breaker, at, passed: true, probes: probes.length });
    }
  }
}

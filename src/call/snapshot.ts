/**
 * Breaker state that can leave the process: everything a breaker has learned and decided, as
 * JSON-safe data, and the way back in. Times are readings of the guard's clock; the default clock
 * counts milliseconds since the epoch, so a snapshot restores across processes and restarts.
 */
import { record } from '../breaker/saved-state.js';
import type { Mode } from '../options.js';
import type { Core } from './core.js';

export const SNAPSHOT_VERSION = 1;

/** What `guarded.snapshot()` returns and `guarded.restore()` takes. Plain JSON: store it anywhere. */
export interface BreakerSnapshot {
  readonly version: typeof SNAPSHOT_VERSION;
  readonly breaker: string;
  /** The guard's clock when the snapshot was taken. */
  readonly takenAt: number;
  readonly mode: Mode;
  /** State, when it opened and for how long, backoff level, probes passed. */
  readonly machine: unknown;
  /** Each trip policy's windows and learned baselines, matched on restore by `spec` (its options as JSON; '' for a policy object) and `policy`. */
  readonly policies: readonly { readonly policy: string; readonly spec: string; readonly state: unknown }[];
  /** Each window detector's window, matched on restore by name. */
  readonly windows: readonly { readonly detector: string; readonly state: unknown }[];
}

/** What a restore applied, and what it could not place (a policy or detector the guard no longer has). */
export interface RestoreReport {
  readonly applied: readonly string[];
  readonly skipped: readonly string[];
}

/** Policies and window detectors without `save()` are left out (and named in `skipped` on restore). */
export function takeSnapshot(core: Core): BreakerSnapshot {
  const { live } = core;
  const policies: BreakerSnapshot['policies'][number][] = [];
  live.policies.forEach((p, i) => {
    if (p.save) policies.push({ policy: p.name, spec: live.policySpecs[i]!, state: p.save() });
  });
  const windows: BreakerSnapshot['windows'][number][] = [];
  for (const w of live.windowDetectors) if (w.save) windows.push({ detector: w.name, state: w.save() });
  return {
    version: SNAPSHOT_VERSION,
    breaker: core.name,
    takenAt: core.clock(),
    mode: core.mode,
    machine: core.machine.save(),
    policies,
    windows,
  };
}

/**
 * Puts a snapshot into this guard. Validated whole before anything changes: bad data throws a
 * `TypeError` naming the part, and the guard is left as it was.
 */
export function applySnapshot(core: Core, snapshot: unknown, where: string): RestoreReport {
  const s = record(snapshot, `${where}: snapshot`);
  if (s.version !== SNAPSHOT_VERSION) {
    throw new TypeError(
      `${where}: snapshot version ${JSON.stringify(s.version)} is not supported (expected ${SNAPSHOT_VERSION})`,
    );
  }
  if (s.mode !== 'enforce' && s.mode !== 'shadow' && s.mode !== 'disabled')
    throw new TypeError(`${where}: snapshot mode ${JSON.stringify(s.mode)} is unknown`);
  if (!Array.isArray(s.policies) || !Array.isArray(s.windows))
    throw new TypeError(`${where}: snapshot policies and windows must be arrays`);
  const { live, machine } = core;
  const applied: string[] = [];
  const skipped: string[] = [];
  const steps: { target: { save?(): unknown; restore?(state: unknown): void }; state: unknown }[] = [];
  const used = new Set<number>();
  for (const saved of s.policies as unknown[]) {
    const p = record(saved, `${where}: snapshot policy`);
    const i = live.policies.findIndex(
      (policy, j) => !used.has(j) && policy.name === p.policy && live.policySpecs[j] === p.spec,
    );
    const policy = live.policies[i];
    if (!policy?.restore) {
      skipped.push(`policy ${String(p.policy)}`);
      continue;
    }
    used.add(i);
    steps.push({ target: policy, state: p.state });
    applied.push(`policy ${policy.name}`);
  }
  for (const saved of s.windows as unknown[]) {
    const w = record(saved, `${where}: snapshot window`);
    const detector = live.windowDetectors.find((d) => d.name === w.detector);
    if (!detector?.restore) {
      skipped.push(`window ${String(w.detector)}`);
      continue;
    }
    steps.push({ target: detector, state: w.state });
    applied.push(`window ${detector.name}`);
  }
  // Each part validates as it reads: keep what is there to put back if one of them throws.
  const machineBefore = machine.save();
  const before = steps.map((step) => step.target.save?.());
  try {
    machine.restore(s.machine);
    for (const step of steps) step.target.restore!(step.state);
  } catch (error) {
    machine.restore(machineBefore);
    steps.forEach((step, i) => {
      if (before[i] !== undefined) step.target.restore!(before[i]);
    });
    throw new TypeError(`${where}: snapshot: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  core.mode = s.mode;
  core.observe.emit('mode', s.mode);
  return { applied, skipped };
}

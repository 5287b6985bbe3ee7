/**
 * `guard()`: composes the call path's parts (src/call/) around one model function. See
 * docs/architecture.md for one call through them.
 */
import { BreakerStateMachine } from './breaker/state-machine.js';
import type { Core } from './call/core.js';
import { createHandle, type GuardHandle } from './call/handle.js';
import { buildLive, checkOptions, createLiveParts } from './call/live.js';
import type { GuardEvents } from './call/observe.js';
import { ProbeSuite } from './call/probe-suite.js';
import { Recorder } from './call/record.js';
import { createRouteCall } from './call/route-call.js';
import { newCounts, observeWith } from './call/sinks.js';
import { startUp } from './call/start-up.js';
import { scrapeReader, Transitions } from './call/transitions.js';
import { monotonicNow } from './clock.js';
import type { CallContext } from './detectors/types.js';
import { TypedEmitter } from './events.js';
import { guardOptionsRule, type ArgsOf, type GuardOptions, type ModelFunction, type OutputOf } from './options.js';
import { describeError, silentLogger } from './telemetry/logging.js';
import { createBreakerMetrics } from './telemetry/metrics.js';
import { createTracing } from './telemetry/tracing.js';
import { defaultText } from './text/extract.js';
import { parseOptions } from './validation.js';

export type { ActionBy, BreakerStats, GuardHandle, ReconfigureOptions } from './call/handle.js';
export type { DetectionDelay, GuardEvents } from './call/observe.js';
export type { CallOptions } from './call/route-call.js';
export type { CallCounts } from './call/sinks.js';
export type { BreakerSnapshot, RestoreReport } from './call/snapshot.js';

/** The guarded function: exactly `F`'s call signature (a sync `F`'s result as a promise), plus the breaker's handle. */
export type Guarded<F extends ModelFunction> = (F extends (...args: never[]) => Promise<unknown>
  ? F
  : (...args: ArgsOf<F>) => Promise<OutputOf<F>>) &
  GuardHandle<F>;

/**
 * Wraps a model call. Every output is scanned by the hot-path detectors; a blocked output never
 * reaches the caller; trip policies open the breaker when the model turns unsafe, and fallbacks
 * serve until probes show the primary is healthy again.
 *
 * ```ts
 * const chat = guard((req: ChatRequest) => openai.chat.completions.create(req), {
 *   name: 'chat',
 *   fallbacks: [(req) => backup.chat.completions.create(req)],
 * });
 * const completion = await chat({ model: 'gpt-4o-mini', messages });
 * ```
 */
export function guard<F extends ModelFunction>(fn: F, options: GuardOptions<F>): Guarded<F> {
  if (typeof fn !== 'function')
    throw new TypeError(`guard(): the first argument must be the function to guard (got ${typeof fn})`);
  const where = `guard(${JSON.stringify((options as { name?: unknown } | undefined)?.name ?? '')})`;
  const o = parseOptions(guardOptionsRule, options, where);
  const { name } = o;
  checkOptions(o, where); // before the first metric series is written
  const clock = (o.clock as (() => number) | undefined) ?? monotonicNow;
  const logger = o.logger ?? silentLogger;
  const metrics = createBreakerMetrics(o.registry, name);
  const tracing = createTracing(o.tracing as Parameters<typeof createTracing>[0], name);
  const events = new TypedEmitter<GuardEvents>((error, event) =>
    logger.warn({ breaker: name, event, ...describeError(error) }, 'event listener threw'),
  );
  const counts = newCounts();
  const observe = observeWith(name, o.logger, o.registry && metrics, events, tracing, counts);
  const transitions = new Transitions();
  const machine = new BreakerStateMachine(o.recovery, transitions.onTransition);
  const core: Core = { name, where, clock, machine, observe, live: undefined!, mode: o.mode, disposed: false };
  const primary = {
    name: 'primary',
    call: (args: unknown[]) => (fn as unknown as (...a: unknown[]) => unknown)(...args),
  };
  const textOf = (o.text as ((output: unknown) => string) | undefined) ?? defaultText;
  const suite = new ProbeSuite(core, primary, textOf);
  transitions.attach(core, suite);

  const liveParts = createLiveParts(name, primary, metrics, observe);
  core.live = buildLive(o, where, liveParts);
  observe.emit('mode', o.mode);
  if (o.mode === 'disabled') machine.disable('created disabled', clock());
  const recorder = new Recorder(core);
  const start = startUp(
    core,
    o,
    liveParts,
    (error, what) => logger.error({ breaker: name, ...describeError(error) }, `breaker ${name}: ${what}`),
    { onTransition: transitions.onTransition, recorder },
  );
  observe.subscribe(start.storeSink);
  recorder.onSaveDue = start.saveSoon;
  const stopMetrics = metrics.source(scrapeReader(core));

  const call = createRouteCall({
    core,
    counts,
    recorder,
    suite,
    textOf,
    contextOf: o.context as ((...args: unknown[]) => CallContext) | undefined,
    tracing,
    safeReply: 'safeReply' in options && options.safeReply !== undefined ? { reply: o.safeReply } : undefined,
    deadlineStart: o.clock ? () => undefined : (now) => now,
    starting: start.pending,
  });
  const handle = createHandle<F>({
    core,
    events,
    counts,
    liveParts,
    call,
    transitions,
    ready: start.ready,
    options: options as unknown as Record<string, unknown>,
    onDispose() {
      start.saveNow();
      start.leave();
      stopMetrics();
      for (const q of liveParts.asyncQueues) q.dispose();
      for (const d of liveParts.deadlineQueues) d.release(); // calls in flight still time out
      events.clear();
    },
  });
  const guarded = ((...args: unknown[]) => call(args, undefined)) as unknown as Guarded<F>;
  return Object.defineProperties(guarded, Object.getOwnPropertyDescriptors(handle)) as Guarded<F>;
}

/**
 * The notify queue: takes incident notices from the incident log and delivers them to every
 * notifier off the call path. `notify()` only enqueues (it never throws and never awaits the
 * network); each notifier has its own bounded lane, retries and breaker (lane.ts).
 */
import type * as PromClient from 'prom-client';
import { monotonicNow } from '../../clock.js';
import { labelNameProblem, loggerRule, registryRule, showName } from '../../options.js';
import { array, custom, number, object, optional, refine, withDefault, type ObjectInput } from '../../rules/index.js';
import { describeError, silentLogger, type Logger } from '../../telemetry/logging.js';
import { parseOptions } from '../../validation.js';
import type { IncidentNotice, IncidentNotify } from '../notice.js';
import { startLane, type Lane } from './lane.js';
import { createNotifyMetrics } from './metrics.js';
import type { Notifier } from './types.js';

const notifierRule = custom<Notifier>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Notifier).name === 'string' &&
    typeof (v as Notifier).send === 'function',
  'must be a notifier: { name, send(notice, signal) }',
);

const ms = (fallback: number) => withDefault(number({ gte: 0 }), fallback);
const count = (min: number, max: number, fallback: number) =>
  withDefault(number({ int: true, gte: min, lte: max }), fallback);

const rule = object({
  notifiers: refine(
    array(notifierRule, { max: 50 }),
    (list) => {
      const seen = new Set<string>();
      for (let i = 0; i < list.length; i++) {
        const { name } = list[i]!;
        const problem = labelNameProblem(name) ?? (seen.has(name) ? `${showName(name)} is used twice` : undefined);
        if (problem) return { message: problem, path: [i, 'name'] };
        seen.add(name);
      }
      return true;
    },
    'notifier names must be unique metric labels',
  ),
  /** Notices waiting per notifier, besides the one in delivery; when full, the oldest is dropped. Default 100. */
  capacity: count(1, 100_000, 100),
  /** Retries per notice after its first attempt (across cool-downs). Default 5. */
  retries: count(0, 20, 5),
  /** Per-attempt timeout, ms. Default 10 000. */
  timeoutMs: withDefault(number({ gt: 0, lte: 600_000 }), 10_000),
  /** First backoff step, ms; doubled per retry, with jitter. Default 1 000. */
  minDelayMs: ms(1_000),
  /** Longest wait between attempts, ms; a `Retry-After` longer than this ends the delivery. Default 60 000. */
  maxDelayMs: ms(60_000),
  /** Failed attempts in a row that open a notifier's breaker. Default 5. */
  breakerThreshold: count(1, 1_000, 5),
  /** How long an open notifier breaker waits before one trial attempt, ms. Default 60 000. */
  coolDownMs: ms(60_000),
  /** How long `close()` keeps delivering what is queued, ms. Default 5 000. */
  closeTimeoutMs: ms(5_000),
  /** Writes the `safety_breaker_notify_*` metrics (docs/notifiers.md). */
  registry: optional(registryRule),
  logger: optional(loggerRule),
});
export type NotifyQueueOptions = ObjectInput<typeof rule.shape>;

/**
 * Starts a notify queue for `notifiers`.
 *
 * ```ts
 * const notify = createNotifyQueue({ notifiers: notifiersFromConfig(config.notifiers), registry, logger });
 * notify.notify({ event: 'trigger', incident });   // returns at once
 * await notify.close();                            // at shutdown: delivers what is queued, within closeTimeoutMs
 * ```
 */
export function createNotifyQueue(options: NotifyQueueOptions): IncidentNotify {
  const o = parseOptions(rule, options, 'createNotifyQueue()');
  const logger: Logger = o.logger ?? silentLogger;
  const metrics = createNotifyMetrics(
    o.registry as PromClient.Registry | undefined,
    o.notifiers.map((n) => n.name),
  );
  const stop = new AbortController();
  const settings = { ...o, now: monotonicNow, random: Math.random };
  const lanes: Lane[] = o.notifiers.map((n) => startLane(n, settings, stop.signal, metrics, logger));
  let closing: Promise<void> | undefined;

  return {
    notify(notice: IncidentNotice): void {
      try {
        if (closing) {
          for (const n of o.notifiers) metrics.dropped(n.name, 'shutdown');
          logger.warn(
            { incident: notice.incident.id, event: notice.event },
            'incident notice dropped: notify queue closed',
          );
          return;
        }
        for (const lane of lanes) lane.push(notice);
      } catch (error) {
        // The incident record is already written; a notice that cannot be queued must not break its caller.
        logger.error(describeError(error), 'incident notice not queued');
      }
    },
    close(): Promise<void> {
      closing ??= (async () => {
        for (const lane of lanes) lane.finish();
        const drained = Promise.all(lanes.map((l) => l.done));
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, o.closeTimeoutMs)));
        await Promise.race([drained, deadline]);
        clearTimeout(timer);
        stop.abort();
        await drained;
      })();
      return closing;
    },
  };
}

import type * as PromClient from 'prom-client';
import { loadOptionalPeer } from '../../telemetry/optional-peer.js';
import { NOTIFIER_BREAKER_STATES, type NotifierBreakerState } from './breaker.js';
import type { FailureReason } from './types.js';
import { familyOn } from '../../telemetry/family.js';

/** Why a notice will never be delivered: the `reason` label of `safety_breaker_notify_dropped_total`. */
export type DropReason = 'overflow' | 'failed' | 'shutdown';

/** The metrics of one notify queue. A no-op without a registry. */
export interface NotifyMetrics {
  sent(notifier: string, event: 'trigger' | 'resolve', seconds: number): void;
  failure(notifier: string, reason: FailureReason): void;
  dropped(notifier: string, reason: DropReason): void;
  depth(notifier: string, depth: number): void;
  breaker(notifier: string, state: NotifierBreakerState): void;
}

/** Time from `notify()` to the endpoint's acceptance: 100 ms to 10 minutes. */
export const NOTIFY_DELIVERY_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

const FAILURE_REASONS: readonly FailureReason[] = [
  'timeout',
  'network',
  'rate_limited',
  'server_error',
  'rejected',
  'error',
];
const DROP_REASONS: readonly DropReason[] = ['overflow', 'failed', 'shutdown'];

const NOOP: NotifyMetrics = { sent() {}, failure() {}, dropped() {}, depth() {}, breaker() {} };

/**
 * Writes the notify families on `registry` (reusing families already there). Every series an
 * alert needs exists from the start at 0: sent, failures and drops per reason, the breaker state.
 */
export function createNotifyMetrics(
  registry: PromClient.Registry | undefined,
  notifiers: readonly string[],
): NotifyMetrics {
  if (!registry) return NOOP;
  const prom = loadOptionalPeer<typeof PromClient>('prom-client', 'metrics');
  const registers = [registry];
  type Config = { name: string; help: string; labelNames: string[] };
  const get = familyOn(registry);
  const counter = (c: Config) => get(c.name, () => new prom.Counter({ ...c, registers }));
  const gauge = (c: Config) => get(c.name, () => new prom.Gauge({ ...c, registers }));
  const sent = counter({
    name: 'safety_breaker_notify_sent_total',
    help: 'Incident notices the endpoint accepted, by notifier and event (trigger, resolve).',
    labelNames: ['notifier', 'event'],
  });
  const failures = counter({
    name: 'safety_breaker_notify_failures_total',
    help: 'Failed delivery attempts, by notifier and reason (timeout, network, rate_limited, server_error, rejected, error).',
    labelNames: ['notifier', 'reason'],
  });
  const dropped = counter({
    name: 'safety_breaker_notify_dropped_total',
    help: 'Incident notices never delivered, by notifier and reason: overflow (queue full, oldest dropped), failed (retries used up or rejected), shutdown (close() deadline).',
    labelNames: ['notifier', 'reason'],
  });
  const depth = gauge({
    name: 'safety_breaker_notify_queue_depth',
    help: 'Incident notices waiting or in delivery, by notifier.',
    labelNames: ['notifier'],
  });
  const state = gauge({
    name: 'safety_breaker_notify_breaker_state',
    help: "A notifier's own circuit breaker: 1 for the current state (closed, open, half-open), 0 for the others.",
    labelNames: ['notifier', 'state'],
  });
  const delivery = get(
    'safety_breaker_notify_delivery_seconds',
    (name) =>
      new prom.Histogram({
        name,
        help: 'Time from notify() to the endpoint accepting the notice, retries included.',
        labelNames: ['notifier'],
        buckets: NOTIFY_DELIVERY_BUCKETS,
        registers,
      }),
  );
  const setState = (notifier: string, current: NotifierBreakerState) => {
    for (const s of NOTIFIER_BREAKER_STATES) state.set({ notifier, state: s }, s === current ? 1 : 0);
  };
  for (const notifier of notifiers) {
    for (const event of ['trigger', 'resolve']) sent.inc({ notifier, event }, 0);
    for (const reason of FAILURE_REASONS) failures.inc({ notifier, reason }, 0);
    for (const reason of DROP_REASONS) dropped.inc({ notifier, reason }, 0);
    depth.set({ notifier }, 0);
    setState(notifier, 'closed');
  }
  return {
    sent(notifier, event, seconds) {
      sent.inc({ notifier, event });
      delivery.observe({ notifier }, seconds);
    },
    failure: (notifier, reason) => failures.inc({ notifier, reason }),
    dropped: (notifier, reason) => dropped.inc({ notifier, reason }),
    depth: (notifier, n) => depth.set({ notifier }, n),
    breaker: setState,
  };
}

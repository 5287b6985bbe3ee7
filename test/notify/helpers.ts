/** Shared by the notifier tests: incidents, a metrics reader, a closed port, a gate. */
import type { SetupServer } from 'msw/node';
import { freePort } from '../ports.js';
import type { Registry } from 'prom-client';
import type { IncidentNotice, IncidentSummary } from '../../src/incidents/notice.js';

export function incident(id: string, more: Partial<IncidentSummary> = {}): IncidentSummary {
  return {
    id,
    breaker: 'chat',
    severity: 'SEV2',
    title: 'chat: toxicity 12 % over 5 % (wilson)',
    detectedAt: '2026-12-06T10:00:00.000Z',
    ...more,
  };
}

export const trigger = (i: IncidentSummary): IncidentNotice => ({ event: 'trigger', incident: i });
export const resolve = (i: IncidentSummary): IncidentNotice => ({
  event: 'resolve',
  incident: { ...i, recoveredAt: '2026-12-06T10:12:00.000Z' },
});

/** The value of one series (0 when it was never written). */
export async function metric(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const m = registry.getSingleMetric(name);
  if (!m) throw new Error(`no metric ${name}`);
  const { values } = await m.get();
  const hit = values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x));
  return hit?.value ?? 0;
}

/**
 * Starts `server` so that requests to a closed loopback port go to the network (and are refused
 * there), while any other unhandled request fails the test. Returns that port's base URL.
 */
export async function listenWithDeadPort(server: SetupServer): Promise<string> {
  const dead = `http://127.0.0.1:${await freePort()}`;
  server.listen({ onUnhandledRequest: (req, print) => (req.url.startsWith(dead) ? undefined : print.error()) });
  return dead;
}

/** A promise the test opens when it chooses (a hanging endpoint). */
export function gate(): { wait: Promise<void>; open(): void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

/** Waits until `check` holds (polled each few ms), failing after `ms`: for work the queue does in the background. */
export async function until(check: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

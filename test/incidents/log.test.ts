/** The incident log on a real guard: one record per incident, its timeline, counts, severity, actions and notices. */
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { guard, type GuardOptions } from '../../src/index.js';
import {
  incidents,
  memorySink,
  postmortemMarkdown,
  type IncidentNotice,
  type IncidentsOptions,
} from '../../src/entries/incidents.js';
import { flush, marker, switchableModel, virtualClock } from '../guard/helpers.js';

/** A notifier that keeps what it was told (the seam the notifiers implement). */
function recordingNotify() {
  const notices: IncidentNotice[] = [];
  return { notices, notify: (n: IncidentNotice) => notices.push(n), close: () => Promise.resolve() };
}

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);

function setup(options: Partial<GuardOptions<(p: string) => Promise<string>>> = {}, log: IncidentsOptions = {}) {
  const clock = virtualClock(T0);
  const model = switchableModel();
  const sink = memorySink();
  const notify = recordingNotify();
  const g = guard(model.fn, {
    name: 'chat',
    clock: clock.now,
    detectors: [marker()],
    fallbacks: [async (p: string) => `backup reply to ${p}`],
    trip: { policy: 'rate', threshold: 0.5, minimumCalls: 4, window: { kind: 'count', size: 10 } },
    recovery: { afterMs: 1_000, backoff: 2, capMs: 8_000, probes: 2 },
    ...options,
  });
  const l = incidents({ sink, notify, ...log });
  l.attach(g);
  /** Calls the guarded function n times, `ms` apart. */
  const calls = async (n: number, ms = 100) => {
    for (let i = 0; i < n; i++) {
      clock.advance(ms);
      await g(`q${i}`);
    }
  };
  return { clock, model, sink, notify, g, log: l, calls };
}

describe('incident records', () => {
  it('a trip opens one incident; a failed probe re-opens the same one; the close ends it with times and counts', async () => {
    const s = setup();
    await s.calls(3);
    expect(s.log.list()).toEqual([]);
    s.model.toxic = true;
    await s.calls(3); // 3 of 6 blocked: trips at the third bad call (ratio ≥ 0.5 over ≥ 4 calls)
    const [open] = s.log.list({ status: 'open' });
    expect(open).toMatchObject({
      breaker: 'chat',
      status: 'open',
      trigger: 'trip',
      trips: 1,
      shadow: false,
      cause: { policy: 'rate', details: { threshold: 0.5 } },
    });
    expect(open!.cause.share).toBe(0.5);
    expect(open!.severity).toBe('SEV1'); // share ≥ 0.5: the default mapping's SEV1
    // The tripping call was served by the fallback: contained at once.
    expect(open!.containedAt).toBe(open!.detectedAt);
    expect(open!.ttcSeconds).toBe(0);

    await s.calls(4); // open: fallbacks serve, the primary is kept out
    s.clock.advance(600);
    await s.g('probe while still toxic'); // half-open probe flagged → re-open, same incident
    expect(s.g.state).toBe('open');
    expect(s.log.list()).toHaveLength(1);
    s.model.toxic = false;
    s.clock.advance(2_000); // backoff: 2 s
    await s.calls(2, 0);
    expect(s.g.state).toBe('closed');

    const [done] = s.log.list();
    expect(done!.id).toBe(open!.id);
    expect(done).toMatchObject({ status: 'closed', resolution: 'recovered', trips: 2 });
    const detected = Date.parse(done!.detectedAt);
    expect(Date.parse(done!.recoveredAt!) - detected).toBe(400 + 600 + 2_000);
    expect(done!.mttrSeconds).toBe(3);
    expect(done!.calls).toEqual({
      total: 7, // started after the trip: 4 while open, the flagged probe, 2 passing probes
      affected: 6, // not served by the primary: the tripping call, 4 while open, the flagged probe
      servedByPrimary: 2,
      servedByFallback: 6,
      servedBySafeReply: 0,
      rejected: 4,
      blocked: 1, // the flagged probe (the tripping output was blocked before the trip)
      failed: 0,
      exhausted: 0,
    });
    expect(done!.timeline.map((e) => e.event)).toEqual([
      'detected',
      'contained',
      'half-open',
      'probe',
      'reopened',
      'half-open',
      'probe',
      'probe',
      'closed',
    ]);
    // One trigger and one resolve for the incident, with the same id (the notifiers' dedup key).
    await s.log.flush();
    expect(s.notify.notices.map((n) => [n.event, n.incident.id])).toEqual([
      ['trigger', open!.id],
      ['resolve', open!.id],
    ]);
    expect(s.notify.notices[1]!.incident.recoveredAt).toBe(done!.recoveredAt);
  });

  it('the record is written before the notifier hears of it; open and close are written durably', async () => {
    const written: [string, boolean][] = [];
    const order: string[] = [];
    const sink = memorySink();
    const s = setup(
      {},
      {
        sink: {
          ...sink,
          write: async (r, durable) => {
            await new Promise((resolve) => setTimeout(resolve, 5));
            written.push([r.status, durable]);
            order.push(`write ${r.status}`);
          },
        },
        notify: { notify: (n) => order.push(`notify ${n.event}`), close: () => Promise.resolve() },
      },
    );
    s.g.forceOpen('INC-7: slurs on long prompts', { actor: 'alice' });
    s.g.reset('INC-7 rolled back', { actor: 'bob' });
    await s.log.flush();
    await flush();
    expect(order[0]).toBe('write open');
    expect(order.indexOf('notify trigger')).toBeGreaterThan(0);
    expect(order.indexOf('notify resolve')).toBeGreaterThan(order.indexOf('write closed'));
    expect(written.filter(([, durable]) => durable).map(([status]) => status)).toEqual(['open', 'closed']);
  });

  it('forceOpen opens an incident with the actor and reason; reset closes it as reset; every action is kept', async () => {
    const s = setup();
    s.g.forceOpen('INC-1234: model returns slurs', { actor: 'alice' });
    s.clock.advance(5_000);
    await s.g('while forced');
    s.g.setMode('shadow', 'look only', { actor: 'carol' }); // an action during the incident
    s.clock.advance(60_000);
    s.g.reset('INC-1234 resolved: rolled back', { actor: 'bob' });
    const [r] = s.log.list();
    expect(r).toMatchObject({
      trigger: 'forced-open',
      severity: 'SEV2',
      status: 'closed',
      resolution: 'reset',
      cause: { policy: 'forced-open', reason: 'INC-1234: model returns slurs' },
      trips: 0,
    });
    expect(r!.onsetAt).toBeUndefined();
    expect(r!.mttdSeconds).toBeUndefined();
    expect(r!.mttrSeconds).toBe(65);
    expect(r!.actions.map((a) => [a.action, a.actor, a.reason])).toEqual([
      ['force-open', 'alice', 'INC-1234: model returns slurs'],
      ['set-mode', 'carol', 'look only'],
      ['reset', 'bob', 'INC-1234 resolved: rolled back'],
    ]);
    expect(r!.timeline.find((e) => e.event === 'forced-open')).toMatchObject({ actor: 'alice' });
    expect(r!.containedAt).toBe(iso(T0 + 5_000));
  });

  it('a multi-line reason gives a one-line title, and the post-mortem draft keeps it out of its headings', async () => {
    const s = setup();
    const reason = 'INC-9: slurs\n# Injected heading\r\n\n- [x] done\u2028more';
    s.g.forceOpen(reason, { actor: 'alice' });
    const [r] = s.log.list();
    expect(r!.title).toBe('chat: forced open — INC-9: slurs # Injected heading - [x] done more');
    expect(r!.cause.reason).toBe(reason); // the record keeps the reason as given
    await s.log.close(); // writes what is pending, then the notifier hears of it
    expect(s.notify.notices[0]!.incident.title).toBe(r!.title);
    const md = postmortemMarkdown(r!);
    const lines = md.split('\n');
    expect(lines.filter((line) => /^#+ Injected|^- \[x\]|^more/.test(line))).toEqual([]);
    expect(lines.filter((line) => line.startsWith('# '))).toHaveLength(1);
  });

  it('a trip in shadow mode is recorded as a shadow incident at the shadow severity and pages nobody', async () => {
    const s = setup({ mode: 'shadow' });
    s.model.toxic = true;
    await s.calls(4);
    const [r] = s.log.list();
    expect(r).toMatchObject({ shadow: true, severity: 'SEV4', status: 'open' });
    expect(r!.containedAt).toBeUndefined(); // the primary kept serving
    await s.log.flush();
    expect(s.notify.notices).toEqual([]);

    // The kill switch on a shadow breaker moves traffic: the paper incident ends, a real one opens and pages.
    s.g.forceOpen('INC-3: the shadow trip was real', { actor: 'alice' });
    const [forced, paper] = s.log.list();
    expect(paper).toMatchObject({ id: r!.id, status: 'closed', resolution: 'mode-change' });
    expect(forced).toMatchObject({ shadow: false, trigger: 'forced-open', severity: 'SEV2', status: 'open' });
    expect(forced!.actions.map((a) => a.action)).toEqual(['force-open', 'set-mode']);
    await s.log.flush();
    expect(s.notify.notices.map((n) => [n.event, n.incident.id])).toEqual([['trigger', forced!.id]]);
  });

  it('CUSUM gives the onset: time to detect is trip time − change point, and stats() shows MTTD and MTTR', async () => {
    const registry = new Registry();
    const s = setup({ trip: { policy: 'cusum', p0: 0.01, falseTripEvery: 1e4 } }, { registry });
    // From attach on, each severity's counter is at 0: increase() over it counts the first incident too.
    expect(await registry.getSingleMetricAsString('safety_breaker_incidents_total')).toContain(
      'safety_breaker_incidents_total{breaker="chat",severity="SEV1"} 0',
    );
    await s.calls(50, 1_000);
    s.model.toxic = true;
    const before = s.clock.now();
    for (let i = 0; i < 30 && s.g.state === 'closed'; i++) await s.calls(1, 1_000);
    expect(s.g.state).toBe('open');
    const [r] = s.log.list();
    expect(r).toBeDefined();
    const onset = Date.parse(r!.onsetAt!);
    expect(onset).toBe(before + 1_000); // the first toxic call
    expect(r!.mttdSeconds).toBe((Date.parse(r!.detectedAt) - onset) / 1000);
    expect(r!.timeline[0]).toMatchObject({ event: 'onset', at: r!.onsetAt });
    s.model.toxic = false;
    s.clock.advance(1_000);
    await s.calls(2, 0);
    const stats = s.g.stats().incidents as { mttd: { lastSeconds: number }; mttr: { count: number }; open: unknown };
    expect(stats.mttd.lastSeconds).toBe(r!.mttdSeconds);
    expect(stats.mttr.count).toBe(1);
    expect(stats.open).toBeUndefined();
    const text = await registry.metrics();
    expect(text).toContain(`safety_breaker_incident_detect_seconds_count{breaker="chat",severity="${r!.severity}"} 1`);
    expect(text).toContain(`safety_breaker_incident_recover_seconds_count{breaker="chat",severity="${r!.severity}"} 1`);
    expect(text).toContain(`safety_breaker_incidents_total{breaker="chat",severity="${r!.severity}"} 1`);
    expect(text).toContain('safety_breaker_incidents_open{breaker="chat"} 0');
  });

  it('evidence is off by default; when on it holds the flagged outputs that tripped it, redacted and bounded', async () => {
    const off = setup();
    off.model.toxic = true;
    await off.calls(4);
    expect(off.log.list()[0]!.evidence).toEqual([]);

    const s = setup({}, { evidence: { enabled: true, maxSamples: 2, maxChars: 40 } });
    s.model.toxic = true;
    await s.calls(2);
    await s.g.with({ context: { requestId: 'r-3', user: 'jane@example.com' } })(
      `mail jane@example.com ${'x'.repeat(99)}`,
    );
    await s.calls(1); // the fourth bad call trips it
    const [r] = s.log.list();
    expect(r!.status).toBe('open');
    expect(r!.evidence).toHaveLength(2); // the last two flagged outputs: the bound
    const [e, f] = r!.evidence;
    expect(e!.detectors).toEqual(['marker']);
    expect(e!.scores).toEqual({ marker: 1 });
    expect(e!.output).toBe('TOXIC reply to mail [REDACTED_EMAIL] xxx…'); // redacted, then cut at 40 characters
    expect(e!.request).toBe('{"requestId":"r-3","user":"[REDACTED_EMA…');
    expect(f!.output).toBe('TOXIC reply to q0');
    s.clock.advance(10);
    await s.calls(3); // open: the primary is not called, nothing more is flagged
    expect(s.log.list()[0]!.evidence).toHaveLength(2);
  });

  it('attach takes only guarded functions, once per name; detached, a breaker opens no incident and shows none in stats()', async () => {
    const s = setup();
    expect(() => s.log.attach({ breakerName: 'x', state: 'closed', ready: async () => {} })).toThrow(
      /pass what guard\(\) \(or createBreakers\) returned/,
    );
    expect(() => s.log.attach(s.g)).toThrow(/a breaker named "chat" is already attached/);
    expect(s.g.stats().incidents).toMatchObject({ open: undefined, opened: 0 });
    const other = guard(async (q: string) => q, { name: 'other', detectors: [] });
    const stop = s.log.attach(other);
    stop();
    other.forceOpen('not recorded');
    expect(s.log.list({ breaker: 'other' })).toEqual([]);
    expect('incidents' in other.stats()).toBe(false);
  });

  it('the severity mapping is configurable: first matching rule wins', async () => {
    const s = setup({}, { severity: { rules: [{ severity: 'SEV4', policies: ['rate'] }, { severity: 'SEV1' }] } });
    s.model.toxic = true;
    await s.calls(4);
    expect(s.log.list()[0]!.severity).toBe('SEV4');
    expect(() => incidents({ sink: memorySink(), severity: { rules: [{ severity: 'SEV9' as 'SEV1' }] } })).toThrow(
      /"severity\.rules\.0\.severity"/,
    );
  });
});

const iso = (ms: number) => new Date(ms).toISOString();

/** Reporting clocks: per severity, a deadline from detection; the record shows it, an event and a metric warn before it passes. */
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { guard } from '../../src/index.js';
import { incidents, memorySink, type IncidentEvents } from '../../src/entries/incidents.js';
import { virtualClock } from '../guard/helpers.js';
import { needsPromtool, promtool } from '../telemetry/promtool.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 7, 3, 9, 30);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('reporting clocks', () => {
  it('start at detection for the severities they name, warn before the deadline, then say it is overdue', async () => {
    const wall = virtualClock(T0);
    const registry = new Registry();
    const log = incidents({
      sink: memorySink(),
      registry,
      now: wall.now,
      clocks: [
        {
          name: 'eu-ai-act-art73',
          kind: 'regulatory',
          severities: ['SEV1', 'SEV2'],
          withinMs: 15 * DAY,
          warnBeforeMs: 2 * DAY,
          description: 'example: serious incident report to the market surveillance authority',
        },
        { name: 'internal-review', kind: 'internal', severities: ['SEV3'], withinMs: 5 * DAY },
      ],
    });
    const chat = guard(async () => 'x', { name: 'chat', detectors: [], clock: wall.now });
    log.attach(chat);
    const heard: { event: string; report: string }[] = [];
    const listen = (event: 'report-due' | 'report-overdue') =>
      log.on(event, (e: IncidentEvents[typeof event]) => heard.push({ event, report: e.report.name }));
    listen('report-due');
    listen('report-overdue');

    chat.forceOpen('INC-77: harmful advice', { actor: 'alice' }); // SEV2
    const [r] = log.list();
    expect(r!.reports).toEqual([
      {
        name: 'eu-ai-act-art73',
        kind: 'regulatory',
        dueAt: new Date(T0 + 15 * DAY).toISOString(),
        description: 'example: serious incident report to the market surveillance authority',
      },
    ]);
    const due = async () =>
      (await registry.metrics()).split('\n').find((l) => l.startsWith('safety_breaker_incident_report_due_seconds{'));
    expect(await due()).toBe(
      `safety_breaker_incident_report_due_seconds{breaker="chat",report="eu-ai-act-art73"} ${15 * 86_400}`,
    );

    wall.set(T0 + 12 * DAY);
    vi.advanceTimersByTime(60_000);
    expect(heard).toEqual([]);
    wall.set(T0 + 13 * DAY + 1);
    vi.advanceTimersByTime(60_000);
    expect(heard).toEqual([{ event: 'report-due', report: 'eu-ai-act-art73' }]);
    vi.advanceTimersByTime(60_000);
    expect(heard).toHaveLength(1); // once
    chat.reset('fixed'); // the clock keeps running after the incident closed
    wall.set(T0 + 15 * DAY);
    vi.advanceTimersByTime(60_000);
    expect(heard.at(-1)).toEqual({ event: 'report-overdue', report: 'eu-ai-act-art73' });
    expect(await due()).toBe('safety_breaker_incident_report_due_seconds{breaker="chat",report="eu-ai-act-art73"} 0');
    const closed = log.get(r!.id)!;
    expect(closed.reports[0]).toMatchObject({ warnedAt: new Date(T0 + 13 * DAY + 1).toISOString() });
    expect(closed.timeline.some((e) => e.event === 'report-due')).toBe(true);

    const filed = log.fileReport(r!.id, 'eu-ai-act-art73', { actor: 'legal-carol' });
    expect(filed.reports[0]).toMatchObject({ filedBy: 'legal-carol' });
    expect(await due()).toBeUndefined();
    expect(() => log.fileReport(r!.id, 'nope')).toThrow(/has no report "nope" \(has: eu-ai-act-art73\)/);
    await log.close();
  });

  it('every incident metric passes promtool check metrics (names, units, help)', async (ctx) => {
    needsPromtool(ctx);
    const registry = new Registry();
    const log = incidents({
      sink: memorySink(),
      registry,
      clocks: [{ name: 'review', kind: 'internal', severities: ['SEV2'], withinMs: DAY }],
    });
    const chat = guard(async (q: string) => q, { name: 'chat', detectors: [], fallbacks: [async () => 'backup'] });
    log.attach(chat);
    chat.forceOpen('drill', { actor: 'alice' });
    await chat('contained');
    chat.reset('done');
    const text = await registry.metrics();
    for (const family of ['contain_seconds', 'recover_seconds', 'report_due_seconds'])
      expect(text).toContain(`safety_breaker_incident_${family}`);
    const lint = promtool(['check', 'metrics'], text);
    expect(lint.output).toBe('');
    expect(lint.code).toBe(0);
    await log.close();
  });

  it('settings are checked: a clock without a name or with an unknown severity is refused, naming the option', () => {
    expect(() =>
      incidents({
        sink: memorySink(),
        clocks: [{ name: 'x', kind: 'regulatory', severities: ['SEV5' as 'SEV1'], withinMs: DAY }],
      }),
    ).toThrow(/"clocks\.0\.severities\.0"/);
    expect(() =>
      incidents({
        sink: memorySink(),
        clocks: [
          { name: 'a', kind: 'internal', severities: ['SEV1'], withinMs: DAY },
          { name: 'a', kind: 'internal', severities: ['SEV2'], withinMs: DAY },
        ],
      }),
    ).toThrow(/clock names must be unique/);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { io } from './bin.js';
import { runWithContext } from '../../src/index.js';
import { createBreakers, parseConfig } from '../../src/entries/config.js';
import { createRecorder, parseTrafficLine, Replay, type ReplayReport } from '../../src/entries/traffic.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-replay-'));

const CONFIG = `breakers:
  chat:
    detectors:
      latency: { slowMs: 5000 }
      toxicity: {}
    trip: { policy: rate, threshold: 0.3, minimumCalls: 20, window: { kind: count, size: 50 } }
    recovery: { afterMs: 20000, probes: 2 }
    retry: false
    fallbacks: [mini]
`;

/** A deterministic day of traffic: calm, a slow/failing stretch, calm, another, calm. */
function script(i: number): { latencyMs: number; fail: boolean } {
  const incident = (i >= 300 && i < 420) || (i >= 900 && i < 980);
  const bad = incident && (i * 7) % 10 < 5;
  return { latencyMs: bad ? 7000 + (i % 5) * 100 : 300 + (i % 7) * 50, fail: bad && i % 3 === 0 };
}

describe('replay', () => {
  it('gives the same trip points as the live breakers on the traffic they recorded', async () => {
    const configFile = join(dir, 'live.yaml');
    writeFileSync(configFile, CONFIG);
    const config = parseConfig(CONFIG, configFile);
    let now = Date.UTC(2026, 0, 1);
    const lines: string[] = [];
    const recorder = createRecorder({ to: (line) => void lines.push(line), clock: () => now });
    let i = 0;
    const model = async (q: string) => {
      const s = script(i);
      now += s.latencyMs;
      if (s.fail) throw Object.assign(new Error('upstream'), { status: 503 });
      return `answer to ${q}`;
    };
    const set = createBreakers(
      config,
      { chat: { primary: recorder.wrap('chat', model), fallbacks: { mini: async () => 'mini' } } },
      { clock: () => now },
    );
    const live: { at: number; policy: string }[] = [];
    const closes: number[] = [];
    set.breakers.chat.on('trip', (e) => live.push({ at: e.at, policy: e.decision.policy }));
    set.breakers.chat.on('close', (e) => closes.push(e.at));
    for (i = 0; i < 1500; i++) {
      await set.breakers.chat(`question ${i}`);
      now += 1000;
    }
    set.dispose();
    expect(live.length).toBeGreaterThanOrEqual(2);

    // The same traffic through the replay engine …
    const replay = new Replay(config);
    let n = 0;
    for (const l of lines) await replay.push(parseTrafficLine(l.trimEnd(), ++n), n);
    const report = await replay.finish();
    expect(report.breakers.chat!.trips.map((t) => ({ at: t.at, policy: t.policy }))).toEqual(live);
    // A close recovers every trip and reopen since the last close.
    expect([
      ...new Set(report.breakers.chat!.trips.filter((t) => t.recoveredAt !== undefined).map((t) => t.recoveredAt)),
    ]).toEqual(closes);
    expect(closes.length).toBeGreaterThanOrEqual(1);

    // … and through the CLI, from the file.
    const log = join(dir, 'live.jsonl');
    writeFileSync(log, lines.join(''));
    const out = io();
    expect(await main(['replay', '--config', configFile, log, '--format', 'json'], out)).toBe(0);
    const fromCli = JSON.parse(out.stdout) as ReplayReport;
    expect(fromCli.breakers.chat!.trips.map((t) => t.at)).toEqual(live.map((t) => t.at));
    expect(fromCli.lines).toBe(lines.length);
  });

  it('matches live trip points when calls overlap, from a log written as each call finishes', async () => {
    const config = parseConfig(CONFIG);
    let now = Date.UTC(2026, 0, 1);
    const lines: string[] = [];
    const recorder = createRecorder({ to: (line) => void lines.push(line), clock: () => now });
    // Calls in flight, finished by the driver below in end-time order (a deterministic event loop).
    const inFlight: { end: number; seq: number; settle: () => void; done?: Promise<unknown> }[] = [];
    let seq = 0;
    const model = (i: number) =>
      new Promise<string>((resolve, reject) => {
        const s = script(i);
        inFlight.push({
          end: now + s.latencyMs,
          seq: seq++,
          settle: () =>
            s.fail ? reject(Object.assign(new Error('upstream'), { status: 503 })) : resolve(`answer ${i}`),
        });
      });
    const set = createBreakers(
      config,
      { chat: { primary: recorder.wrap('chat', model), fallbacks: { mini: async () => 'mini' } } },
      { clock: () => now },
    );
    const live: number[] = [];
    set.breakers.chat.on('trip', (e) => live.push(e.at));
    const finishUntil = async (t: number) => {
      for (;;) {
        let k = -1;
        inFlight.forEach((c, j) => {
          if (
            c.end <= t &&
            (k < 0 || c.end < inFlight[k]!.end || (c.end === inFlight[k]!.end && c.seq < inFlight[k]!.seq))
          )
            k = j;
        });
        if (k < 0) return;
        const [c] = inFlight.splice(k, 1);
        now = c!.end;
        c!.settle();
        await c!.done;
      }
    };
    const start = now;
    for (let i = 0; i < 1500; i++) {
      await finishUntil(start + i * 300);
      now = start + i * 300;
      const before = inFlight.length;
      const done = set.breakers.chat(i).catch(() => undefined);
      if (inFlight.length > before) inFlight.at(-1)!.done = done;
      else await done; // served without the primary (breaker open)
    }
    await finishUntil(Infinity);
    set.dispose();
    expect(live.length).toBeGreaterThanOrEqual(2);
    // The log is in finish order, not start order.
    const starts = lines.map((l) => (JSON.parse(l) as { t: number }).t);
    expect(starts.some((t, j) => j > 0 && t < starts[j - 1]!)).toBe(true);

    const replay = new Replay(config);
    for (const [j, l] of lines.entries()) await replay.push(parseTrafficLine(l.trimEnd(), j + 1), j + 1);
    const report = await replay.finish();
    expect(report.outOfOrder).toBe(0);
    expect(report.breakers.chat!.trips.map((t) => t.at)).toEqual(live);
  });

  it('reports a malformed line in a 100,000-line log by its number; nothing is skipped silently', async () => {
    const configFile = join(dir, 'big.yaml');
    writeFileSync(
      configFile,
      'breakers:\n  chat:\n    detectors: { latency: { slowMs: 5000 } }\n    fallbacks: [mini]\n',
    );
    const start = Date.UTC(2026, 0, 1);
    const parts: string[] = [];
    for (let i = 1; i <= 100_000; i++) {
      if (i === 54_321) parts.push('{"t": 1767225600000, "breaker": "chat", "latencyMs": "fast", "text": "hi"}');
      else if (i === 77_777) parts.push('{"t": 1767225600000, "breaker": "chat", "text": "cut off');
      else parts.push(`{"t":${start + i * 100},"breaker":"chat","latencyMs":${200 + (i % 50)},"text":"answer ${i}"}`);
    }
    const log = join(dir, 'big.jsonl');
    writeFileSync(log, `${parts.join('\n')}\n`);

    const json = io();
    expect(await main(['replay', '--config', configFile, log, '--format', 'json'], json)).toBe(3);
    const report = JSON.parse(json.stdout) as ReplayReport;
    expect(report.lines).toBe(100_000);
    expect(report.calls).toBe(99_998);
    expect(report.malformed.count).toBe(2);
    expect(report.malformed.lines).toEqual([
      { line: 54_321, reason: '"latencyMs" must be a number >= 0 (got "fast")' },
      { line: 77_777, reason: expect.stringMatching(/^not JSON/) },
    ]);

    const text = io();
    expect(await main(['replay', '--config', configFile, log], text)).toBe(3);
    expect(text.stdout).toContain('✗ 2 malformed lines (not replayed):');
    expect(text.stdout).toContain('line 54,321: "latencyMs" must be a number >= 0');
    expect(text.stdout).toContain('line 77,777: not JSON');
  });

  it('replays shadow mode (blocked outputs still reach users) and disabled mode (straight through)', async () => {
    const config = parseConfig(`breakers:
  shadowed:
    mode: shadow
    detectors: { toxicity: {} }
    trip: { policy: rate, threshold: 0.5, minimumCalls: 10, window: { kind: count, size: 10 } }
    fallbacks: [mini]
  off:
    mode: disabled
    detectors: { toxicity: {} }
`);
    const replay = new Replay(config, { reorderMs: 0 });
    let n = 0;
    for (let i = 0; i < 20; i++) {
      for (const breaker of ['shadowed', 'off'])
        await replay.push({ t: i * 1000, breaker, latencyMs: 10, text: 'I will kill you and your whole family.' }, ++n);
    }
    const report = await replay.finish();
    const shadowed = report.breakers.shadowed!;
    expect(shadowed.blocked).toBe(20);
    expect(shadowed.servedByPrimary).toBe(20);
    expect(shadowed.servedByFallback).toBe(0);
    expect(shadowed.unsafeReachedUsers).toBe(20);
    expect(shadowed.trips.length).toBe(1); // shadow trips (and alerts) but never switches traffic
    expect(report.breakers.off).toMatchObject({ calls: 20, servedByPrimary: 20, exhausted: 0, blocked: 0, trips: [] });
  });

  it('counts lines for breakers the config does not have', async () => {
    const configFile = join(dir, 'one.yaml');
    writeFileSync(configFile, 'breakers:\n  chat: { detectors: {} }\n');
    const log = join(dir, 'two.jsonl');
    writeFileSync(
      log,
      [
        '{"t":1,"breaker":"chat","latencyMs":5,"text":"a"}',
        '{"t":2,"breaker":"search","latencyMs":5,"text":"b"}',
        '',
        '{"t":3,"breaker":"chat","latencyMs":5,"text":"c"}',
      ].join('\n'),
    );
    const out = io();
    expect(await main(['replay', '--config', configFile, log, '--format', 'json'], out)).toBe(0);
    const report = JSON.parse(out.stdout) as ReplayReport;
    expect(report.calls).toBe(2);
    expect(report.unknownBreakers).toEqual({ search: 1 });
  });

  it('shows the same traffic under two configs side by side', async () => {
    const a = join(dir, 'a.yaml');
    const b = join(dir, 'b.yaml');
    writeFileSync(
      a,
      'breakers:\n  chat:\n    detectors: { latency: { slowMs: 1000 } }\n    trip: { policy: rate, threshold: 0.5, minimumCalls: 10, window: { kind: count, size: 20 } }\n',
    );
    writeFileSync(
      b,
      'breakers:\n  chat:\n    detectors: { latency: { slowMs: 1000 } }\n    trip: { policy: rate, threshold: 0.9, minimumCalls: 10, window: { kind: count, size: 20 } }\n',
    );
    const log = join(dir, 'cmp.jsonl');
    // 60 % slow calls: trips at 0.5, never at 0.9.
    writeFileSync(
      log,
      Array.from(
        { length: 200 },
        (_, i) => `{"t":${i * 1000},"breaker":"chat","latencyMs":${i % 5 < 3 ? 2000 : 100},"text":"x"}`,
      ).join('\n'),
    );
    const out = io();
    expect(await main(['replay', '--config', a, '--compare', b, log], out)).toBe(0);
    const table = out.stdout.slice(out.stdout.lastIndexOf('breaker chat'));
    expect(out.stdout).toMatch(new RegExp(`\\s${a.replace(/[/.]/g, '\\$&')}\\s+${b.replace(/[/.]/g, '\\$&')}`));
    expect(table).toMatch(/trips\s+[1-9]\d*\s+0/);

    const json = io();
    expect(await main(['replay', '--config', a, '--compare', b, log, '--format', 'json'], json)).toBe(0);
    const both = JSON.parse(json.stdout) as Record<string, ReplayReport>;
    expect(both[a]!.breakers.chat!.trips.length).toBeGreaterThan(0);
    expect(both[b]!.breakers.chat!.trips).toEqual([]);
  });

  it('draws a progress bar only on a TTY', async () => {
    const configFile = join(dir, 'p.yaml');
    writeFileSync(configFile, 'breakers:\n  chat: { detectors: {} }\n');
    const log = join(dir, 'p.jsonl');
    writeFileSync(
      log,
      Array.from({ length: 3000 }, (_, i) => `{"t":${i},"breaker":"chat","latencyMs":1,"text":"x"}`).join('\n'),
    );
    const plain = io();
    await main(['replay', '--config', configFile, log], plain);
    expect(plain.stderr).toBe('');
    const tty = { ...io(), progress: true };
    const seen: string[] = [];
    tty.err = (t: string) => void seen.push(t);
    await main(['replay', '--config', configFile, log], tty);
    expect(seen.at(-1)).toMatch(/^\r█+ 100 % {2}3,000 lines\n$/);
  });

  it('replays the call context a recorder kept: a fairness detector sees the groups', async () => {
    const FAIR = `breakers:
  chat:
    detectors:
      toxicity: {}
      fairness: { group: group, outcome: blocked, minPerGroup: 30, maxDelta: 0.1, alpha: 0.001 }
    trip: { policy: rate, threshold: 1, minimumCalls: 100000 }
    retry: false
    fallbacks: [backup]
`;
    const config = parseConfig(FAIR);
    let now = Date.UTC(2026, 0, 1);
    const lines: string[] = [];
    const recorder = createRecorder({ to: (line) => void lines.push(line), clock: () => now, contextKeys: ['group'] });
    // Group b gets a toxic answer every other call; group a never does.
    const model = async (i: number) => (i % 4 === 1 ? 'Shut up, you stupid pathetic moron.' : `Answer ${i}.`);
    const set = createBreakers(
      config,
      { chat: { primary: recorder.wrap('chat', model), fallbacks: { backup: async () => 'ok' } } },
      { clock: () => now },
    );
    const liveTrips: string[] = [];
    set.breakers.chat.on('trip', (e) => liveTrips.push(e.decision.policy));
    for (let i = 0; i < 400 && liveTrips.length === 0; i++) {
      now += 1000;
      // The request context, as the Express and Fastify integrations set it.
      await runWithContext({ group: i % 2 === 0 ? 'a' : 'b', requestId: `r-${i}` }, () => set.breakers.chat(i));
    }
    set.dispose();
    expect(liveTrips).toEqual(['fairness']);
    const first = parseTrafficLine(lines[0]!.trimEnd(), 1);
    expect(first.context).toEqual({ group: 'a' }); // requestId is not in contextKeys: not recorded

    const replay = new Replay(config);
    let n = 0;
    for (const l of lines) await replay.push(parseTrafficLine(l.trimEnd(), ++n), n);
    const report = await replay.finish();
    expect(report.breakers.chat!.trips.map((t) => t.policy)).toEqual(['fairness']);
    expect(report.breakers.chat!.trips[0]!.reason).toMatch(/between b and a/);
  });
});

/**
 * fileStore: learned baselines survive a restart of a single-process service, in the same
 * process and across a real child process; faults in the file are warnings and a cold start.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { guard } from '../../src/guard.js';
import { seededRandom } from '../../src/random.js';
import { fileStore, type FileStoreOptions } from '../../src/store/file.js';
import { flagger } from '../guard/helpers.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-file-store-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A CUSUM that learns in 2 000 calls; 2 % flagged, under its 5 % ceiling, is learned as normal. */
const TRIP = { policy: 'cusum', warmupCalls: 2_000, ceiling: 0.05 } as const;

function build(options: FileStoreOptions & { path: string }) {
  let bad = false;
  const g = guard(async () => (bad ? 'MEH' : 'fine'), {
    name: 'chat',
    detectors: [flagger()],
    trip: TRIP,
    store: fileStore(options.path, options),
    retry: false,
    timeoutMs: 0,
  });
  return {
    g,
    /** `calls` calls, each flagged with probability `rate` (seeded). */
    async traffic(calls: number, rate: number, seed: number) {
      const random = seededRandom(seed);
      for (let i = 0; i < calls; i++) {
        bad = random() < rate;
        await g();
      }
    },
    cusum: () => g.snapshot().policies.find((p) => p.policy === 'cusum')!.state as Record<string, unknown>,
  };
}

describe('fileStore', () => {
  it('a new guard on the same file starts with the baseline the disposed one learned', async () => {
    const path = join(tempDir(), 'breakers.json');
    const warnings: string[] = [];
    const first = build({ path, onWarning: (m) => warnings.push(m) });
    await first.traffic(3_000, 0.02, 1);
    const learned = first.cusum();
    expect(learned.learned).toBe(true);
    const threshold = first.g.stats().policies[0]!.threshold;
    first.g.dispose();

    const cold = build({ path: join(tempDir(), 'other.json') });
    await cold.g.ready();
    expect(cold.cusum().learned).toBe(false);
    expect(cold.g.stats().policies[0]!.threshold).not.toBe(threshold);
    cold.g.dispose();

    const second = build({ path, onWarning: (m) => warnings.push(m) });
    await second.g.ready();
    expect(second.cusum()).toEqual(learned);
    expect(second.g.stats().policies[0]!.threshold).toBe(threshold);
    expect(warnings).toEqual([]);
    second.g.dispose();
    // Written atomically: one file, no temporary file left beside it.
    expect(readdirSync(resolve(path, '..'))).toEqual(['breakers.json']);
  });

  it('keeps the learned baseline across a real restart of a child process', async () => {
    const dir = tempDir();
    const script = join(dir, 'service.mts');
    const src = (file: string) => JSON.stringify(resolve('src', file));
    writeFileSync(
      script,
      `import { guard } from ${src('guard.ts')};
import { fileStore } from ${src('store/file.ts')};
import { seededRandom } from ${src('random.ts')};
const [path, calls] = process.argv.slice(2);
const random = seededRandom(5);
const g = guard(async () => (random() < 0.02 ? 'MEH' : 'fine'), {
  name: 'chat',
  detectors: [{ name: 'flagger', detect: ({ text }) => ({ detector: 'flagger', score: 0, flagged: text === 'MEH' }) }],
  trip: ${JSON.stringify(TRIP)},
  store: fileStore(path),
  retry: false,
  timeoutMs: 0,
});
await g.ready();
const before = g.snapshot().policies[0].state;
for (let i = 0; i < Number(calls); i++) await g();
const after = g.snapshot().policies[0].state;
g.dispose();
console.log(JSON.stringify({ before, after }));`,
    );
    const path = join(dir, 'state.json');
    const run = async (calls: number) => {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, path, String(calls)]);
      return JSON.parse(stdout) as { before: Record<string, unknown>; after: Record<string, unknown> };
    };
    const first = await run(3_000);
    expect(first.before.warmCalls).toBe(0); // a cold start: no file yet
    expect(first.after.learned).toBe(true);
    const second = await run(0);
    expect(second.before).toEqual(first.after);
  }, 30_000);

  it('keeps the baseline learned by a process killed with SIGKILL, never disposed', async () => {
    const path = join(tempDir(), 'state.json');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'killed-child.ts'), path, JSON.stringify(TRIP), '3000'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const line = await new Promise<string>((done, fail) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) done(out);
      });
      child.once('exit', (code) => fail(new Error(`child exited (${code}) before it learned:\n${err}`)));
    });
    const killed = new Promise((done) => child.once('exit', (_code, signal) => done(signal)));
    child.kill('SIGKILL');
    expect(await killed).toBe('SIGKILL');
    const learned = JSON.parse(line) as {
      state: string;
      cusum: Record<string, unknown>;
      stats: { threshold: number };
    };
    expect(learned.state).toBe('closed'); // no trip, so no state change saved the file
    expect(learned.cusum).toMatchObject({ learned: true, basisCalls: expect.any(Number) as number });

    const next = build({ path });
    await next.g.ready();
    const { basisCalls, basisBad, warmCalls, warmBad } = learned.cusum;
    // The design in use is the one the killed process froze: same counts, same threshold.
    expect(next.cusum()).toMatchObject({ learned: true, basisCalls, basisBad, warmCalls, warmBad });
    expect(next.g.stats().policies[0]!.threshold).toBe(learned.stats.threshold);
    const cold = build({ path: join(tempDir(), 'cold.json') });
    await cold.g.ready();
    expect(cold.g.stats().policies[0]!.threshold).not.toBe(learned.stats.threshold);
    next.g.dispose();
    cold.g.dispose();
  }, 30_000);

  it('saveEveryMs: windows counted since the last save are written on schedule, until dispose()', async () => {
    const path = join(tempDir(), 'breakers.json');
    const b = build({ path, saveEveryMs: 100 });
    await b.traffic(150, 0, 4); // fewer calls than the CUSUM's first redesign: nothing else saves
    const stored = () => fileStore(path).load('chat')?.policies[0]?.state;
    expect(stored()).toBeUndefined();
    await new Promise((done) => setTimeout(done, 250));
    expect(stored()).toMatchObject({ warmCalls: 150, learned: false });
    b.g.dispose();
    rmSync(path);
    await new Promise((done) => setTimeout(done, 250));
    expect(stored()).toBeUndefined(); // the timer stopped with the guard
  });

  it.each([0, 99, -1, Infinity, NaN, '1000'])('saveEveryMs %s is a clear error naming the option', (bad) => {
    const path = join(tempDir(), 'breakers.json');
    expect(() => fileStore(path, { saveEveryMs: bad as number })).toThrow(
      `fileStore: option "saveEveryMs" must be a number of milliseconds from 100 to 2^31 - 1 (got ${String(bad)})`,
    );
  });

  it('guards of different names share one store and one file', async () => {
    const path = join(tempDir(), 'breakers.json');
    const store = fileStore(path);
    const make = (name: string) =>
      guard(async () => 'fine', { name, detectors: [], trip: TRIP, store, retry: false, timeoutMs: 0 });
    const chat = make('chat');
    const search = make('search');
    for (let i = 0; i < 3; i++) await chat();
    await search();
    chat.dispose();
    search.dispose();
    const saved = JSON.parse(readFileSync(path, 'utf8')).breakers;
    expect(Object.keys(saved).sort()).toEqual(['chat', 'search']);
    const state = (name: string) => fileStore(path).load(name)!.policies[0]!.state;
    expect(state('chat')).toMatchObject({ warmCalls: 3 });
    expect(state('search')).toMatchObject({ warmCalls: 1 });
  });

  it('a missing file is a cold start without a warning, and the first save creates it', async () => {
    const path = join(tempDir(), 'new.json');
    const warnings: string[] = [];
    const { g } = build({ path, onWarning: (m) => warnings.push(m) });
    await g.ready();
    expect(g.snapshot().policies[0]!.state).toMatchObject({ warmCalls: 0, learned: false });
    g.dispose();
    expect(warnings).toEqual([]);
    expect(JSON.parse(readFileSync(path, 'utf8')).breakers.chat.breaker).toBe('chat');
  });

  it.each([
    ['garbage', 'not json at all'],
    ['a partial write', '{"safety-breaker-store":1,"breakers":{"chat":{"version":1,"brea'],
    ['another JSON document', '{"hello":"world"}'],
  ])('a file holding %s is a warning naming the file and a cold start, never a throw', async (_what, content) => {
    const path = join(tempDir(), 'breakers.json');
    writeFileSync(path, content);
    const warnings: string[] = [];
    const b = build({ path, onWarning: (m) => warnings.push(m) });
    await b.g.ready();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(path);
    expect(warnings[0]).toMatch(/corrupt or partial/);
    await b.traffic(10, 0, 2); // serves calls
    expect(b.cusum()).toMatchObject({ warmCalls: 10, learned: false });
    b.g.dispose();
    // The next save replaces the bad file with a good one.
    expect(JSON.parse(readFileSync(path, 'utf8'))['safety-breaker-store']).toBe(1);
  });

  it('warns through process warnings by default', async () => {
    const path = join(tempDir(), 'breakers.json');
    writeFileSync(path, '{');
    const seen = new Promise<Error>((done) => process.once('warning', done));
    fileStore(path).load('chat');
    const warning = (await seen) as Error & { code?: string };
    expect(warning.code).toBe('SAFETY_BREAKER_FILE_STORE');
    expect(warning.message).toContain(path);
  });

  it('a directory that does not exist is a clear error when the store is made', () => {
    const path = join(tempDir(), 'no', 'such', 'dir', 'breakers.json');
    expect(() => fileStore(path)).toThrow(`fileStore: cannot write breaker state to ${path}: its directory`);
    expect(() => fileStore('')).toThrow('fileStore(path): path must be a non-empty string');
    // A "directory" that is a file: every save would fail, so the path fails at start-up too.
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, '');
    const under = join(file, 'breakers.json');
    expect(() => fileStore(under)).toThrow(
      `fileStore: cannot write breaker state to ${under}: its directory ${file} is missing, not a directory or not writable (ENOTDIR)`,
    );
  });

  it('a write that fails is a warning naming the file; the guard keeps serving', async () => {
    const dir = tempDir();
    const path = join(dir, 'breakers.json');
    mkdirSync(path); // a directory where the file should be: reads and writes fail
    const warnings: string[] = [];
    const b = build({ path, onWarning: (m) => warnings.push(m) });
    await b.traffic(5, 0, 3);
    expect(await b.g()).toBe('fine');
    b.g.dispose();
    expect(warnings).toEqual([
      `fileStore: cannot read ${path}; starting without stored breaker state`,
      `fileStore: cannot write breaker state to ${path}; the previous file, if any, is kept`,
    ]);
    expect(readdirSync(dir)).toEqual(['breakers.json']); // no temporary file left behind
  });
});

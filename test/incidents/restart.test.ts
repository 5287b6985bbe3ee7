/**
 * A durable incident log: a process killed mid-incident (SIGKILL) leaves its incident in the log,
 * and the next process reads it back, continues it and closes it. A torn last line is skipped.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { guard } from '../../src/index.js';
import { incidents, readIncidentLog, type IncidentRecord } from '../../src/entries/incidents.js';
import { chatOptions, fileStore } from './crash-shared.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Starts the child, waits for its line on stdout (the incident is written), then kills it with SIGKILL. */
function crashMidIncident(logPath: string, storePath: string): Promise<{ id: string; state: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'crash-child.ts'), logPath, storePath],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!out.includes('\n')) return;
      child.kill('SIGKILL');
      child.once('exit', (_code, signal) => {
        if (signal !== 'SIGKILL') reject(new Error(`child ended with ${signal}`));
        else resolve(JSON.parse(out) as { id: string; state: string });
      });
    });
    child.once('exit', (code) => {
      if (!out.includes('\n')) reject(new Error(`child exited (${code}) before the incident was written:\n${err}`));
    });
  });
}

const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');

describe('the incident log across a crash', () => {
  it('a process killed mid-incident leaves it open in the log; the next process continues and closes it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-incidents-'));
    const logPath = join(dir, 'logs', 'incidents.jsonl');
    const storePath = join(dir, 'chat.json');
    const crashed = await crashMidIncident(logPath, storePath);
    expect(crashed.state).toBe('forced-open');
    const before = (await readIncidentLog(logPath)).records;
    expect(before).toMatchObject([{ id: crashed.id, status: 'open', trigger: 'trip' }]);
    // A write cut short by the crash: half a line at the end of the file.
    appendFileSync(logPath, '{"id":"chat-torn","breaker":"ch');

    const warnings: unknown[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (o: unknown) => warnings.push(o) };
    const log = incidents({ path: logPath, logger });
    const chat = guard(async (p: string) => `kind reply to ${p}`, { ...chatOptions, store: fileStore(storePath) });
    log.attach(chat);
    await log.ready();
    await chat.ready();
    expect(warnings).toMatchObject([{ skipped: [{ reason: 'torn last line (the process stopped mid-write)' }] }]);
    expect(log.list({ status: 'open' }).map((r) => r.id)).toEqual([crashed.id]);
    expect(chat.state).toBe('forced-open'); // restored from the store
    await chat('while forced'); // served by the fallback, counted in the continued incident
    chat.reset('INC-9 resolved: primary rolled back', { actor: 'bob' });
    await log.close();

    const after = lines(logPath);
    expect(after.some((l) => l.startsWith('{"id":"chat-torn"'))).toBe(true); // the torn line stays on its own line
    const { records, skipped } = await readIncidentLog(logPath);
    expect(skipped).toEqual([{ line: expect.any(Number) as number, reason: 'not JSON' }]);
    const done = records.find((r) => r.id === crashed.id) as IncidentRecord;
    expect(done).toMatchObject({ status: 'closed', resolution: 'reset', trips: 1 });
    expect(done.actions.map((a) => [a.action, a.actor])).toEqual([
      ['force-open', 'alice'],
      ['reset', 'bob'],
    ]);
    expect(done.timeline.map((e) => e.event)).toContain('restart');
    expect(done.calls.rejected).toBeGreaterThanOrEqual(1);
    expect(done.mttrSeconds).toBe((Date.parse(done.recoveredAt!) - Date.parse(done.detectedAt)) / 1000);
  });

  it('without a store the breaker comes back closed: the read-back incident is closed as "restart"', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-incidents-'));
    const logPath = join(dir, 'incidents.jsonl');
    const crashed = await crashMidIncident(logPath, join(dir, 'chat.json'));
    const log = incidents({ path: logPath });
    const chat = guard(async (p: string) => `kind reply to ${p}`, chatOptions);
    log.attach(chat);
    await log.ready();
    await chat.ready();
    await new Promise((resolve) => setImmediate(resolve));
    const [r] = log.list();
    expect(r).toMatchObject({ id: crashed.id, status: 'closed', resolution: 'restart' });
    expect(r!.timeline.at(-1)!.detail).toMatch(/came back closed/);
    await log.close();
    expect((await readIncidentLog(logPath)).records[0]).toMatchObject({ id: crashed.id, status: 'closed' });
  });
});

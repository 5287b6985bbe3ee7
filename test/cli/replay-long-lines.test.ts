import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { io } from './bin.js';
import type { ReplayReport } from '../../src/entries/traffic.js';
import { lineBatches, type LogLine } from '../../src/traffic/lines.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-replay-long-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = join(dir, 'config.yaml');
writeFileSync(config, 'breakers:\n  chat:\n    detectors: { latency: { slowMs: 5000 } }\n    fallbacks: [mini]\n');
const line = (i: number, text = `answer ${i}`) =>
  JSON.stringify({ t: Date.UTC(2026, 0, 1) + i * 100, breaker: 'chat', latencyMs: 200, text });

/** A file of `size` bytes of "a" with no newline, written 1 MB at a time. */
function newlineFree(name: string, size: number): string {
  const file = join(dir, name);
  const block = Buffer.alloc(1024 * 1024, 'a');
  const fd = openSync(file, 'w');
  for (let written = 0; written < size; written += block.length) writeSync(fd, block);
  closeSync(fd);
  return file;
}

describe('replay: lines over the length cap', () => {
  it('reports a line over --max-line-bytes by its number and reason, skips it and replays the rest', async () => {
    const atCap = line(3, '');
    const exactly1024 = line(3, 'x'.repeat(1024 - atCap.length)); // a line of exactly the cap is replayed
    const euros = line(4, '€'.repeat(400)); // 400 characters, over 1,200 bytes: the cap counts bytes
    const log = join(dir, 'mixed.jsonl');
    writeFileSync(log, [line(1), 'y'.repeat(3000), exactly1024, euros, line(5)].join('\n') + '\n');

    const json = io();
    expect(await main(['replay', '--config', config, log, '--format', 'json', '--max-line-bytes', '1024'], json)).toBe(
      3,
    );
    const report = JSON.parse(json.stdout) as ReplayReport;
    expect(report.lines).toBe(5);
    expect(report.calls).toBe(3);
    expect(report.malformed.lines).toEqual([
      { line: 2, reason: 'line too long: 3,000 bytes, over the 1,024-byte cap (--max-line-bytes); skipped' },
      {
        line: 4,
        reason: `line too long: ${Buffer.byteLength(euros).toLocaleString('en-US')} bytes, over the 1,024-byte cap (--max-line-bytes); skipped`,
      },
    ]);

    const text = io();
    expect(await main(['replay', '--config', config, log, '--max-line-bytes', '1024'], text)).toBe(3);
    expect(text.stdout).toContain('line 2: line too long: 3,000 bytes, over the 1,024-byte cap');
  });

  it('rejects a --max-line-bytes that is not a positive whole number (exit 2)', async () => {
    const out = io();
    expect(await main(['replay', '--config', config, join(dir, 'none.jsonl'), '--max-line-bytes', '1e3x'], out)).toBe(
      2,
    );
    expect(out.stderr).toContain('--max-line-bytes must be a whole number of bytes >= 1 (got 1e3x)');
  });

  it('reads a 50 MB file without a newline in bounded memory: the line is reported, RSS grows far less than the file', async () => {
    const size = 50 * 1024 * 1024;
    const log = newlineFree('no-newline.jsonl', size);

    const before = process.memoryUsage.rss();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 2);
    const out = io();
    const code = await main(['replay', '--config', config, log, '--format', 'json'], out);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage.rss());

    expect(code).toBe(3);
    const report = JSON.parse(out.stdout) as ReplayReport;
    expect(report.malformed.lines).toEqual([
      { line: 1, reason: 'line too long: 52,428,800 bytes, over the 1,048,576-byte cap (--max-line-bytes); skipped' },
    ]);
    expect(peak - before).toBeLessThan(size / 5); // before the cap: 449 MB
  });

  it('splits lines across chunk boundaries, a multi-byte character cut between chunks included, and caps them in bytes', async () => {
    const bytes = Buffer.from('first\nsecond li€ne\n€€€€\n\nlast', 'utf8');
    // Every cut of the bytes into two or three chunks gives the same lines.
    for (let a = 0; a <= bytes.length; a++)
      for (const b of [a, Math.min(bytes.length, a + 3)]) {
        const chunks = [bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)];
        async function* source(): AsyncGenerator<Uint8Array> {
          // One reused buffer, as FileChunks does: lineBatches must copy what it keeps.
          const reused = Buffer.alloc(bytes.length);
          for (const c of chunks) {
            c.copy(reused);
            yield reused.subarray(0, c.length);
            reused.fill(0);
          }
        }
        const lines: LogLine[] = [];
        for await (const batch of lineBatches(source(), 12)) lines.push(...batch);
        expect(lines, `cut at ${a}, ${b}`).toEqual(['first', { tooLong: true, bytes: 14 }, '€€€€', '', 'last']);
      }
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileSink } from '../../src/incidents/sink.js';
import type { IncidentRecord } from '../../src/incidents/record.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('fileSink at a path it cannot write', () => {
  it('says which path and why, and close() still resolves', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-sink-'));
    dirs.push(dir);
    const notADir = join(dir, 'a-file');
    await writeFile(notADir, 'x');
    const path = join(notADir, 'incidents.jsonl');
    const sink = fileSink(path);
    await expect(sink.write({ id: 'i1' } as unknown as IncidentRecord, true)).rejects.toThrow(
      `incident log: cannot open ${path} for writing`,
    );
    await expect(sink.close()).resolves.toBeUndefined();
  });
});

/** The `incidents:` section of the config file: validated with file:line:column, built by createBreakers, hot-reloaded. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configJsonSchema, createBreakers, parseConfig, watchConfig } from '../../src/entries/config.js';
import { formatIssue, isConfigError } from '../../src/config/errors.js';
import { readIncidentLog } from '../../src/entries/incidents.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const config = (logPath: string, forcedOpen: string) => `breakers:
  chat:
    detectors: {}
    fallbacks: [backup]
incidents:
  path: ${logPath}
  severity:
    forcedOpen: ${forcedOpen}
  clocks:
    - { name: internal-review, kind: internal, severities: [SEV1], withinMs: 86400000 }
  evidence: { enabled: true, maxSamples: 5 }
`;

describe('incidents in the config file', () => {
  it('names the bad line and option', () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-inc-config-'));
    const text = `breakers:
  chat: {}
incidents:
  severity:
    rules:
      - { severity: SEV5, minShare: 0.3 }
  evidence: { enabeld: true }
`;
    let error: unknown;
    try {
      parseConfig(text, 'breakers.yaml');
    } catch (e) {
      error = e;
    }
    expect(isConfigError(error)).toBe(true);
    const lines = (error as { issues: Parameters<typeof formatIssue>[0][] }).issues.map(formatIssue);
    expect(lines.find((l) => l.includes('incidents.severity.rules.0.severity'))).toMatch(/^breakers\.yaml:6:\d+ /);
    expect(lines.find((l) => l.includes('enabeld'))).toMatch(/^breakers\.yaml:7:\d+ incidents\.evidence/);
    const schema = JSON.stringify(configJsonSchema());
    expect(schema).toContain('"incidents"');
    expect(schema).toContain('"clocks"');
  });

  it('createBreakers builds the log from the section and attaches every breaker; a reload changes its settings', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-inc-config-'));
    const logPath = join(dir, 'incidents.jsonl');
    const file = join(dir, 'breakers.yaml');
    writeFileSync(file, config(logPath, 'SEV1'));
    const set = createBreakers(parseConfig(readFileSync(file, 'utf8'), file), {
      chat: { primary: async (q: string) => `reply to ${q}`, fallbacks: { backup: async () => 'backup' } },
    });
    const log = set.incidents!;
    set.breakers.chat.forceOpen('INC-1', { actor: 'alice' });
    set.breakers.chat.reset('done', { actor: 'alice' });
    expect(log.list()[0]).toMatchObject({ severity: 'SEV1', reports: [{ name: 'internal-review' }] });

    writeFileSync(file, config(logPath, 'SEV3'));
    const watcher = watchConfig(file, set, { watchFile: false, sighup: false });
    expect(await watcher.reload()).toMatchObject({ ok: true, changed: true });
    set.breakers.chat.forceOpen('INC-2', { actor: 'bob' });
    expect(log.list({ status: 'open' })[0]).toMatchObject({ severity: 'SEV3', reports: [] });
    watcher.close();
    set.dispose();
    await log.close();
    const { records } = await readIncidentLog(logPath);
    expect(records.map((r) => [r.severity, r.status])).toEqual([
      ['SEV1', 'closed'],
      ['SEV3', 'open'],
    ]);
  });
});

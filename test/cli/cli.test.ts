import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathError } from '../../src/cli/input.js';
import { EXIT, main } from '../../src/cli/main.js';
import { bin, io } from './bin.js';
import type { ReplayReport } from '../../src/entries/traffic.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-cli-'));

const TYPO = `breakers:
  chat:
    detectors:
      toxicty: {}
    trip: { policy: rate, threshold: high }
`;

describe('safety-breaker validate', () => {
  it('exits 1 on a typo, naming file, line, column, path and what was expected', async () => {
    const file = join(dir, 'typo.yaml');
    writeFileSync(file, TYPO);
    const out = io();
    expect(await main(['validate', file], out)).toBe(EXIT.INVALID_CONFIG);
    expect(out.stderr).toContain(
      `${file}:4:7 breakers.chat.detectors.toxicty: unknown key "toxicty" — did you mean "toxicity"? (expected one of latency, fairness, toxicity, found "toxicty")`,
    );
    expect(out.stderr).toContain(
      `${file}:5:38 breakers.chat.trip.threshold: wrong type (expected a number, found "high" (a string))`,
    );
  });

  it('prints every problem: bounds beside a wrong type, and a fallback listed twice', async () => {
    const file = join(dir, 'every.yaml');
    writeFileSync(
      file,
      'breakers:\n  chat:\n    timeoutMs: 50\n    recovery: { afterMs: 3 }\n    budgetMs: x\n    fallbacks: [mini, mini]\n',
    );
    const out = io();
    expect(await main(['validate', file], out)).toBe(EXIT.INVALID_CONFIG);
    expect(
      out.stderr
        .trim()
        .split('\n')
        .map((l) => l.split(' ').slice(0, 2).join(' ')),
    ).toEqual([
      `${file}:3:16 breakers.chat.timeoutMs:`,
      `${file}:4:26 breakers.chat.recovery.afterMs:`,
      `${file}:5:15 breakers.chat.budgetMs:`,
      `${file}:6:23 breakers.chat.fallbacks.1:`,
    ]);
  });

  it('exits 0 on a valid file and names its breakers', async () => {
    const out = io();
    expect(await main(['validate', 'examples/config/chat.yaml'], out)).toBe(EXIT.OK);
    expect(out.stdout).toBe('examples/config/chat.yaml: valid — 2 breakers: chat, summarize\n');
  });

  it('exits 1 on a missing file and 2 on bad usage', async () => {
    expect(await main(['validate', join(dir, 'nope.yaml')], io())).toBe(EXIT.INVALID_CONFIG);
    const usage = io();
    expect(await main(['validate'], usage)).toBe(EXIT.USAGE);
    expect(usage.stderr).toContain('validate takes one FILE');
    expect(await main(['frobnicate'], io())).toBe(EXIT.USAGE);
    expect(await main(['replay', 'x.jsonl'], io())).toBe(EXIT.USAGE);
    expect(await main(['replay', '--config', 'examples/config/chat.yaml', 'x.jsonl', '--format', 'xml'], io())).toBe(
      EXIT.USAGE,
    );
    expect(await main(['replay', '--config', 'examples/config/chat.yaml', join(dir, 'missing.jsonl')], io())).toBe(
      EXIT.INVALID_INPUT,
    );
    expect(await main(['validate', '--bogus', 'x'], io())).toBe(EXIT.USAGE);
  });

  it('runs as the installed bin (the built dist/cli.js when present)', async () => {
    const file = join(dir, 'bin-typo.yaml');
    writeFileSync(file, TYPO);
    const ok = await bin(['validate', 'examples/config/chat.yaml']);
    expect(ok.code).toBe(EXIT.OK);
    expect(ok.stdout).toContain('valid — 2 breakers');
    const failed = await bin(['validate', file]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`${file}:4:7 breakers.chat.detectors.toxicty`);
  });
});

describe('paths the user gave that cannot be used: one line naming the path and the cause, never a stack', () => {
  it('exits 3 for a traffic log, an incident log or an output that is a directory or under a missing one', async () => {
    const notDir = join(dir, 'a-file.jsonl');
    writeFileSync(notDir, '');
    const incidentLog = join(dir, 'incidents-for-out.jsonl');
    expect(await main(['drill', 'error-storm', '--incidents', incidentLog], io())).toBe(EXIT.OK);
    const id = (JSON.parse(readFileSync(incidentLog, 'utf8').trim().split('\n')[0]!) as { id: string }).id;
    const cases: [string[], string][] = [
      [
        ['replay', '--config', 'examples/config/chat.yaml', dir],
        `${dir}: cannot read the traffic log: it is a directory (EISDIR)`,
      ],
      [
        ['postmortem', id, '--log', incidentLog, '--out', join(dir, 'missing', 'pm.md')],
        `${join(dir, 'missing', 'pm.md')}: cannot write the post-mortem: no such file or directory (ENOENT)`,
      ],
      [
        ['drill', 'error-storm', '--incidents', dir],
        `${dir}: cannot append the drill's incidents: it is a directory (EISDIR)`,
      ],
      [
        ['drill', 'error-storm', '--incidents', join(notDir, 'x.jsonl')],
        `${join(notDir, 'x.jsonl')}: cannot append the drill's incidents: a part of the path is a file, not a directory (EEXIST)`,
      ],
      [['postmortem', dir], `${dir}: cannot read the incidents: it is a directory (EISDIR)`],
    ];
    const results = await Promise.all(cases.map(([args]) => bin(args)));
    results.forEach((r, i) => {
      expect({ args: cases[i]![0], code: r.code, stderr: r.stderr }).toEqual({
        args: cases[i]![0],
        code: EXIT.INVALID_INPUT,
        stderr: `${cases[i]![1]}\n`,
      });
    });
  });

  it('exits 1 on a "billion laughs" config, with file:line:column of the alias', async () => {
    const file = join(dir, 'laughs.yaml');
    const levels = 'abcdefg';
    const laughs = [
      `a: &a [${Array(9).fill('"x"').join(',')}]`,
      ...[...levels].slice(1).map((l, i) => `${l}: &${l} [${Array(9).fill(`*${levels[i]}`).join(',')}]`),
    ];
    writeFileSync(file, `${laughs.join('\n')}\nbreakers:\n  chat: {}\n`);
    const r = await bin(['validate', file]);
    expect(r.code).toBe(EXIT.INVALID_CONFIG);
    expect(r.stderr).toMatch(new RegExp(`^${file}:4:8 too many aliases once expanded[^\n]*\n$`));
  });

  it('leaves any other error an internal one (exit 70 is for bugs)', () => {
    const bug = new TypeError('x is undefined');
    expect(pathError('traffic.jsonl', 'read the traffic log', bug)).toBe(bug);
  });
});

describe('examples/config', () => {
  it.each(['chat.yaml', 'chat-strict.yaml', 'fairness.yaml'])('%s is valid', async (name) => {
    expect(await main(['validate', `examples/config/${name}`], io())).toBe(EXIT.OK);
  });

  it('typo.yaml shows what validate reports, in line order, as docs/cli.md shows it', async () => {
    const out = io();
    expect(await main(['validate', 'examples/config/typo.yaml'], out)).toBe(EXIT.INVALID_CONFIG);
    const lines = out.stderr.trim().split('\n');
    expect(lines.map((l) => l.split(' ')[0])).toEqual([
      'examples/config/typo.yaml:5:7',
      'examples/config/typo.yaml:6:26',
      'examples/config/typo.yaml:7:38',
    ]);
    const docs = readFileSync('docs/cli.md', 'utf8');
    expect(docs).toContain(`$ safety-breaker validate examples/config/typo.yaml\n${lines.join('\n')}\n$ echo $?\n1`);
  });

  it('drill-scenario.yaml meets its expectations with the built-in drill config', async () => {
    expect(await main(['drill', 'examples/config/drill-scenario.yaml'], io())).toBe(EXIT.OK);
  });
});

describe('safety-breaker --version and usage errors', () => {
  it('prints the package version', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    for (const flag of ['--version', '-V', 'version']) {
      const out = io();
      expect(await main([flag], out)).toBe(EXIT.OK);
      expect(out.stdout).toBe(`${version}\n`);
    }
  });

  it('exits 2 on an unknown flag or an extra argument of any command', async () => {
    for (const argv of [
      ['schema', '--bogus'],
      ['schema', 'extra'],
      ['validate', '--bogus', 'x'],
      ['drill', '--bogus'],
    ]) {
      const out = io();
      expect([argv.join(' '), await main(argv, out)]).toEqual([argv.join(' '), EXIT.USAGE]);
      expect(out.stdout).toBe('');
      expect(out.stderr).toMatch(/^safety-breaker: /);
    }
  });

  it('suggests the name meant: a command, a trip policy, a mode, a scenario', async () => {
    const command = io();
    expect(await main(['valdate', 'x.yaml'], command)).toBe(EXIT.USAGE);
    expect(command.stderr).toContain('unknown command "valdate" — did you mean "validate"?');

    const file = join(dir, 'policy-typo.yaml');
    writeFileSync(file, 'breakers:\n  chat:\n    mode: enforc\n    trip: { policy: wilsn, threshold: 0.1 }\n');
    const config = io();
    expect(await main(['validate', file], config)).toBe(EXIT.INVALID_CONFIG);
    expect(config.stderr).toBe(
      `${file}:3:11 breakers.chat.mode: not an allowed value — did you mean "enforce"? (expected one of "enforce", "shadow", "disabled", found "enforc" (a string))\n` +
        `${file}:4:21 breakers.chat.trip.policy: unknown policy — did you mean "wilson"? (expected one of "rate", "wilson", "cusum", "slow-call-rate", "latency-p95", found "wilsn" (a string))\n`,
    );

    const scenario = io();
    expect(await main(['drill', 'toxicity-brust'], scenario)).toBe(EXIT.INVALID_INPUT);
    expect(scenario.stderr).toContain('— did you mean "toxicity-burst"?');
  });
});

describe('safety-breaker schema', () => {
  it('prints a JSON Schema an editor can use', async () => {
    const out = io();
    expect(await main(['schema'], out)).toBe(EXIT.OK);
    const schema = JSON.parse(out.stdout) as { $schema: string; properties: Record<string, unknown> };
    expect(schema.$schema).toContain('json-schema.org');
    expect(Object.keys(schema.properties)).toEqual(['version', 'breakers', 'incidents']);
  });
});

describe('safety-breaker drill', () => {
  it('runs the error storm and reports the trip, detection time and fallback traffic', async () => {
    const out = io();
    expect(await main(['drill', 'error-storm', '--format', 'json'], out)).toBe(EXIT.OK);
    const { report, expectations } = JSON.parse(out.stdout) as { report: ReplayReport; expectations: { met: boolean } };
    const chat = report.breakers.chat!;
    const first = chat.trips[0]!;
    // The storm starts at minute 5.
    expect(first.at).toBeGreaterThan(Date.UTC(2026, 0, 1, 0, 5));
    expect(first.timeToDetectMs).toBeLessThan(60_000);
    expect(chat.servedByFallback).toBeGreaterThan(0);
    expect(chat.falseTrips).toBe(0);
    expect(expectations.met).toBe(true);
  });

  it.each(['toxicity-burst', 'slow-drift', 'latency-spike', 'fairness-drift', 'cascade'])(
    'runs the built-in %s scenario',
    async (name) => {
      const out = io();
      const code = await main(['drill', name], out);
      expect(out.stdout).toContain(`drill ${name}`);
      expect(out.stdout).toMatch(/breaker chat \(enforce\)/);
      expect(code).toBe(EXIT.OK); // every built-in's expectations hold with the built-in drill config
    },
  );

  it('catches the fairness drift with a fairness detector from the config file', async () => {
    const out = io();
    await main(['drill', 'fairness-drift', '--config', 'examples/config/fairness.yaml', '--format', 'json'], out);
    const chat = (JSON.parse(out.stdout) as { report: ReplayReport }).report.breakers.chat!;
    const first = chat.trips[0]!;
    expect(first.policy).toBe('fairness');
    expect(first.reason).toMatch(/between b and a/);
    // The drift starts at minute 10.
    expect(first.at).toBeGreaterThan(Date.UTC(2026, 0, 1, 0, 10));
  });

  it('runs a cascade where the fallback degrades too: calls run out of routes', async () => {
    const out = io();
    await main(['drill', 'cascade', '--format', 'json'], out);
    const chat = (JSON.parse(out.stdout) as { report: ReplayReport }).report.breakers.chat!;
    expect(chat.trips.length).toBeGreaterThan(0);
    expect(chat.exhausted).toBeGreaterThan(0);
  });

  it('runs a scenario file and exits 4 when an expectation is not met', async () => {
    const file = join(dir, 'quiet.yaml');
    writeFileSync(file, 'name: quiet\nphases:\n  - { name: calm, durationMs: 120000 }\nexpect:\n  minTrips: 1\n');
    const out = io();
    expect(await main(['drill', file], out)).toBe(EXIT.EXPECTATION_FAILED);
    expect(out.stdout).toContain('✗ expectations not met:\n  - at least 1 trip(s) expected, got 0');
  });

  it('exits 3 on a bad scenario file, with line and path', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'name: bad\nphases:\n  - { name: calm, durationMs: -5 }\n');
    const out = io();
    expect(await main(['drill', file], out)).toBe(EXIT.INVALID_INPUT);
    expect(out.stderr).toContain(
      `${file}:3:31 phases.0.durationMs: out of range (expected a number > 0, found -5 (a number))`,
    );
    expect(await main(['drill', 'no-such-scenario'], io())).toBe(EXIT.INVALID_INPUT);
  });

  it('uses the given config and its fallbacks', async () => {
    const config = join(dir, 'drill.yaml');
    writeFileSync(
      config,
      'breakers:\n  support:\n    detectors: { latency: { slowMs: 5000 } }\n    trip: { policy: rate, threshold: 0.5, minimumCalls: 20 }\n    fallbacks: [small]\n',
    );
    const out = io();
    expect(await main(['drill', 'latency-spike', '--config', config, '--format', 'json'], out)).toBe(EXIT.OK);
    const report = (JSON.parse(out.stdout) as { report: ReplayReport }).report;
    expect(Object.keys(report.breakers)).toEqual(['support']);
    expect(report.breakers.support!.trips.length).toBeGreaterThan(0);
  });
});

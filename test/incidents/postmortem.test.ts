/**
 * A drill's incidents and their post-mortems: the drill lists the incidents its scenario opens, and
 * the post-mortem of each has the timeline, time to detect and time to recover the drill measured.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT, main } from '../../src/cli/main.js';
import { io } from '../cli/bin.js';
import type { IncidentRecord } from '../../src/entries/incidents.js';
import type { ReplayReport } from '../../src/entries/traffic.js';
import { formatDuration, type PostmortemDraft } from '../../src/incidents/postmortem.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-postmortem-'));

const utc = (iso: string) => iso.replace('T', ' ').replace(/Z$/, ' UTC');

describe('drills open incidents; post-mortems tell their numbers', () => {
  it('toxicity-burst: each incident has the drill’s onset, time to detect and time to recover', async () => {
    const log = join(dir, 'drill.jsonl');
    const out = io();
    expect(await main(['drill', 'toxicity-burst', '--format', 'json', '--incidents', log], out)).toBe(EXIT.OK);
    const { report, incidents } = JSON.parse(out.stdout) as { report: ReplayReport; incidents: IncidentRecord[] };
    const trips = report.breakers.chat!.trips;
    const firsts = trips.filter((t) => !t.reopen);
    expect(firsts.length).toBeGreaterThanOrEqual(1);
    // One incident per trip; a re-open after a failed probe belongs to the incident before it.
    expect(incidents).toHaveLength(firsts.length);
    incidents.forEach((r, i) => {
      const t = firsts[i]!;
      expect(Date.parse(r.detectedAt)).toBe(t.at);
      expect(Date.parse(r.onsetAt!)).toBe(t.onsetAt);
      expect(r.onsetSource).toBe('estimate'); // wilson gives no change point: the drill's first bad call
      expect(r.mttdSeconds).toBe(t.timeToDetectMs / 1000);
      expect(r.mttrSeconds).toBe(t.timeToRecoverMs! / 1000);
      expect(r.trips).toBe(
        1 + trips.filter((x) => x.reopen && x.at > t.at && x.at < Date.parse(r.recoveredAt!)).length,
      );
      expect(r.status).toBe('closed');
    });

    // The text report lists them too.
    const text = io();
    expect(await main(['drill', 'toxicity-burst'], text)).toBe(EXIT.OK);
    expect(text.stdout).toContain(`incidents: ${firsts.length}`);
    expect(text.stdout).toContain(`MTTD ${formatDuration(firsts[0]!.timeToDetectMs / 1000)}`);

    // The post-mortem of the first incident, in Markdown.
    const first = incidents[0]!;
    const t = firsts[0]!;
    const md = io();
    expect(await main(['postmortem', first.id, '--log', log], md)).toBe(EXIT.OK);
    const page = md.stdout;
    expect(page).toContain(
      `| Time to detect (MTTD) | ${formatDuration(t.timeToDetectMs / 1000)} (onset → detection) |`,
    );
    expect(page).toContain(
      `| Time to recover (MTTR) | ${formatDuration(t.timeToRecoverMs! / 1000)} (detection → closed) |`,
    );
    for (const heading of [
      '## Summary',
      '## Impact',
      '## Trigger',
      '## Timeline (UTC)',
      '## Contributing factors',
      '## 5 whys',
      '## Action items',
    ])
      expect(page).toContain(heading);
    const rows = page.split('\n').filter((l) => /^\| \d{4}-/.test(l));
    const events = rows.map((l) => l.split(' | ')[1]);
    expect(events[0]).toBe('onset');
    expect(events[1]).toBe('detected');
    expect(events).toContain('contained');
    expect(events).toContain('half-open');
    expect(events).toContain('probe');
    expect(events.at(-1)).toBe('closed');
    expect(rows[0]).toContain(utc(new Date(t.onsetAt).toISOString()));
    expect(rows[1]).toContain(utc(new Date(t.at).toISOString()));
    expect(rows.at(-1)).toContain(utc(new Date(t.recoveredAt!).toISOString()));
    for (const [k, v] of Object.entries(t.details))
      expect(page).toContain(`| ${k} | ${Number.isInteger(v) ? v : Number(v.toPrecision(4))} |`);

    // --format json, written to a file.
    const jsonFile = join(dir, 'pm.json');
    expect(await main(['postmortem', first.id, '--log', log, '--format', 'json', '--out', jsonFile], io())).toBe(
      EXIT.OK,
    );
    const draft = JSON.parse(readFileSync(jsonFile, 'utf8')) as PostmortemDraft;
    expect(draft.times).toMatchObject({ mttdSeconds: t.timeToDetectMs / 1000, mttrSeconds: t.timeToRecoverMs! / 1000 });
    expect(draft).toMatchObject({ contributingFactors: [], fiveWhys: [], actionItems: [] });
  });

  it('takes a file holding one record; names what is wrong with other input (exit 3, or 2 for usage)', async () => {
    const log = join(dir, 'one.jsonl');
    expect(await main(['drill', 'error-storm', '--incidents', log], io())).toBe(EXIT.OK);
    const [record] = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as IncidentRecord)
      .slice(-1);
    const single = join(dir, 'record.json');
    writeFileSync(single, JSON.stringify(record, null, 2));
    const ok = io();
    expect(await main(['postmortem', single], ok)).toBe(EXIT.OK);
    expect(ok.stdout).toContain(`incident \`${record!.id}\``);

    const missing = io();
    expect(await main(['postmortem', 'chat-nope', '--log', log], missing)).toBe(EXIT.INVALID_INPUT);
    expect(missing.stderr).toContain(`no incident "chat-nope" in ${log} (latest: `);
    const noLog = io();
    expect(await main(['postmortem', 'chat-nope', '--log', join(dir, 'absent.jsonl')], noLog)).toBe(EXIT.INVALID_INPUT);
    expect(noLog.stderr).toContain('does not exist');
    expect(await main(['postmortem'], io())).toBe(EXIT.USAGE);
    expect(await main(['postmortem', single, '--format', 'pdf'], io())).toBe(EXIT.USAGE);
  });
});

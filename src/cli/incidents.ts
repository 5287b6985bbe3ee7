/**
 * The CLI's incident commands: `safety-breaker postmortem <incident-id|file>` writes a blameless
 * post-mortem draft (Markdown, or JSON with `--format json`) from an incident log (JSON lines) or a
 * file holding one record; drills list the incidents they open.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { formatDuration, postmortemDraft, postmortemMarkdown } from '../incidents/postmortem.js';
import { DEFAULT_LOG_PATH } from '../incidents/options.js';
import { isIncidentRecord, type IncidentRecord } from '../incidents/record.js';
import { parseIncidentLines } from '../incidents/sink.js';
import { InputError, onPath } from './input.js';

/** The incident `ref` names: a file (a log with one incident, or one record), or an id in `log`. */
export async function findIncident(ref: string, log: string | undefined): Promise<IncidentRecord> {
  if (log === undefined && existsSync(ref)) {
    const records = await readRecords(ref);
    if (records.length === 1) return records[0]!;
    throw new InputError(
      records.length === 0
        ? `${ref}: no incident records in it`
        : `${ref} holds ${records.length} incidents: pass one id with --log ${ref} (ids: ${records.map((r) => r.id).join(', ')})`,
    );
  }
  const file = log ?? DEFAULT_LOG_PATH;
  if (!existsSync(file))
    throw new InputError(
      `"${ref}" is not a file, and the incident log ${file} does not exist${log ? '' : ' (pass --log FILE)'}`,
    );
  const records = await readRecords(file);
  const found = records.find((r) => r.id === ref);
  if (found) return found;
  const recent = records.slice(-5).map((r) => r.id);
  throw new InputError(
    `no incident "${ref}" in ${file}${recent.length > 0 ? ` (latest: ${recent.join(', ')})` : ' (it holds none)'}`,
  );
}

async function readRecords(file: string): Promise<IncidentRecord[]> {
  const text = await onPath(file, 'read the incidents', () => readFile(file, 'utf8'));
  // One pretty-printed record (what `--format json` of the admin route or a drill writes), or JSON lines.
  try {
    const one: unknown = JSON.parse(text);
    if (isIncidentRecord(one)) return [one];
  } catch {
    // not a single JSON value: JSON lines
  }
  return parseIncidentLines(text).records;
}

/** The draft in the chosen format. */
export function renderPostmortem(record: IncidentRecord, format: 'markdown' | 'json'): string {
  return format === 'json' ? JSON.stringify(postmortemDraft(record), null, 2) : postmortemMarkdown(record);
}

export async function writeOut(text: string, out: string | undefined, print: (t: string) => void): Promise<void> {
  if (out === undefined) print(text);
  else await onPath(out, 'write the post-mortem', () => writeFile(out, text.endsWith('\n') ? text : `${text}\n`));
}

/** The incidents a drill opened, for its text report. */
export function formatIncidents(records: readonly IncidentRecord[]): string {
  if (records.length === 0) return 'incidents: none opened';
  const out = [`incidents: ${records.length}`];
  for (const r of records) {
    const t = (s: number | undefined) => (s === undefined ? '—' : formatDuration(s));
    out.push(`  ${r.id}  ${r.severity}  ${r.status}${r.resolution ? ` (${r.resolution})` : ''}  ${r.title}`);
    out.push(
      `    onset ${r.onsetAt ?? '—'} · detected ${r.detectedAt} · MTTD ${t(r.mttdSeconds)} · contained after ${t(r.ttcSeconds)} · MTTR ${t(r.mttrSeconds)} · trips ${r.trips} · calls affected ${r.calls.affected}`,
    );
  }
  out.push('  post-mortem draft: safety-breaker postmortem <id> --log <file given to --incidents>');
  return out.join('\n');
}

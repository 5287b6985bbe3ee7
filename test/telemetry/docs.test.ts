import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { guard } from '../../src/index.js';
import { needsPromtool, promtool } from './promtool.js';

const docs = fileURLToPath(new URL('../../docs/', import.meta.url));

async function exposedMetricNames(): Promise<string[]> {
  const registry = new Registry();
  const chat = guard(async (q: string) => q, { name: 'chat', registry });
  await chat('hello');
  const names = (await registry.getMetricsAsJSON()).map((m) => m.name);
  chat.dispose();
  return names;
}

/** Every metric name the source defines, as `name: '…'` or as the family maker's `get('…', …)` (the config reload metrics are written by watchConfig, not by a guard). */
function definedMetricNames(): Set<string> {
  const src = fileURLToPath(new URL('../../src/', import.meta.url));
  const defined = new Set<string>();
  for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts')) continue;
    for (const m of readFileSync(join(src, file), 'utf8').matchAll(/(?:name: |get\(\s*)'(safety_breaker_[a-z_]+)'/g))
      defined.add(m[1]!);
  }
  return defined;
}

describe('metrics docs, dashboard and alerts stay true to the code', () => {
  it('docs/metrics.md documents every metric the source defines (a guard exposes all of its own), and no other', async () => {
    const table = readFileSync(join(docs, 'metrics.md'), 'utf8');
    const documented = new Set([...table.matchAll(/^\| `(safety_breaker_[a-z_]+)` \|/gm)].map((m) => m[1]!));
    const defined = definedMetricNames();
    expect([...documented].sort()).toEqual([...defined].sort());
    for (const name of await exposedMetricNames()) expect(documented.has(name), name).toBe(true);
  });

  it('every PromQL expression of the Grafana dashboard parses and uses only exposed metrics', async (ctx) => {
    needsPromtool(ctx);
    const names = new Set(await exposedMetricNames());
    const dashboard = JSON.parse(readFileSync(join(docs, 'grafana-dashboard.json'), 'utf8')) as {
      panels: { targets: { expr: string }[] }[];
      annotations: { list: { expr?: string }[] };
    };
    const exprs = [
      ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)),
      ...dashboard.annotations.list.flatMap((a) => (a.expr ? [a.expr] : [])),
    ];
    expect(exprs.length).toBeGreaterThan(10);
    for (const expr of exprs) {
      for (const [metric] of expr.matchAll(/safety_breaker_[a-z_]+/g)) {
        const family = metric.replace(/_(bucket|sum|count)$/, '');
        expect(names.has(family), `${metric} in the dashboard`).toBe(true);
      }
    }
    // Grafana's variables replaced by what they expand to, then checked as recording rules.
    const rules = {
      groups: [
        {
          name: 'dashboard',
          rules: exprs.map((expr, i) => ({
            record: `dashboard:expr${i}`,
            expr: expr.replaceAll('$__rate_interval', '5m').replaceAll('$breaker', '.*'),
          })),
        },
      ],
    };
    const file = join(mkdtempSync(join(tmpdir(), 'sb-dash-')), 'rules.yml');
    writeFileSync(file, JSON.stringify(rules));
    const r = promtool(['check', 'rules', file]);
    expect(r.output).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  it('every PromQL example in docs/metrics.md parses', (ctx) => {
    needsPromtool(ctx);
    const md = readFileSync(join(docs, 'metrics.md'), 'utf8');
    const block = md.split('```promql')[1]!.split('```')[0]!;
    // One expression per paragraph line; indented lines continue the one above.
    const exprs: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('#') || line.trim() === '') continue;
      if (line.startsWith('  ') && exprs.length > 0) exprs[exprs.length - 1] += ` ${line.trim()}`;
      else exprs.push(line.trim());
    }
    expect(exprs.length).toBeGreaterThan(15);
    const file = join(mkdtempSync(join(tmpdir(), 'sb-docs-')), 'rules.yml');
    writeFileSync(
      file,
      JSON.stringify({
        groups: [{ name: 'docs', rules: exprs.map((expr, i) => ({ record: `docs:expr${i}`, expr })) }],
      }),
    );
    const r = promtool(['check', 'rules', file]);
    expect(r.output).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  it('the alert rules use only metrics the package writes', async () => {
    const names = new Set([...(await exposedMetricNames()), ...definedMetricNames()]);
    const rules = readFileSync(join(docs, 'prometheus-alerts.yml'), 'utf8');
    for (const [metric] of rules.matchAll(/safety_breaker_[a-z_]+/g)) expect(names.has(metric), metric).toBe(true);
  });
});

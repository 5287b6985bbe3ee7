/**
 * The docs' TypeScript examples compile under the project's strict settings: each is taken from
 * its page, pointed at the source instead of the package, and typechecked with the TypeScript API.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { entry } from '../../tsup.config.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The first ```ts block after `heading` on a docs page. */
function example(page: string, heading: string): string {
  const text = readFileSync(join(root, page), 'utf8');
  const at = text.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`${page}: no heading "${heading}"`);
  const block = /```ts\n([\s\S]*?)```/.exec(text.slice(at));
  if (!block) throw new Error(`${page}: no ts block after "${heading}"`);
  return block[1]!;
}

/** Typechecks `code` as a module in test/types/ with the project's tsconfig; returns the diagnostics as text. */
function typecheck(code: string, name: string): string[] {
  const configFile = ts.readConfigFile(join(root, 'tsconfig.json'), (f) => ts.sys.readFile(f));
  const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root);
  const file = join(root, 'test', 'types', `${name}.ts`);
  // Each import of the package or a subpath goes to its entry's source (tsup.config.ts).
  const source = code.replace(/from 'safety-breaker(?:\/([a-z-]+))?'/g, (_, sub: string | undefined) => {
    const path = entry[(sub ?? 'index') as keyof typeof entry];
    return `from '../../${path.replace(/\.ts$/, '.js')}'`;
  });
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang, ...rest) =>
    f === file ? ts.createSourceFile(f, source, lang, true) : getSourceFile(f, lang, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (f) => f === file || fileExists(f);
  const readFile = host.readFile.bind(host);
  host.readFile = (f) => (f === file ? source : readFile(f));
  const program = ts.createProgram([file], { ...options, noEmit: true }, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    const at = d.file ? `${d.file.fileName.slice(dirname(file).length + 1)}:${(where?.line ?? 0) + 1}` : '';
    return `${at} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

describe('docs examples compile in strict TypeScript', () => {
  it('docs/config.md, "Binding code to names"', () => {
    const code = example('docs/config.md', '## Binding code to names');
    expect(code).toContain('createBreakers(');
    expect(typecheck(code, 'config-md-binding')).toEqual([]);
  });

  it('docs/incidents.md, the first example', { timeout: 120_000 }, () => {
    const code = example(
      'docs/incidents.md',
      'It is a separate subpath so that apps that do not use it do not bundle it.',
    );
    expect(code).toContain('log.attach(chat)');
    expect(typecheck(code, 'incidents-md')).toEqual([]);
  });

  it(
    'docs/integrations.md, "Express", with the quickstart\'s maxRetries: 0 and callSignal()',
    { timeout: 120_000 },
    () => {
      const code = example('docs/integrations.md', '## Express');
      expect(code).toContain('new OpenAI({ maxRetries: 0 })');
      expect(code).toContain('{ signal: callSignal() }');
      expect(typecheck(code, 'integrations-md-express')).toEqual([]);
    },
  );

  it('docs/trip-policies.md, "Stored baselines"', { timeout: 120_000 }, () => {
    const code = example('docs/trip-policies.md', '## Stored baselines');
    expect(code).toContain('fileStore(');
    expect(typecheck(code, 'trip-policies-md-stored')).toEqual([]);
  });
});

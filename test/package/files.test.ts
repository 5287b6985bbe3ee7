/**
 * What npm users get: every relative link in the README (and in the docs it ships) resolves to a
 * file in the package, and links into the repository point at files that exist in it.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const REPOSITORY = 'https://github.com/safety-breaker/safety-breaker';

/** The files `npm pack` puts in the tarball (scripts skipped: the build's dist/ is not linked from docs). */
async function packedFiles(): Promise<Set<string>> {
  const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
  });
  const [pack] = JSON.parse(stdout) as { files: { path: string }[] }[];
  return new Set(pack!.files.map((f) => f.path));
}

/** Markdown link targets of a file, without their #fragment. */
function links(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!.split('#')[0]!).filter((l) => l !== '');
}

let packed: Set<string>;
beforeAll(async () => {
  packed = await packedFiles();
}, 60_000);

describe('the npm package', () => {
  it('has repository, homepage and bugs', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg.repository).toEqual({ type: 'git', url: `git+${REPOSITORY}.git` });
    expect(pkg.homepage).toBe(`${REPOSITORY}#readme`);
    expect(pkg.bugs).toEqual({ url: `${REPOSITORY}/issues` });
  });

  it('ships every file a relative link in README.md points to', () => {
    const relative = links('README.md').filter((l) => !/^[a-z]+:/.test(l));
    expect(relative.length).toBeGreaterThan(10);
    const missing = relative.filter((l) => !packed.has(normalize(l)));
    expect(missing).toEqual([]);
  });

  it('ships what the shipped docs link to', () => {
    const docs = [...packed].filter((f) => f.startsWith('docs/') && f.endsWith('.md'));
    expect(docs).toContain('docs/config.md');
    const missing = docs.flatMap((doc) =>
      links(doc)
        .filter((l) => !/^[a-z]+:/.test(l))
        .map((l) => normalize(join(dirname(doc), l)))
        .filter((target) => !packed.has(target))
        .map((target) => `${doc} → ${target}`),
    );
    expect(missing).toEqual([]);
    for (const yaml of ['examples/config/chat.yaml', 'examples/config/fairness.yaml', 'examples/config/typo.yaml'])
      expect(packed.has(yaml), yaml).toBe(true);
  });

  it('links into the repository only to paths that exist in it', () => {
    const intoRepo = links('README.md').filter((l) => l.startsWith(`${REPOSITORY}/`));
    expect(intoRepo.length).toBeGreaterThan(0);
    for (const link of intoRepo) {
      const path = /^https:\/\/github\.com\/safety-breaker\/safety-breaker\/(?:tree|blob)\/main\/(.+)$/.exec(link)?.[1];
      expect(path, link).toBeDefined();
      expect(existsSync(join(root, path!)), link).toBe(true);
    }
  });
});

/** `npm start -- FLAG`: a flag the demo does not have is an error naming it, never the 30-second demo instead. */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEMO_FLAGS, demoArgs } from '../../demo/args.js';

const run = promisify(execFile);

describe('the demo’s flags', () => {
  it('exits 2 on a typo’d flag, naming it and the valid ones, before anything runs', async () => {
    const failed = await run(process.execPath, ['--import', 'tsx', 'demo/main.ts', '--strem']).then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stdout).toBe('');
    expect(failed?.stderr).toMatch(
      /^safety-breaker demo: unknown flag "--strem"; the demo takes --stream, --help or nothing\n/,
    );
  });

  it('takes --stream and --help, each documented in docs/demo.md', async () => {
    expect([...demoArgs(['--stream'])]).toEqual(['--stream']);
    expect([...demoArgs(['-h'])]).toEqual(['--help']);
    expect([...demoArgs([])]).toEqual([]);
    expect(() => demoArgs(['--stream', 'now'])).toThrow('unknown argument "now"');
    const docs = readFileSync('docs/demo.md', 'utf8');
    for (const flag of Object.keys(DEMO_FLAGS)) expect(docs).toContain(`| \`${flag}\` |`);
    const help = await run(process.execPath, ['--import', 'tsx', 'demo/main.ts', '--help']);
    expect(help.stdout).toContain('--stream');
  });
});

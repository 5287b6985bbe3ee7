/**
 * Help: every command prints its own usage on --help (exit 0), the top-level help lists every
 * flag each command takes, and docs/cli.md opens with the same synopsis.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXIT, main } from '../../src/cli/main.js';
import { synopsis } from '../../src/cli/usage.js';
import { bin, io } from './bin.js';

const COMMANDS = ['validate', 'schema', 'replay', 'drill', 'postmortem'];

describe('safety-breaker help', () => {
  it('prints each command’s own usage on --help and -h, as the installed bin, exit 0', async () => {
    const runs = await Promise.all(COMMANDS.map((command) => bin([command, '--help'])));
    runs.forEach(({ code, stdout, stderr }, i) => {
      expect([COMMANDS[i], code, stderr]).toEqual([COMMANDS[i], EXIT.OK, '']);
      expect(stdout).toMatch(new RegExp(`^usage: safety-breaker ${COMMANDS[i]}\\b`));
      expect(stdout).toContain('-h, --help');
    });
    const short = io();
    expect(await main(['replay', '-h'], short)).toBe(EXIT.OK);
    expect(short.stdout).toContain('--max-line-bytes N');
    // `help COMMAND` says the same.
    const also = io();
    expect(await main(['help', 'drill'], also)).toBe(EXIT.OK);
    expect(also.stdout).toContain('--list');
  });

  it('lists every flag of every command at the top, each one the command accepts', async () => {
    const top = io();
    expect(await main(['--help'], top)).toBe(EXIT.OK);
    const docs = readFileSync('docs/cli.md', 'utf8');
    const documented = docs.slice(docs.indexOf('```\n') + 4, docs.indexOf('\n```', docs.indexOf('```\n')));
    // What docs/cli.md documents, the help lists, line for line.
    expect(documented.split('\n')).toEqual(synopsis());
    for (const line of documented.split('\n')) expect(top.stdout).toContain(`  ${line}\n`);
    expect(top.stdout).toContain('replay --config FILE TRAFFIC.jsonl');
    expect(top.stdout).toContain('[--progress]');
    expect(top.stdout).toContain('safety-breaker drill --list');
    // Every flag listed is one the command takes: with --help after it, nothing is left to fail but an unknown flag.
    for (const line of synopsis()) {
      const [, command, ...words] = line.split(' ');
      if (!COMMANDS.includes(command!)) continue;
      for (const [i, word] of words.entries()) {
        const flag = word.replace(/^\[|\]$/g, '');
        if (!flag.startsWith('--')) continue;
        const next = words[i + 1];
        const value = !word.endsWith(']') && next !== undefined && !/^\[|^--/.test(next) ? ['x'] : [];
        const out = io();
        expect([command, flag, await main([command!, flag, ...value, '--help'], out)]).toEqual([
          command,
          flag,
          EXIT.OK,
        ]);
      }
    }
  });

  it('shows the command’s usage after a usage error, on stderr, exit 2', async () => {
    const out = io();
    expect(await main(['replay', '--bogus'], out)).toBe(EXIT.USAGE);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/^safety-breaker: Unknown option '--bogus'/);
    expect(out.stderr).toContain('usage: safety-breaker replay --config FILE');
    expect(out.stderr).not.toContain('safety-breaker postmortem');
  });
});

/** createNotifyQueue() option checks: a bad option is named, never a crash later on a background lane. */
import { describe, expect, it } from 'vitest';
import { createNotifyQueue } from '../../src/incidents/notify/queue.js';
import { slack } from '../../src/incidents/notify/slack.js';

const a = slack({ url: 'https://a.test/hook', name: 'a' });

describe('createNotifyQueue options', () => {
  it('names the bad option', () => {
    expect(() => createNotifyQueue({ notifiers: [a], capacity: 0 })).toThrow(
      'createNotifyQueue(): option "capacity": must be an integer >= 1 (got 0)',
    );
    expect(() => createNotifyQueue({ notifiers: [a], retries: 1.5 })).toThrow('option "retries"');
    expect(() => createNotifyQueue({ notifiers: [a], timeoutMs: 0 })).toThrow('option "timeoutMs"');
    expect(() => createNotifyQueue({ notifiers: [{ name: 'x' }] as never })).toThrow(
      'option "notifiers.0": must be a notifier: { name, send(notice, signal) }',
    );
    expect(() => createNotifyQueue({ notifiers: [a], registry: {} as never })).toThrow(
      'option "registry": must be a prom-client Registry',
    );
    expect(() => createNotifyQueue({ notifiers: [a], typo: 1 } as never)).toThrow('unknown option "typo"');
  });

  it('notifier names must be unique metric labels', () => {
    expect(() => createNotifyQueue({ notifiers: [a, a] })).toThrow('option "notifiers.1.name": "a" is used twice');
    const spaced = { name: 'has space', send: async () => {} };
    expect(() => createNotifyQueue({ notifiers: [spaced] })).toThrow('option "notifiers.0.name": must be 1 to 100');
  });
});

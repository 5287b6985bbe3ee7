import { describe, expect, it } from 'vitest';
import { BreakerStateMachine, type Transition } from '../../src/breaker/state-machine.js';

const decision = { policy: 'test', reason: 'tripped by test', details: {} };

function machine(recovery = { afterMs: 1_000, backoff: 2, capMs: 5_000, probes: 3 }) {
  const transitions: Transition[] = [];
  const m = new BreakerStateMachine(recovery, (t) => transitions.push(t));
  return { m, transitions };
}

/** Opens the breaker and lets it reach half-open at `at`. */
function toHalfOpen(m: BreakerStateMachine, at: number): void {
  expect(m.state(at)).toBe('half-open');
}

describe('BreakerStateMachine', () => {
  it('starts closed and admits the primary', () => {
    const { m, transitions } = machine();
    expect(m.state(0)).toBe('closed');
    expect(m.admit(0)).toBe('primary');
    expect(transitions).toEqual([]);
  });

  it('trips to open, rejects until the recovery delay, then goes half-open without any timer', () => {
    const { m, transitions } = machine();
    expect(m.trip(decision, 100)).toBe(true);
    expect(m.state(100)).toBe('open');
    expect(m.admit(1_099)).toBe('rejected');
    expect(m.retryAfterMs(600)).toBe(500);
    toHalfOpen(m, 1_100);
    expect(transitions.map((t) => `${t.from}->${t.to}`)).toEqual(['closed->open', 'open->half-open']);
    expect(transitions[0]).toMatchObject({ at: 100, openForMs: 1_000, decision });
  });

  it('half-open with every probe slot taken hints a short retry, never 0 (Retry-After: 0 invites a stampede)', () => {
    const { m } = machine({ afterMs: 1_000, backoff: 2, capMs: 5_000, probes: 2 });
    m.trip(decision, 0);
    toHalfOpen(m, 1_000);
    expect(m.retryAfterMs(1_000)).toBe(0);
    expect(m.admit(1_000)).toBe('probe');
    expect(m.admit(1_000)).toBe('probe');
    expect(m.admit(1_000)).toBe('rejected');
    expect(m.retryAfterMs(1_000)).toBe(1_000);
  });

  it('a second trip while open is ignored', () => {
    const { m, transitions } = machine();
    m.trip(decision, 0);
    expect(m.trip(decision, 10)).toBe(false);
    expect(transitions).toHaveLength(1);
  });

  it('half-open admits exactly k probes; all k must pass to close', () => {
    const { m, transitions } = machine();
    m.trip(decision, 0);
    expect([m.admit(1_000), m.admit(1_000), m.admit(1_000), m.admit(1_000)]).toEqual([
      'probe',
      'probe',
      'probe',
      'rejected',
    ]);
    m.probeDone(true, 1_010);
    m.probeDone(true, 1_020);
    expect(m.state(1_020)).toBe('half-open');
    // A passed probe does not free a slot: still only 3 in total.
    expect(m.admit(1_020)).toBe('rejected');
    m.probeDone(true, 1_030);
    expect(m.state(1_030)).toBe('closed');
    expect(transitions.at(-1)).toMatchObject({ from: 'half-open', to: 'closed', at: 1_030 });
  });

  it('one failing probe reopens with the delay multiplied by the backoff, up to the cap', () => {
    const { m, transitions } = machine({ afterMs: 1_000, backoff: 2, capMs: 5_000, probes: 1 });
    m.trip(decision, 0);
    let now = 1_000;
    const openTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      expect(m.admit(now)).toBe('probe');
      m.probeDone(false, now);
      openTimes.push(transitions.at(-1)!.openForMs!);
      expect(m.state(now)).toBe('open');
      now += transitions.at(-1)!.openForMs!;
    }
    expect(openTimes).toEqual([2_000, 4_000, 5_000, 5_000, 5_000]);
  });

  it('an abandoned probe frees its slot without a verdict', () => {
    const { m } = machine({ afterMs: 1_000, backoff: 2, capMs: 5_000, probes: 1 });
    m.trip(decision, 0);
    expect(m.admit(1_000)).toBe('probe');
    expect(m.admit(1_000)).toBe('rejected');
    m.probeAbandoned();
    expect(m.state(1_000)).toBe('half-open');
    expect(m.admit(1_000)).toBe('probe');
  });

  it('backoff is forgotten after the breaker stays closed for capMs', () => {
    const { m, transitions } = machine({ afterMs: 1_000, backoff: 2, capMs: 5_000, probes: 1 });
    m.trip(decision, 0);
    m.admit(1_000);
    m.probeDone(true, 1_000);
    // Trips again soon after closing: backed off.
    m.trip(decision, 2_000);
    expect(transitions.at(-1)!.openForMs).toBe(2_000);
    m.admit(4_000);
    m.probeDone(true, 4_000);
    // Trips again after staying closed for capMs: back to afterMs.
    m.trip(decision, 9_000);
    expect(transitions.at(-1)!.openForMs).toBe(1_000);
  });

  it('forced-open stays open however long until reset, which forgets backoff', () => {
    const { m, transitions } = machine();
    m.forceOpen('drill', 0);
    expect(m.state(1e9)).toBe('forced-open');
    expect(m.admit(1e9)).toBe('rejected');
    expect(m.trip(decision, 1e9)).toBe(false);
    expect(m.retryAfterMs(1e9)).toBe(1_000);
    m.reset('done', 1e9);
    expect(m.state(1e9)).toBe('closed');
    expect(transitions.map((t) => t.to)).toEqual(['forced-open', 'closed']);
  });

  it('a probe result arriving after forceOpen is ignored', () => {
    const { m } = machine({ afterMs: 1_000, backoff: 2, capMs: 5_000, probes: 1 });
    m.trip(decision, 0);
    m.admit(1_000);
    m.forceOpen('kill', 1_001);
    m.probeDone(true, 1_002);
    expect(m.state(1_002)).toBe('forced-open');
  });

  it('disabled admits the primary and never trips', () => {
    const { m } = machine();
    m.disable('off', 0);
    expect(m.admit(0)).toBe('primary');
    expect(m.trip(decision, 0)).toBe(false);
    expect(m.state(0)).toBe('disabled');
  });
});

/** The state one guard's parts share: its name, clock, breaker, live settings and reporting. */
import type { BreakerStateMachine } from '../breaker/state-machine.js';
import type { Mode } from '../options.js';
import type { SharedBreaker } from '../store/types.js';
import type { Live } from './live.js';
import type { Observe } from './observe.js';

export interface Core {
  readonly name: string;
  /** `guard("name")`: the prefix of every error message about this guard's options or handle. */
  readonly where: string;
  readonly clock: () => number;
  readonly machine: BreakerStateMachine;
  readonly observe: Observe;
  /** Swapped whole by `reconfigure()`; a call reads it once, when it starts. */
  live: Live;
  mode: Mode;
  disposed: boolean;
  /** Set when the store is shared by replicas (`BreakerStore.share`). */
  shared?: SharedBreaker;
}

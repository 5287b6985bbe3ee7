/**
 * One breaker's link to Redis, for one replica. Nothing here is on a call's path: a call only
 * appends its outcome to a buffer (`counted`) or reads the lease this replica already holds
 * (`mayProbe`). A timer every `flushMs` sends the buffer as one stream entry and reads the other
 * replicas' entries in the same round trip; a state change is written and published at once.
 * When Redis fails or is slower than `timeoutMs`, the link is down: the breaker runs on its own
 * state, and the next round trip that succeeds reconciles (the newest state wins).
 */
import type { Observation } from '../../breaker/policies/types.js';
import type { BreakerSnapshot } from '../../call/snapshot.js';
import type { ReplicaSide, SharedBreaker, SharedState } from '../types.js';
import { replies, within, type Client } from './client.js';
import {
  decodeOutcomes,
  encodeOutcomes,
  outcomeFlags,
  parseState,
  SET_STATE,
  TAKE_LEASE,
  type BreakerKeys,
} from './protocol.js';

/** The settings and services a link shares with its store. */
export interface LinkContext {
  readonly timeoutMs: number;
  readonly flushMs: number;
  readonly syncMs: number;
  readonly snapshotMs: number;
  readonly leaseMs: number;
  readonly ttlMs: number;
  readonly maxPending: number;
  readonly maxStreamLength: number;
  /** The command client when it is ready, else undefined (nothing is queued for a client that is not). */
  ready(): Client | undefined;
  /** Listens to the breaker's channel (`onSubscribed` once Redis confirms); returns the way to stop. */
  subscribe(channel: string, onMessage: (message: string) => void, onSubscribed: () => void): () => void;
  /** Did the start-up load of this breaker fail (so the snapshot is restored when Redis answers)? Clears the mark. */
  takeFailedLoad(breaker: string): boolean;
  /** Reports an outage starting (with the reason) or ending. */
  health(breaker: string, replica: string, up: boolean, reason?: string): void;
  /** Reports `stats.connected` changing, the first connection included. */
  connected(breaker: string, up: boolean): void;
}

/** What one link has done: `stats()` of the store, per breaker. */
export interface LinkStats {
  /** Redis answered the last round trip within `timeoutMs`. */
  connected: boolean;
  /** Redis has confirmed the subscription to this breaker's state changes. */
  subscribed: boolean;
  /** Times the link went down (Redis unreachable, failing or slower than `timeoutMs`). */
  degradations: number;
  /** Redis commands sent. */
  commands: number;
  outcomesSent: number;
  outcomesReceived: number;
  /** Outcomes never sent: the buffer was full while Redis was down, or a batch's write failed. */
  outcomesDropped: number;
  statesPublished: number;
  statesTaken: number;
}

/** Stream entries read per round trip. */
const READ_COUNT = 1_000;

export class BreakerLink implements SharedBreaker {
  readonly stats: LinkStats = {
    connected: false,
    subscribed: false,
    degradations: 0,
    commands: 0,
    outcomesSent: 0,
    outcomesReceived: 0,
    outcomesDropped: 0,
    statesPublished: 0,
    statesTaken: 0,
  };
  private flags: number[] = [];
  private latencies: number[] = [];
  /** The state version the buffered outcomes were counted under. */
  private pendingVersion = 0;
  /** The last stream entry read; undefined until the first reconcile finds the stream's end. */
  private lastId: string | undefined;
  private busy = false;
  private reconcile = true;
  /** The start-up load failed: restore the stored snapshot at the next reconcile. */
  private lateRestore = false;
  private readonly startedAt = performance.now();
  private lastSync = -Infinity;
  private lastSnapshot = performance.now();
  private lease = { episode: NaN, held: false, until: 0, pending: false, retryAt: 0 };
  private lastProbeAt = -Infinity;
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private closed = false;
  /** Down since the last degradation was counted. */
  private outage = false;

  constructor(
    private readonly breaker: string,
    readonly replica: string,
    private readonly keys: BreakerKeys,
    private readonly side: ReplicaSide,
    private readonly ctx: LinkContext,
  ) {
    this.unsubscribe = ctx.subscribe(
      keys.channel,
      (message) => this.message(message),
      () => (this.stats.subscribed = true),
    );
    this.timer = setInterval(() => void this.tick(), ctx.flushMs);
    this.timer.unref();
  }

  counted(o: Observation): void {
    // Outcomes counted before a state change were forgotten with the windows: never send them on.
    const version = this.version();
    if (version !== this.pendingVersion) {
      this.flags = [];
      this.latencies = [];
      this.pendingVersion = version;
    }
    if (this.flags.length >= this.ctx.maxPending) {
      this.stats.outcomesDropped++;
      return;
    }
    this.flags.push(outcomeFlags(o));
    this.latencies.push(o.latencyMs);
  }

  changed(state: SharedState): void {
    const client = this.ctx.ready();
    if (!client) {
      this.down('not connected'); // the reconcile sends the state when Redis is back
      return;
    }
    this.send(() => {
      const p = client.pipeline();
      this.setState(p, { ...state, replica: this.replica });
      this.saveSnapshot(p);
      this.stats.commands += p.length;
      return within(p.exec(), this.ctx.timeoutMs).then((results) => {
        const [stored] = replies(results);
        if (stored === null) this.stats.statesPublished++;
        else this.take(stored); // a newer state was there first
      });
    });
  }

  /** Runs a request off the caller's path: whatever it throws or rejects with takes the link down, never the caller. */
  private send(request: () => Promise<unknown>): void {
    try {
      request().catch((error: unknown) => this.down(error));
    } catch (error) {
      this.down(error);
    }
  }

  mayProbe(): boolean {
    // Down: each replica probes on its own (k per replica) rather than none recovering.
    if (!this.stats.connected) return true;
    const episode = this.side.halfOpenEpisode();
    if (episode === undefined) return true;
    const now = performance.now();
    const lease = this.lease;
    if (lease.episode === episode && lease.held && now < lease.until) {
      this.lastProbeAt = now;
      return true;
    }
    if (lease.episode !== episode) this.lease = { episode, held: false, until: 0, pending: false, retryAt: 0 };
    if (!this.lease.pending && now >= this.lease.retryAt) this.takeLease(episode, now);
    return false;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.unsubscribe();
    this.stats.outcomesDropped += this.flags.length;
    this.flags = [];
    this.latencies = [];
  }

  /** Another replica published a state change. */
  private message(message: string): void {
    const state = parseState(message);
    if (!state || state.replica === this.replica) return;
    this.stats.statesTaken++;
    this.side.applyState(state);
  }

  private async tick(): Promise<void> {
    if (this.busy || this.closed) return;
    const client = this.ctx.ready();
    if (!client) {
      // A client still connecting at start-up is not a degradation yet.
      if (this.stats.connected || performance.now() - this.startedAt > this.ctx.timeoutMs) this.down('not connected');
      return;
    }
    // A start-up load that failed (Redis was not there yet) is made up for by the next reconcile.
    if (this.ctx.takeFailedLoad(this.breaker)) this.lateRestore = this.reconcile = true;
    this.busy = true;
    try {
      if (this.reconcile) await this.reconcileWith(client);
      await this.exchange(client);
      this.up();
    } catch (error) {
      this.down(error);
    } finally {
      this.busy = false;
    }
  }

  /** After start-up or an outage: the newest state wins on both sides; a snapshot that could not load at start-up is restored. */
  private async reconcileWith(client: Client): Promise<void> {
    const local = this.side.state();
    const late = this.lateRestore;
    const p = client.pipeline();
    if (local) this.setState(p, { ...local, replica: local.replica || this.replica });
    else p.call('GET', this.keys.state);
    const findEnd = this.lastId === undefined;
    if (findEnd) p.call('XREVRANGE', this.keys.outcomes, '+', '-', 'COUNT', 1);
    if (late) p.call('GET', this.keys.snapshot);
    this.stats.commands += p.length;
    const results = replies(await within(p.exec(), this.ctx.timeoutMs));
    const state = results.shift();
    if (findEnd) this.lastId = streamEnd(results.shift());
    if (late) {
      this.lateRestore = false;
      const snapshot = results.shift();
      if (typeof snapshot === 'string') {
        try {
          this.side.restoreLate(JSON.parse(snapshot) as BreakerSnapshot);
        } catch {
          // A snapshot that is not JSON is someone else's key: leave it.
        }
      }
    }
    this.take(state);
    this.reconcile = false;
  }

  /** One round trip: this replica's batch out, the others' batches in, and the periodic work. */
  private async exchange(client: Client): Promise<void> {
    const { ctx, keys } = this;
    const now = performance.now();
    const p = client.pipeline();
    const sent = this.flags.length;
    if (sent > 0) {
      const batch = encodeOutcomes(this.flags, this.latencies);
      this.flags = [];
      this.latencies = [];
      const v = String(this.pendingVersion);
      p.call('XADD', keys.outcomes, 'MAXLEN', '~', ctx.maxStreamLength, '*', 'r', this.replica, 'v', v, 'o', batch);
    }
    p.callBuffer('XREAD', 'COUNT', READ_COUNT, 'STREAMS', keys.outcomes, this.lastId ?? '$');
    const sync = now - this.lastSync >= ctx.syncMs;
    if (sync) {
      // Anti-entropy for a missed message; the stream's expiry moves on while anyone writes.
      p.call('GET', keys.state);
      p.call('PEXPIRE', keys.outcomes, ctx.ttlMs);
    }
    const lease = this.lease;
    const renew = lease.held && now - this.lastProbeAt < ctx.leaseMs && this.side.halfOpenEpisode() === lease.episode;
    if (renew) p.call('EVAL', TAKE_LEASE, 1, keys.lease(lease.episode), this.replica, ctx.leaseMs);
    const snapshot = now - this.lastSnapshot >= ctx.snapshotMs;
    if (snapshot) this.saveSnapshot(p);
    this.stats.commands += p.length;
    let results: unknown[];
    try {
      results = replies(await within(p.exec(), ctx.timeoutMs));
    } catch (error) {
      this.stats.outcomesDropped += sent;
      throw error;
    }
    if (sent > 0) {
      this.stats.outcomesSent += sent;
      results.shift();
    }
    this.read(results.shift());
    if (sync) {
      this.lastSync = now;
      this.take(results.shift());
      results.shift();
    }
    if (renew) {
      const held = results.shift() === 1;
      if (lease === this.lease) Object.assign(lease, { held, until: held ? now + ctx.leaseMs : 0 });
    }
    if (snapshot) this.lastSnapshot = now;
  }

  /** XREAD's reply: [[stream, [[id, [field, value, …]], …]]], or null. */
  private read(reply: unknown): void {
    if (!Array.isArray(reply)) return;
    for (const [, entries] of reply as [unknown, [Buffer, Buffer[]][]][]) {
      for (const [id, fields] of entries) {
        this.lastId = id.toString();
        let from: string | undefined;
        let version = NaN;
        let batch: Buffer | undefined;
        for (let i = 0; i + 1 < fields.length; i += 2) {
          const field = fields[i]!.toString();
          if (field === 'r') from = fields[i + 1]!.toString();
          else if (field === 'v') version = Number(fields[i + 1]!.toString());
          else if (field === 'o') batch = fields[i + 1];
        }
        // Counted before a state change this replica has seen (a trip, a reset): those windows are gone.
        if (from === this.replica || !batch || !(version >= this.version())) continue;
        const outcomes = decodeOutcomes(batch);
        this.stats.outcomesReceived += outcomes.length;
        this.side.applyOutcomes(outcomes);
      }
    }
  }

  private setState(p: ReturnType<Client['pipeline']>, state: SharedState): void {
    const { keys, ctx } = this;
    p.call('EVAL', SET_STATE, 1, keys.state, JSON.stringify(state), String(state.version), ctx.ttlMs, keys.channel);
  }

  private saveSnapshot(p: ReturnType<Client['pipeline']>): void {
    p.call('SET', this.keys.snapshot, JSON.stringify(this.side.snapshot()), 'PX', this.ctx.ttlMs);
  }

  /** The version of the state this replica is in (0 before any change). */
  private version(): number {
    return this.side.state()?.version ?? 0;
  }

  /** A stored state (a reply of GET or of SET_STATE): taken when newer than this replica's. */
  private take(reply: unknown): void {
    const state = parseState(reply);
    if (state && state.replica !== this.replica) this.side.applyState(state);
  }

  private takeLease(episode: number, now: number): void {
    const client = this.ctx.ready();
    if (!client) return;
    const lease = this.lease;
    lease.pending = true;
    this.stats.commands++;
    const { keys, ctx } = this;
    this.send(() =>
      within(client.call('EVAL', TAKE_LEASE, 1, keys.lease(episode), this.replica, ctx.leaseMs), ctx.timeoutMs)
        .then((reply) => {
          lease.held = reply === 1;
          lease.until = lease.held ? now + ctx.leaseMs : 0;
          // Held elsewhere: ask again later, in case its holder goes quiet and the lease lapses.
          lease.retryAt = performance.now() + Math.min(ctx.leaseMs / 10, 250);
        })
        .finally(() => (lease.pending = false)),
    );
  }

  private down(reason: unknown): void {
    this.reconcile = true;
    this.setConnected(false);
    if (this.closed || this.outage) return;
    // Counted and logged once per outage (and once for a Redis unreachable from the start).
    this.outage = true;
    this.stats.degradations++;
    this.ctx.health(this.breaker, this.replica, false, reason instanceof Error ? reason.message : String(reason));
  }

  private up(): void {
    this.setConnected(true);
    if (!this.outage) return;
    this.outage = false;
    this.ctx.health(this.breaker, this.replica, true);
  }

  private setConnected(up: boolean): void {
    if (this.stats.connected === up) return;
    this.stats.connected = up;
    // A closed link reports nothing, as with health(): a live link of the same name may be connected.
    if (!this.closed) this.ctx.connected(this.breaker, up);
  }
}

/** The id of the newest entry in an XREVRANGE reply, or the start of an empty stream. */
function streamEnd(reply: unknown): string {
  const first = Array.isArray(reply) ? (reply[0] as unknown[] | undefined) : undefined;
  return first && first[0] !== undefined ? String(first[0]) : '0-0';
}

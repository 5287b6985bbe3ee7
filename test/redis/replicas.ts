/** Drives replica processes (replica-process.ts) from a test: spawn, send commands, wait for what they print. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./replica-process.ts', import.meta.url));

export interface ReplicaMessage {
  readonly ev: 'ready' | 'transition' | 'reply';
  readonly op?: string;
  readonly from?: string;
  readonly to?: string;
  readonly seenAt?: number;
  readonly state?: string;
  readonly counts?: { calls: number; failed: number; probes: number; primary: number; fallback: number };
  readonly store?: { connected: boolean; degradations: number };
}

export interface ReplicaProcess {
  readonly messages: ReplicaMessage[];
  send(command: object): Promise<ReplicaMessage>;
  /** Resolves with the first message (from now on, or already seen after `since`) that passes `test`. */
  next(test: (m: ReplicaMessage) => boolean, ms?: number, since?: number): Promise<ReplicaMessage>;
  exit(): Promise<void>;
}

export async function spawnReplica(
  url: string,
  name: string,
  recovery: { probes: number; afterMs: number },
): Promise<ReplicaProcess> {
  const args = [SCRIPT, url, name, String(recovery.probes), String(recovery.afterMs)];
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const messages: ReplicaMessage[] = [];
  const waiters = new Set<{ test: (m: ReplicaMessage) => boolean; resolve: (m: ReplicaMessage) => void }>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const m = JSON.parse(line) as ReplicaMessage;
    messages.push(m);
    for (const w of waiters)
      if (w.test(m)) {
        waiters.delete(w);
        w.resolve(m);
      }
  });
  const next: ReplicaProcess['next'] = (test, ms = 10_000, since) => {
    if (since !== undefined) {
      const seen = messages.slice(since).find(test);
      if (seen) return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const waiter = { test, resolve };
      waiters.add(waiter);
      setTimeout(() => {
        if (waiters.delete(waiter)) reject(new Error(`replica ${child.pid}: no such message within ${ms} ms`));
      }, ms).unref();
    });
  };
  const replica: ReplicaProcess = {
    messages,
    send(command) {
      const op = (command as { op: string }).op;
      const reply = next((m) => m.ev === 'reply' && m.op === op, 30_000);
      child.stdin!.write(`${JSON.stringify(command)}\n`);
      return reply;
    },
    next,
    async exit() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.stdin!.write(`${JSON.stringify({ op: 'exit' })}\n`);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
  await next((m) => m.ev === 'ready', 30_000);
  return replica;
}

const opened = (m: ReplicaMessage): boolean => m.ev === 'transition' && m.to === 'open';
const closed = (m: ReplicaMessage): boolean => m.ev === 'transition' && m.to === 'closed';

/**
 * Trips the breaker `trips` times, on each replica in turn (5 flagged calls), and measures when each
 * other replica sees it open, from the tripper's own transition (all on one machine's clock); resets
 * and waits for every replica to close again between trips. Replicas need `probes` 1 and a long `afterMs`.
 */
export async function tripDelays(all: readonly ReplicaProcess[], trips: number): Promise<number[]> {
  const delays: number[] = [];
  for (let trip = 0; trip < trips; trip++) {
    const tripper = all[trip % all.length]!;
    const marks = all.map((r) => r.messages.length);
    await tripper.send({ op: 'calls', n: 5, text: 'MEH' });
    const own = await tripper.next(opened, 5_000, marks[all.indexOf(tripper)]);
    for (const [i, other] of all.entries()) {
      if (other === tripper) continue;
      const seen = await other.next(opened, 5_000, marks[i]);
      delays.push(seen.seenAt! - own.seenAt!);
    }
    const before = all.map((r) => r.messages.length);
    await tripper.send({ op: 'reset', text: 'fine answer' });
    await Promise.all(all.map((r, i) => (r === tripper ? undefined : r.next(closed, 5_000, before[i]))));
  }
  return delays;
}

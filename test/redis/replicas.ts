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

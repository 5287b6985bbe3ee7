/**
 * Real redis-server processes on free loopback ports for the shared-store tests, and a TCP proxy
 * in front of one that can delay or drop traffic. Tests start their own and stop them.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../ports.js';
import { findOnPath } from '../tools.js';

/** Resolves once something accepts connections on `port` (or rejects after `ms`). */
async function listening(port: number, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`nothing listens on port ${port} after ${ms} ms`);
    await sleep(20);
  }
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Kills the server at once (SIGKILL): what a crash looks like to clients. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty (no persistence). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A redis-server without persistence on a free port (tests check for the binary with `needsTool` first). */
export async function startRedis(): Promise<RedisServer> {
  if (!findOnPath('redis-server')) throw new Error('redis-server is not on the PATH');
  const port = await freePort();
  let child: ChildProcess | undefined;
  const exited = (c: ChildProcess): Promise<void> =>
    c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', () => r()));
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
      child = spawn('redis-server', args, { stdio: 'ignore' });
      child.on('error', () => {}); // a failed start shows as nothing listening
      await listening(port);
    },
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
  };
  async function end(signal: NodeJS.Signals): Promise<void> {
    if (!child) return;
    const c = child;
    child = undefined;
    c.kill(signal);
    await exited(c);
  }
  await server.start();
  return server;
}

export interface Proxy {
  readonly port: number;
  readonly url: string;
  /** Delay added to every chunk in both directions, ms (0: none): a slow network or a stalled Redis. */
  delayMs: number;
  /** Drops every connection and, until `heal()`, every new one at once: a partition as clients see it. */
  partition(): void;
  heal(): void;
  close(): Promise<void>;
}

/** A TCP proxy on loopback in front of `targetPort` that can delay or drop traffic. */
export async function startProxy(targetPort: number): Promise<Proxy> {
  const sockets = new Set<Socket>();
  let refusing = false;
  const proxy: Proxy & { server?: Server } = {
    port: 0,
    url: '',
    delayMs: 0,
    partition() {
      refusing = true;
      for (const s of sockets) s.destroy();
    },
    heal() {
      refusing = false;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const pipe = (from: Socket, to: Socket): void => {
    // Never before an earlier chunk, even when the delay shrinks: a TCP stream keeps its order.
    let last = 0;
    from.on('data', (chunk) => {
      const at = Math.max(performance.now() + proxy.delayMs, last);
      last = at;
      if (at <= performance.now()) to.write(chunk);
      else setTimeout(() => to.destroyed || to.write(chunk), at - performance.now());
    });
  };
  const server = createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    pipe(client, upstream);
    pipe(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return Object.assign(proxy, { port, url: `redis://127.0.0.1:${port}` });
}

export interface RedisCluster {
  /** Where a client starts: every node. */
  readonly nodes: readonly { host: string; port: number }[];
  stop(): Promise<void>;
}

/** Three redis-server masters in cluster mode on free ports, joined by `redis-cli --cluster create`. */
export async function startRedisCluster(): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-redis-cluster-'));
  const ports = [await freePort(), await freePort(), await freePort()];
  const children = ports.map((port) =>
    spawn(
      'redis-server',
      [
        ...['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        ...['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`],
      ],
      { cwd: dir, stdio: 'ignore' },
    ).on('error', () => {}),
  );
  const stop = async (): Promise<void> => {
    await Promise.all(
      children.map((c) =>
        c.exitCode !== null ? undefined : new Promise((r) => (c.once('exit', r), c.kill('SIGTERM'))),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all(ports.map((p) => listening(p)));
    const run = promisify(execFile);
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((p) => `127.0.0.1:${p}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    for (let tries = 0; ; tries++) {
      const states = await Promise.all(
        ports.map((p) => run('redis-cli', ['-p', String(p), 'cluster', 'info']).then((r) => r.stdout)),
      );
      if (states.every((s) => s.includes('cluster_state:ok'))) break;
      if (tries > 100) throw new Error('the cluster did not reach cluster_state:ok');
      await sleep(50);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes: ports.map((port) => ({ host: '127.0.0.1', port })), stop };
}

export interface RedisSentinel {
  /** Where a client asks for the master: the one sentinel. */
  readonly sentinels: readonly { host: string; port: number }[];
  /** The name the sentinel monitors the master by. */
  readonly name: string;
  stop(): Promise<void>;
}

/** A sentinel (`redis-server --sentinel`) on a free port monitoring `master` as "mymaster". */
export async function startSentinel(master: RedisServer): Promise<RedisSentinel> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-redis-sentinel-'));
  const port = await freePort();
  const config = join(dir, 'sentinel.conf'); // the sentinel rewrites its own config: a file of its own
  writeFileSync(
    config,
    [`port ${port}`, 'bind 127.0.0.1', `sentinel monitor mymaster 127.0.0.1 ${master.port} 1`, ''].join('\n'),
  );
  const child = spawn('redis-server', [config, '--sentinel'], { cwd: dir, stdio: 'ignore' }).on('error', () => {});
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) await new Promise((r) => (child.once('exit', r), child.kill('SIGTERM')));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await listening(port);
  } catch (error) {
    await stop();
    throw error;
  }
  return { sentinels: [{ host: '127.0.0.1', port }], name: 'mymaster', stop };
}

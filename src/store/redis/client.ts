/**
 * The part of an ioredis client (`Redis` or `Cluster`) the store uses, and the bound on every
 * wait for it: the store never waits longer than `timeoutMs` for Redis, whatever the client's own
 * retry and queue settings are.
 */

/** An ioredis `Redis` or `Cluster`, as the store uses it. */
export interface Client {
  readonly status: string;
  readonly isCluster?: boolean;
  pipeline(): Pipeline;
  call(command: string, ...args: (string | number | Buffer)[]): Promise<unknown>;
  subscribe(...channels: string[]): Promise<unknown>;
  unsubscribe(...channels: string[]): Promise<unknown>;
  on(event: string, listener: (...args: never[]) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
  connect(): Promise<unknown>;
  quit(): Promise<unknown>;
  disconnect(): void;
}

export interface Pipeline {
  call(command: string, ...args: (string | number | Buffer)[]): Pipeline;
  callBuffer(command: string, ...args: (string | number | Buffer)[]): Pipeline;
  readonly length: number;
  exec(): Promise<[Error | null, unknown][] | null>;
}

export class RedisTimeoutError extends Error {
  constructor(ms: number) {
    super(`Redis did not answer within ${ms} ms`);
    this.name = 'RedisTimeoutError';
  }
}

/** `promise`, or a `RedisTimeoutError` after `ms`. */
export function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisTimeoutError(ms)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The client once it is ready, waiting at most `ms`; undefined if it is not ready by then. */
export function whenReady(client: Client, ms: number): Promise<Client | undefined> {
  if (client.status === 'ready') return Promise.resolve(client);
  if (client.status === 'end' || client.status === 'close') return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const ready = (): void => done(client);
    const timer = setTimeout(() => done(undefined), ms);
    timer.unref();
    function done(result: Client | undefined): void {
      clearTimeout(timer);
      client.off('ready', ready);
      resolve(result);
    }
    client.on('ready', ready);
  });
}

/** A pipeline's replies, with the first error thrown (ioredis puts each command's error beside its reply). */
export function replies(results: [Error | null, unknown][] | null): unknown[] {
  if (!results) throw new Error('Redis pipeline was discarded');
  return results.map(([error, reply]) => {
    if (error) throw error;
    return reply;
  });
}

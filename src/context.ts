import { AsyncLocalStorage } from 'node:async_hooks';
import type { CallContext } from './detectors/types.js';

/**
 * Request context shared between the HTTP integrations and guarded calls. The integrations run
 * each request inside {@link runWithContext}; a guarded call anywhere in the handler reads it.
 *
 * One store per process, kept under a global symbol and created on first use: the CommonJS
 * build bundles each subpath entry (`safety-breaker/express`, …) with its own copy of this
 * module, and an app may load two copies of the package; all of them must share the store.
 */
const STORE_KEY = Symbol.for('safety-breaker.request-context');
let requestContext: AsyncLocalStorage<CallContext> | undefined;

function store(): AsyncLocalStorage<CallContext> {
  if (requestContext) return requestContext;
  const g = globalThis as { [STORE_KEY]?: AsyncLocalStorage<CallContext> };
  return (requestContext = g[STORE_KEY] ??= new AsyncLocalStorage<CallContext>());
}

/** Runs `fn` with `context` visible to every guarded call it makes (merged over any outer context). */
export function runWithContext<T>(context: CallContext, fn: () => T): T {
  const s = store();
  const outer = s.getStore();
  return s.run(outer ? { ...outer, ...context } : context, fn);
}

/** The request context of the current async scope, if any. */
export function currentContext(): CallContext | undefined {
  return store().getStore();
}

/**
 * The abort signal of the route call in progress: aborted on the guard's timeout or when the
 * caller's signal aborts. Pass it to your model client so an abandoned call stops:
 *
 * ```ts
 * const chat = guard((req) => openai.chat.completions.create(req, { signal: callSignal() }), { name: 'chat' });
 * ```
 *
 * Call it synchronously in the guarded function, before its first `await` (as above): the guard
 * hands the signal over in a synchronous slot rather than through AsyncLocalStorage, which on
 * Node 20 would slow down every promise in the process. Called anywhere else (after an `await`,
 * outside a guarded call) it throws a `TypeError`: a signal that never aborts would hide the bug.
 * {@link withSignal} hands the signal to the function as an argument instead.
 */
export function callSignal(): AbortSignal {
  const scope = slot.current;
  if (!scope) {
    throw new TypeError(
      'callSignal() was called outside the synchronous part of a guarded model function (after its first await, or outside any guarded call), where there is no call to abort. Call it before the first await, or wrap the function in withSignal(({ signal }, ...args) => …).',
    );
  }
  return scope.signal();
}

/**
 * The context of the guarded call in progress, as the guard merged it: the request context, the
 * guard's `context(...args)` and `with({ context })`. Like `callSignal()`, it is there in the
 * synchronous part of the model function (before its first `await`); elsewhere it is undefined.
 * The traffic recorder reads it to record a call's groups.
 */
export function callContext(): CallContext | undefined {
  return slot.current?.context;
}

/** What {@link withSignal} hands to the model function with each route attempt. */
export interface ModelCallContext {
  /** Aborted on the guard's timeout or when the caller's signal aborts. */
  readonly signal: AbortSignal;
}

/**
 * Hands the abort signal of each route attempt to the model function as its first argument, as
 * cockatiel's `execute(({ signal }) => …)` does; the guarded function keeps the other parameters:
 *
 * ```ts
 * const chat = guard(
 *   withSignal(({ signal }, req: ChatRequest) => openai.chat.completions.create(req, { signal })),
 *   { name: 'chat', fallbacks: [withSignal(({ signal }, req: ChatRequest) => backup.chat.completions.create(req, { signal }))] },
 * );
 * await chat({ model, messages }); // (req: ChatRequest) => Promise<ChatCompletion>
 * ```
 *
 * Called outside a guard, the function gets a signal that never aborts.
 */
export function withSignal<Args extends unknown[], Output>(
  fn: (call: ModelCallContext, ...args: Args) => Output,
): (...args: Args) => Output {
  if (typeof fn !== 'function') throw new TypeError(`withSignal(): expected a function (got ${typeof fn})`);
  return (...args) => fn({ signal: slot.current?.signal() ?? new AbortController().signal }, ...args);
}

/** Per route attempt; the AbortController is created only if the model function asks for it. */
export class RouteScope {
  private controller: AbortController | undefined;
  private abortedWith: { reason: unknown } | undefined;

  /** `context`: the call's context as the guard merged it (request, `options.context(args)`, `with({ context })`). */
  constructor(readonly context: CallContext | undefined) {}

  signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortedWith) this.controller.abort(this.abortedWith.reason);
    }
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    if (this.abortedWith) return;
    this.abortedWith = { reason };
    this.controller?.abort(reason);
  }
}

// On globalThis, like the request context store: the CommonJS build bundles this module into each
// subpath entry, and every copy must read the same slot.
const SLOT_KEY = Symbol.for('safety-breaker.route-scope');
const slot: { current: RouteScope | undefined } = ((globalThis as { [SLOT_KEY]?: { current: RouteScope | undefined } })[
  SLOT_KEY
] ??= { current: undefined });

/** Calls `fn(args)` with `scope` as the synchronous scope `callSignal()` reads. */
export function callInScope<Args extends unknown[], T>(scope: RouteScope, fn: (args: Args) => T, args: Args): T {
  const outer = slot.current;
  slot.current = scope;
  try {
    return fn(args);
  } finally {
    slot.current = outer;
  }
}

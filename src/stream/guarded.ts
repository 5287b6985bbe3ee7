/**
 * A streamed answer through the guard (docs/streaming.md): each chunk's text goes once to the
 * incremental detectors, chunks are held back until the text after them covers the hold-back,
 * and a block cuts the stream before a held chunk is shown: the model is stopped, then a fallback
 * continues or a closing chunk with the safe message ends it. The answer is counted once, when it
 * ends, is cut or the client stops reading.
 */
import type { Admission } from '../breaker/state-machine.js';
import type {
  CallContext,
  Detector,
  DetectorInput,
  DetectorStream,
  HotPathDetector,
  Signal,
  StreamStart,
} from '../detectors/types.js';
import { isHotPathDetector } from '../detectors/types.js';
import type { RouteScope } from '../context.js';
import { isTimeoutError, TimeoutError } from '../errors.js';
import { invokeRoute, type InvokeOptions } from '../routing/invoke.js';
import type { Core } from '../call/core.js';
import type { Judgement } from '../call/judge.js';
import type { Live } from '../call/live.js';
import type { Recorder } from '../call/record.js';
import type { Counts } from '../call/sinks.js';
import { chunkReader, endChunks, kindOf, unreadable, type ChunkKind, type ChunkText } from './chunks.js';
import { isStreamOutput, openStream, type Source } from './source.js';
import type { ParsedStreamOptions } from './options.js';

/** What a guarded stream needs from the call that returned it. */
export interface StreamCall {
  readonly core: Core;
  readonly live: Live;
  readonly counts: Counts;
  readonly recorder: Recorder;
  readonly args: unknown[];
  readonly context: CallContext;
  /** The primary's admission (undefined when a fallback returned the stream). */
  readonly admission: Admission | undefined;
  readonly shadow: boolean;
  readonly invoke: InvokeOptions;
  /** The route that returned the stream. */
  readonly route: number;
  /** The call's start on the guard's clock. */
  readonly started: number;
  /** The attempt whose signal `callSignal()` gave the model function. */
  readonly scope: { scope?: RouteScope };
}

/** `holdBack: 'sentence'` never holds more than this many characters. */
const SENTENCE_MAX = 1000;

interface Held {
  readonly chunk: unknown;
  /** Offset in this route's text after the chunk. */
  readonly end: number;
  /** The chunk's text, kept only when a fallback may need what was sent. */
  readonly text: string | undefined;
  /** The chunk carries tool-call arguments. */
  readonly tool: boolean;
}

interface Channel {
  readonly streams: { readonly name: string; s: DetectorStream | undefined }[];
}

const hasStream = (d: Detector): d is HotPathDetector & Required<Pick<HotPathDetector, 'stream'>> =>
  isHotPathDetector(d) && typeof d.stream === 'function';

/** Wraps a stream output of route `call.route`; returns it in its own type. */
export function guardStream(output: object, call: StreamCall, o: ParsedStreamOptions): unknown {
  const { source, rewrap } = openStream(output);
  return rewrap(guarded(call, o, source));
}

/** The guarded chunks of one call, across the routes that continue it (state in locals: a lean bundle). */
function guarded(call: StreamCall, o: ParsedStreamOptions, first: Source): AsyncIterableIterator<unknown> {
  let route = call.route;
  let admission = call.admission;
  let source = first;
  let scope = call.scope.scope;
  /** Chunks the client may take now. */
  const ready: unknown[] = [];
  let readyAt = 0;
  let held: Held[] = [];
  let heldAt = 0;
  let total = 0;
  let sentenceEnd = 0;
  let kind: ChunkKind | undefined;
  let read: ((chunk: unknown) => ChunkText) | undefined;
  let last: unknown;
  let firstAt: number | undefined;
  let content: Channel;
  let tools: Channel | undefined;
  let deferred: HotPathDetector[];
  /** The whole text, kept only for detectors that read it at the end (no `stream()`, or async). */
  let full: string[] | undefined;
  /** What the client was given, kept only while a fallback may continue it. */
  let sent: string[] | undefined;
  let done = false;
  /** Part of a tool call reached the client: a fallback's own tool call would be read as its continuation. */
  let toolShown = false;
  let reading: Promise<void> | undefined;

  const onAbort = (): void => void ret();

  async function next(): Promise<IteratorResult<unknown>> {
    while (readyAt === ready.length) {
      if (done) {
        call.invoke.signal?.removeEventListener('abort', onAbort);
        return { value: undefined, done: true };
      }
      if (reading) {
        // Another next() is reading from the model: chunks go out in order, one read at a time.
        await reading.catch(() => undefined);
        continue;
      }
      reading = step();
      try {
        await reading;
      } finally {
        reading = undefined;
      }
    }
    const value = ready[readyAt++];
    if (readyAt === ready.length) ready.length = readyAt = 0;
    return { value, done: false };
  }

  /** The client stopped reading: the model is stopped, the answer so far counted (not the model's fault). */
  async function ret(): Promise<IteratorResult<unknown>> {
    if (!done) {
      done = true;
      stop('the client stopped reading');
      finish(judge(), false);
      served('route');
    }
    ready.length = readyAt = 0;
    call.invoke.signal?.removeEventListener('abort', onAbort);
    return { value: undefined, done: true };
  }

  async function thr(error: unknown): Promise<IteratorResult<unknown>> {
    await ret();
    throw error;
  }

  /** A new route's stream starts: fresh detectors, nothing held. */
  function begin(): void {
    const { live, core } = call;
    const start: StreamStart = { route: routeName(), breaker: core.name, context: call.context };
    deferred = [];
    const streams: Channel['streams'] = [];
    for (const d of live.detectors) {
      if (!isHotPathDetector(d)) continue;
      if (hasStream(d)) streams.push(open(d, start));
      else deferred.push(d);
    }
    content = { streams };
    tools = undefined;
    full = deferred.length > 0 || live.asyncQueue ? [] : undefined;
    const more = o.onCut === 'fallback' && route + 1 < live.routes.length;
    sent = more ? (sent ?? []) : undefined;
    held = [];
    heldAt = total = sentenceEnd = 0;
    read = undefined;
    firstAt = undefined;
  }

  function routeName(): string {
    return call.live.routes[route]!.name;
  }

  /** Reads one chunk from the model and decides what the client may see. */
  async function step(): Promise<void> {
    let r: IteratorResult<unknown>;
    try {
      r = await nextChunk();
    } catch (error) {
      if (!done) await failed(error);
      return;
    }
    if (done) return;
    if (r.done) return ended();
    const chunk = r.value;
    firstAt ??= call.core.clock();
    last = chunk;
    let t: ChunkText;
    try {
      if (!read) {
        kind = o.text ? 'custom' : kindOf(chunk);
        if (kind === undefined) throw unreadable(chunk);
        read = chunkReader(kind, o.text);
      }
      t = read(chunk);
    } catch (error) {
      // Never a silent pass: the stream stops, and the client gets the error that says why.
      done = true;
      stop(error);
      throw error;
    }
    const blocks = push(t);
    if (blocks && !shadowed()) return cut(blocks);
    total += t.text.length + t.tool.length;
    if (o.holdBack === 'sentence') {
      const i = lastSentenceEnd(t.text);
      if (i >= 0) sentenceEnd = total - t.text.length - t.tool.length + i + 1;
    }
    held.push({ chunk, end: total, text: sent ? t.text : undefined, tool: t.tool !== '' });
    release(false);
  }

  /** The model's next chunk, within `timeoutMs` (the guard's one deadline timer: no timer per chunk). */
  function nextChunk(): Promise<IteratorResult<unknown>> {
    const next = source.next();
    const { deadlines, timeoutMs } = call.invoke;
    if (!deadlines) return next;
    return new Promise((resolve, reject) => {
      const name = routeName();
      const d = deadlines.add(() => reject(new TimeoutError(call.core.name, name, timeoutMs)));
      next.then(
        (r) => {
          deadlines.delete(d);
          resolve(r);
        },
        (error: unknown) => {
          deadlines.delete(d);
          reject(error);
        },
      );
    });
  }

  /** Each channel's detectors read the chunk's text; the signals that block, if any. */
  function push(t: ChunkText): Signal[] | undefined {
    let blocks: Signal[] | undefined;
    if (t.text) {
      full?.push(t.text);
      blocks = pushTo(content, t.text, blocks);
    }
    if (t.tool) {
      tools ??= openTools();
      blocks = pushTo(tools, t.tool, blocks);
    }
    return blocks;
  }

  function pushTo(channel: Channel, text: string, blocks: Signal[] | undefined): Signal[] | undefined {
    for (const d of channel.streams) {
      const s = d.s;
      if (!s) continue;
      const signal = safely(d, () => s.push(text));
      if (signal?.blocked) (blocks ??= []).push(signal);
    }
    return blocks;
  }

  function openTools(): Channel {
    const start: StreamStart = { route: routeName(), breaker: call.core.name, context: call.context };
    const streams: Channel['streams'] = [];
    for (const d of call.live.detectors) if (hasStream(d)) streams.push(open(d, start));
    return { streams };
  }

  /** Starts a detector's stream; one that throws is reported and left out of this answer. */
  function open(
    d: HotPathDetector & Required<Pick<HotPathDetector, 'stream'>>,
    start: StreamStart,
  ): Channel['streams'][number] {
    try {
      return { name: d.name, s: d.stream(start) };
    } catch (error) {
      reportError(d.name, error);
      return { name: d.name, s: undefined };
    }
  }

  /** Runs a detector's step; a throw is reported, drops the detector, and blocks or passes as `onDetectorError` says. */
  function safely(
    d: { readonly name: string; s?: DetectorStream | undefined },
    run: () => Signal | undefined,
  ): Signal | undefined {
    try {
      return run();
    } catch (error) {
      reportError(d.name, error);
      d.s = undefined;
      const block = call.live.o.onDetectorError === 'block';
      return { detector: d.name, score: block ? 1 : 0, flagged: block, blocked: block, reason: 'detector error' };
    }
  }

  function reportError(detector: string, error: unknown): void {
    call.core.observe.emit('detector-error', { detector, route: routeName(), error, stage: 'hot-path' });
  }

  /** Hands over the chunks whose text is followed by at least the hold-back (everything, at the end). */
  function release(all: boolean): void {
    const h = o.holdBack;
    const frontier = all ? Infinity : h === 'sentence' ? Math.max(sentenceEnd, total - SENTENCE_MAX) : total - h;
    while (heldAt < held.length && held[heldAt]!.end <= frontier) {
      const item = held[heldAt++]!;
      if (sent && item.text) sent.push(item.text);
      if (item.tool) toolShown = true;
      ready.push(item.chunk);
    }
    if (heldAt === held.length) held.length = heldAt = 0;
    else if (heldAt > 64) {
      held.splice(0, heldAt);
      heldAt = 0;
    }
  }

  /** The model finished: the last verdict, then everything held goes out, or the stream is cut. */
  async function ended(): Promise<void> {
    const j = judge();
    if (j.blockedBy.length > 0 && !shadowed()) return cut(undefined, j);
    release(true);
    done = true;
    finish(j, false);
    served('route');
  }

  /** Stops the model: the iterator or request, and the attempt's signal (`callSignal()`). */
  function stop(reason: unknown): void {
    const why = reason instanceof Error ? reason : new Error(String(reason));
    scope?.abort(why);
    source.cancel(why);
  }

  /** The text so far blocked: nothing held is shown; a fallback continues, or the stream ends with the safe message. */
  async function cut(blocks: Signal[] | undefined, judged?: Judgement): Promise<void> {
    stop('safety-breaker cut the stream: its text was blocked');
    const j = judged ?? judge(blocks);
    held.length = heldAt = 0;
    finish(j, true);
    await continueOrEnd();
  }

  /** The model's stream failed part-way: counted like a failed call, then a fallback continues or the error reaches the client. */
  async function failed(error: unknown): Promise<void> {
    const { core, counts, recorder, context } = call;
    const now = core.clock();
    const latencyMs = now - call.started;
    stop(error);
    core.observe.emit('failed', {
      route: routeName(),
      outcome: isTimeoutError(error) ? 'timeout' : 'error',
      latencyMs,
      error,
      probe: admission === 'probe',
      context,
    });
    if (admission) {
      counts.failed++;
      recorder.failed(admission, latencyMs, now, context);
    }
    held.length = heldAt = 0;
    if (continues() && (await nextRoute())) return;
    done = true;
    served('exhausted');
    throw error;
  }

  async function continueOrEnd(): Promise<void> {
    if (continues() && (await nextRoute())) return;
    served('safe-reply');
    for (const c of o.chunk ? [o.chunk(o.message)] : endChunks(kind ?? 'custom', o.message, last)) ready.push(c);
    done = true;
  }

  /** A fallback may continue: `onCut: 'fallback'`, and no tool call was left half-shown (it is closed as incomplete instead). */
  function continues(): boolean {
    return o.onCut === 'fallback' && !toolShown;
  }

  /** Calls the next routes in turn with the continuation request until one returns a stream. */
  async function nextRoute(): Promise<boolean> {
    const { live, core, invoke, context } = call;
    const shown = sent ? sent.join('') : '';
    const args = o.continueWith ? o.continueWith(call.args, shown) : assistantPrefix(call.args, shown);
    for (let i = route + 1; i < live.routes.length; i++) {
      const fallback = live.routes[i]!;
      const holder: { scope?: RouteScope } = {};
      const started = core.clock();
      let output: unknown;
      try {
        output = await invokeRoute(fallback, args as unknown[], invoke, undefined, context, holder);
        if (!isStreamOutput(output))
          throw new TypeError(`fallback "${fallback.name}" returned a whole answer where a stream was being continued`);
      } catch (error) {
        if (invoke.signal?.aborted) throw error;
        const latencyMs = core.clock() - started;
        core.observe.emit('failed', {
          route: fallback.name,
          outcome: 'error',
          latencyMs,
          error,
          probe: false,
          context,
        });
        continue;
      }
      source = openStream(output as object).source;
      scope = holder.scope;
      route = i;
      admission = undefined;
      begin();
      return true;
    }
    return false;
  }

  function shadowed(): boolean {
    return call.shadow && route === 0;
  }

  /** The verdict on this route's text so far: each incremental detector's end, then the others on the whole text. */
  function judge(blocks?: Signal[]): Judgement {
    const { core, context } = call;
    const now = core.clock();
    const input: DetectorInput = {
      text: full ? full.join('') : '',
      output: undefined,
      latencyMs: now - call.started,
      firstTokenMs: firstAt === undefined ? undefined : firstAt - call.started,
      route: routeName(),
      breaker: core.name,
      context,
    };
    const signals: Signal[] = [];
    const ends = (channel: Channel | undefined): void => {
      if (channel)
        for (const d of channel.streams) {
          const early = blocks?.find((b) => b.detector === d.name);
          const s = d.s;
          const signal = early ?? (s ? safely(d, () => s.end()) : undefined);
          if (signal) merge(signals, signal);
        }
    };
    ends(content);
    ends(tools);
    for (const d of deferred) {
      const signal = safely({ name: d.name }, () => d.detect(input));
      if (signal) signals.push(signal);
    }
    let flagged = false;
    let slow = false;
    const blockedBy: string[] = [];
    for (const s of signals) {
      if (s.flagged || s.blocked) flagged = true;
      if (s.blocked) blockedBy.push(s.detector);
      if (s.slow) slow = true;
    }
    return { input, signals, flagged, blockedBy, slow, probe: admission === 'probe', shadow: shadowed() };
  }

  /** Counts the answer of this route once: reported, and for the primary, recorded in the windows. */
  function finish(j: Judgement, cut: boolean): void {
    const { core, counts, recorder, live } = call;
    if (cut || (j.blockedBy.length > 0 && j.shadow)) counts.blocked++;
    core.observe.emit('answered', j);
    if (admission) recorder.answered(live, admission, j, core.clock());
  }

  /** Who served the call, counted once, when the stream is over (as the call loop counts a whole answer). */
  function served(by: 'route' | 'safe-reply' | 'exhausted'): void {
    const { counts, core } = call;
    if (by === 'route' && route === 0) counts.servedByPrimary++;
    else if (by === 'route') {
      counts.servedByFallback++;
      core.observe.emit('served', 'fallback');
    } else {
      counts.exhausted++;
      if (by === 'safe-reply') counts.servedBySafeReply++;
      core.observe.emit('served', by);
    }
  }

  begin();
  // The caller's signal (`with({ signal })`) stops the stream as a client that stops reading does.
  call.invoke.signal?.addEventListener('abort', onAbort, { once: true });
  const it: AsyncIterableIterator<unknown> = {
    next,
    return: ret,
    throw: thr,
    [Symbol.asyncIterator]: () => it,
  };
  return it;
}

/** A detector's signal on both channels: the worse one counts. */
function merge(signals: Signal[], signal: Signal): void {
  const i = signals.findIndex((s) => s.detector === signal.detector);
  if (i < 0) signals.push(signal);
  else if (rank(signal) > rank(signals[i]!)) signals[i] = signal;
}

const rank = (s: Signal): number => (s.blocked ? 3 : s.flagged ? 2 : 0) + s.score / 2;

/** Offset of the last sentence end (. ! ? or a newline) in `text`, or -1. */
function lastSentenceEnd(text: string): number {
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 46 || c === 33 || c === 63 || c === 10) return i;
  }
  return -1;
}

/**
 * The default continuation: a request whose first argument has `messages` gets the text already
 * sent as a last assistant message (Anthropic continues it as a prefill; OpenAI chat models read
 * it as the answer so far); any other request is repeated as it was.
 */
export function assistantPrefix(args: readonly unknown[], sent: string): unknown[] {
  const first = args[0] as { messages?: unknown } | undefined;
  if (sent === '' || typeof first !== 'object' || first === null || !Array.isArray(first.messages)) return [...args];
  return [{ ...first, messages: [...first.messages, { role: 'assistant', content: sent }] }, ...args.slice(1)];
}

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
import type { GuardTracing, RouteSpan, StreamSpanEnd } from '../telemetry/tracing.js';
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
  /** The route call's span, left open until the stream is over; the fallbacks that continue it get their own. */
  readonly span: RouteSpan | undefined;
  readonly tracing: GuardTracing | undefined;
}

/** `holdBack: 'sentence'` never holds more than this many characters. */
const SENTENCE_MAX = 1000;

interface Held {
  readonly chunk: unknown;
  /** Offset in this route's text after the chunk. */
  readonly end: number;
  /** The chunk's text (for what a fallback gets as the answer so far). */
  readonly text: string;
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
  return rewrap(new GuardedStream(call, o, source));
}

class GuardedStream implements AsyncIterableIterator<unknown> {
  private route: number;
  private admission: Admission | undefined;
  private source: Source;
  private scope: RouteScope | undefined;
  private span: RouteSpan | undefined;
  /** This route's request on the guard's clock (its span's time to first chunk counts from it). */
  private routeStarted: number;
  /** Characters of this route's text the client was given. */
  private shown = 0;
  /** Chunks the client may take now. */
  private readonly ready: unknown[] = [];
  private readyAt = 0;
  private held: Held[] = [];
  private heldAt = 0;
  private total = 0;
  private sentenceEnd = 0;
  private kind: ChunkKind | undefined;
  private read: ((chunk: unknown) => ChunkText) | undefined;
  private last: unknown;
  private firstAt: number | undefined;
  private content!: Channel;
  private tools: Channel | undefined;
  private deferred!: HotPathDetector[];
  /** The whole text, kept only for detectors that read it at the end (no `stream()`, or async). */
  private full: string[] | undefined;
  /**
   * The end of what the client was given, kept only while a fallback may continue it: at least its last
   * `continueChars`, cut back to them once it holds twice that (so each character is copied about once).
   */
  private sent: string | undefined;
  private done = false;
  /** Part of a tool call reached the client: a fallback's own tool call would be read as its continuation. */
  private toolShown = false;
  private reading: Promise<void> | undefined;

  constructor(
    private readonly call: StreamCall,
    private readonly o: ParsedStreamOptions,
    source: Source,
  ) {
    this.route = call.route;
    this.admission = call.admission;
    this.source = source;
    this.scope = call.scope.scope;
    this.span = call.span;
    this.routeStarted = call.started;
    this.start();
    // The caller's signal (`with({ signal })`) stops the stream as a client that stops reading does.
    call.invoke.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  private readonly onAbort = (): void => void this.return();

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<unknown>> {
    while (this.readyAt === this.ready.length) {
      if (this.done) {
        this.call.invoke.signal?.removeEventListener('abort', this.onAbort);
        return { value: undefined, done: true };
      }
      if (this.reading) {
        // Another next() is reading from the model: chunks go out in order, one read at a time.
        await this.reading.catch(() => undefined);
        continue;
      }
      this.reading = this.step();
      try {
        await this.reading;
      } finally {
        this.reading = undefined;
      }
    }
    const value = this.ready[this.readyAt++];
    if (this.readyAt === this.ready.length) this.ready.length = this.readyAt = 0;
    return { value, done: false };
  }

  /** The client stopped reading: the model is stopped, the answer so far counted (not the model's fault). */
  async return(): Promise<IteratorResult<unknown>> {
    if (!this.done) {
      this.done = true;
      this.stop('the client stopped reading');
      this.finish(this.judge(), 'client_stopped');
      this.served('route');
    }
    this.ready.length = this.readyAt = 0;
    this.call.invoke.signal?.removeEventListener('abort', this.onAbort);
    return { value: undefined, done: true };
  }

  async throw(error: unknown): Promise<IteratorResult<unknown>> {
    await this.return();
    throw error;
  }

  /** A new route's stream starts: fresh detectors, nothing held. */
  private start(): void {
    const { live, core } = this.call;
    const start: StreamStart = { route: this.routeName(), breaker: core.name, context: this.call.context };
    this.deferred = [];
    const streams: Channel['streams'] = [];
    for (const d of live.detectors) {
      if (!isHotPathDetector(d)) continue;
      if (hasStream(d)) streams.push(this.open(d, start));
      else this.deferred.push(d);
    }
    this.content = { streams };
    this.tools = undefined;
    // The whole text is kept only for a reader that needs it at the end (not `latency()`: readsText false).
    this.full =
      this.deferred.some((d) => d.readsText !== false) || live.asyncQueue || this.span?.content ? [] : undefined;
    const more = this.o.onCut === 'fallback' && this.route + 1 < live.routes.length;
    this.sent = more ? (this.sent ?? '') : undefined;
    this.held = [];
    this.heldAt = this.total = this.sentenceEnd = this.shown = 0;
    this.read = undefined;
    this.firstAt = undefined;
  }

  private routeName(): string {
    return this.call.live.routes[this.route]!.name;
  }

  /** Reads one chunk from the model and decides what the client may see. */
  private async step(): Promise<void> {
    let r: IteratorResult<unknown>;
    try {
      r = await this.nextChunk();
    } catch (error) {
      if (!this.done) await this.failed(error);
      return;
    }
    if (this.done) return;
    if (r.done) return this.ended();
    const chunk = r.value;
    this.firstAt ??= this.call.core.clock();
    this.last = chunk;
    let t: ChunkText;
    try {
      if (!this.read) {
        this.kind = this.o.text ? 'custom' : kindOf(chunk);
        if (this.kind === undefined) throw unreadable(chunk);
        this.read = chunkReader(this.kind, this.o.text);
      }
      t = this.read(chunk);
    } catch (error) {
      // Never a silent pass: the stream stops, and the client gets the error that says why.
      this.done = true;
      this.stop(error);
      this.span?.failed(error, 'error');
      this.endSpan('error');
      throw error;
    }
    const blocks = this.push(t);
    if (blocks && !this.shadowed()) return this.cut(blocks);
    this.total += t.text.length + t.tool.length;
    if (this.o.holdBack === 'sentence') {
      const i = lastSentenceEnd(t.text);
      if (i >= 0) this.sentenceEnd = this.total - t.text.length - t.tool.length + i + 1;
    }
    this.held.push({ chunk, end: this.total, text: t.text, tool: t.tool !== '' });
    this.release(false);
  }

  /** The model's next chunk, within `timeoutMs` (the guard's one deadline timer: no timer per chunk). */
  private nextChunk(): Promise<IteratorResult<unknown>> {
    const next = this.source.next();
    const { deadlines, timeoutMs } = this.call.invoke;
    if (!deadlines) return next;
    return new Promise((resolve, reject) => {
      const route = this.routeName();
      const d = deadlines.add(() => reject(new TimeoutError(this.call.core.name, route, timeoutMs)));
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
  private push(t: ChunkText): Signal[] | undefined {
    let blocks: Signal[] | undefined;
    if (t.text) {
      this.full?.push(t.text);
      blocks = this.pushTo(this.content, t.text, blocks);
    }
    if (t.tool) {
      this.tools ??= this.openTools();
      blocks = this.pushTo(this.tools, t.tool, blocks);
    }
    return blocks;
  }

  private pushTo(channel: Channel, text: string, blocks: Signal[] | undefined): Signal[] | undefined {
    for (const d of channel.streams) {
      const s = d.s;
      if (!s) continue;
      const signal = this.signal(d, () => s.push(text));
      if (signal?.blocked) (blocks ??= []).push(signal);
    }
    return blocks;
  }

  private openTools(): Channel {
    const start: StreamStart = { route: this.routeName(), breaker: this.call.core.name, context: this.call.context };
    const streams: Channel['streams'] = [];
    for (const d of this.call.live.detectors) if (hasStream(d)) streams.push(this.open(d, start));
    return { streams };
  }

  /** Starts a detector's stream; one that throws is reported and left out of this answer. */
  private open(
    d: HotPathDetector & Required<Pick<HotPathDetector, 'stream'>>,
    start: StreamStart,
  ): Channel['streams'][number] {
    try {
      return { name: d.name, s: d.stream(start) };
    } catch (error) {
      this.reportError(d.name, error);
      return { name: d.name, s: undefined };
    }
  }

  /** Runs a detector's step; a throw is reported, drops the detector, and blocks or passes as `onDetectorError` says. */
  private signal(
    d: { readonly name: string; s?: DetectorStream | undefined },
    run: () => Signal | undefined,
  ): Signal | undefined {
    try {
      return run();
    } catch (error) {
      this.reportError(d.name, error);
      d.s = undefined;
      const block = this.call.live.o.onDetectorError === 'block';
      return { detector: d.name, score: block ? 1 : 0, flagged: block, blocked: block, reason: 'detector error' };
    }
  }

  private reportError(detector: string, error: unknown): void {
    this.call.core.observe.emit('detector-error', { detector, route: this.routeName(), error, stage: 'hot-path' });
  }

  /** Hands over the chunks whose text is followed by at least the hold-back (everything, at the end). */
  private release(all: boolean): void {
    const h = this.o.holdBack;
    const frontier = all
      ? Infinity
      : h === 'sentence'
        ? Math.max(this.sentenceEnd, this.total - SENTENCE_MAX)
        : this.total - h;
    const held = this.held;
    while (this.heldAt < held.length && held[this.heldAt]!.end <= frontier) {
      const item = held[this.heldAt++]!;
      if (this.sent !== undefined) this.sent = tail(this.sent + item.text, this.o.continueChars, 2);
      if (item.tool) this.toolShown = true;
      this.shown = item.end;
      this.ready.push(item.chunk);
    }
    if (this.heldAt === held.length) held.length = this.heldAt = 0;
    else if (this.heldAt > 64) {
      held.splice(0, this.heldAt);
      this.heldAt = 0;
    }
  }

  /** The model finished: the last verdict, then everything held goes out, or the stream is cut. */
  private async ended(): Promise<void> {
    const j = this.judge();
    if (j.blockedBy.length > 0 && !this.shadowed()) return this.cut(undefined, j);
    this.release(true);
    this.done = true;
    this.finish(j, 'finished');
    this.served('route');
  }

  /** Stops the model: the iterator or request, and the attempt's signal (`callSignal()`). */
  private stop(reason: unknown): void {
    const why = reason instanceof Error ? reason : new Error(String(reason));
    this.scope?.abort(why);
    this.source.cancel(why);
  }

  /** The text so far blocked: nothing held is shown; a fallback continues, or the stream ends with the safe message. */
  private async cut(blocks: Signal[] | undefined, judged?: Judgement): Promise<void> {
    this.stop('safety-breaker cut the stream: its text was blocked');
    const j = judged ?? this.judge(blocks);
    this.held.length = this.heldAt = 0;
    this.finish(j, 'cut');
    const more = this.continues() && this.route + 1 < this.call.live.routes.length;
    this.endSpan('cut', more ? 'fallback' : 'end');
    await this.continueOrEnd();
  }

  /** The model's stream failed part-way: counted like a failed call, then a fallback continues or the error reaches the client. */
  private async failed(error: unknown): Promise<void> {
    const { core, counts, recorder, context } = this.call;
    const now = core.clock();
    const latencyMs = now - this.call.started;
    this.stop(error);
    const outcome = isTimeoutError(error) ? 'timeout' : 'error';
    this.span?.failed(error, outcome);
    core.observe.emit('failed', {
      route: this.routeName(),
      outcome,
      latencyMs,
      error,
      probe: this.admission === 'probe',
      context,
    });
    if (this.admission) {
      counts.failed++;
      recorder.failed(this.admission, latencyMs, now, context);
    }
    this.endSpan('error');
    this.held.length = this.heldAt = 0;
    if (this.continues() && (await this.nextRoute())) return;
    this.done = true;
    this.served('exhausted');
    throw error;
  }

  private async continueOrEnd(): Promise<void> {
    if (this.continues() && (await this.nextRoute())) return;
    this.served('safe-reply');
    for (const c of this.o.chunk
      ? [this.o.chunk(this.o.message)]
      : endChunks(this.kind ?? 'custom', this.o.message, this.last))
      this.ready.push(c);
    this.done = true;
  }

  /** A fallback may continue: `onCut: 'fallback'`, and no tool call was left half-shown (it is closed as incomplete instead). */
  private continues(): boolean {
    return this.o.onCut === 'fallback' && !this.toolShown;
  }

  /** Calls the next routes in turn with the continuation request until one returns a stream. */
  private async nextRoute(): Promise<boolean> {
    const { live, core, invoke, context, tracing } = this.call;
    const sent = tail(this.sent ?? '', this.o.continueChars);
    const args = this.o.continueWith
      ? this.o.continueWith(this.call.args, sent)
      : assistantPrefix(this.call.args, sent);
    for (let i = this.route + 1; i < live.routes.length; i++) {
      const route = live.routes[i]!;
      const holder: { scope?: RouteScope } = {};
      const started = core.clock();
      const span = tracing?.start(route.name, args, false);
      let output: unknown;
      try {
        const invoked = () => invokeRoute(route, args as unknown[], invoke, undefined, context, holder);
        output = await (span ? span.run(invoked) : invoked());
        if (!isStreamOutput(output))
          throw new TypeError(`fallback "${route.name}" returned a whole answer where a stream was being continued`);
      } catch (error) {
        const aborted = invoke.signal?.aborted === true;
        span?.failed(error, aborted ? 'caller_error' : 'error');
        span?.end();
        if (aborted) throw error;
        const latencyMs = core.clock() - started;
        core.observe.emit('failed', { route: route.name, outcome: 'error', latencyMs, error, probe: false, context });
        continue;
      }
      this.source = openStream(output as object).source;
      this.scope = holder.scope;
      this.span = span;
      this.routeStarted = started;
      this.route = i;
      this.admission = undefined;
      this.start();
      return true;
    }
    return false;
  }

  private shadowed(): boolean {
    return this.call.shadow && this.route === 0;
  }

  /** The verdict on this route's text so far: each incremental detector's end, then the others on the whole text. */
  private judge(blocks?: Signal[]): Judgement {
    const { core, context } = this.call;
    const now = core.clock();
    const route = this.routeName();
    const input: DetectorInput = {
      text: this.full ? this.full.join('') : '',
      output: undefined,
      latencyMs: now - this.call.started,
      firstTokenMs: this.firstAt === undefined ? undefined : this.firstAt - this.call.started,
      route,
      breaker: core.name,
      context,
    };
    const signals: Signal[] = [];
    const ends = (channel: Channel | undefined): void => {
      if (channel)
        for (const d of channel.streams) {
          const early = blocks?.find((b) => b.detector === d.name);
          const s = d.s;
          const signal = early ?? (s ? this.signal(d, () => s.end()) : undefined);
          if (signal) merge(signals, signal);
        }
    };
    ends(this.content);
    ends(this.tools);
    for (const d of this.deferred) {
      const signal = this.signal({ name: d.name }, () => d.detect(input));
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
    return { input, signals, flagged, blockedBy, slow, probe: this.admission === 'probe', shadow: this.shadowed() };
  }

  /**
   * Counts the answer of this route once: reported, and for the primary, recorded in the windows.
   * Its span records the verdict first, so a trip it causes is an event on it; a cut ends the span itself.
   */
  private finish(j: Judgement, end: 'finished' | 'cut' | 'client_stopped'): void {
    const { core, counts, recorder, live } = this.call;
    this.span?.scanned(this.firstAt === undefined ? undefined : this.last, j.input.text, j.signals, j.blockedBy);
    if (end === 'cut' || (j.blockedBy.length > 0 && j.shadow)) counts.blocked++;
    core.observe.emit('answered', j);
    if (this.admission) recorder.answered(live, this.admission, j, core.clock());
    if (end !== 'cut') this.endSpan(end);
  }

  /** Ends this route's span with how its stream ended (a cut also says what follows). */
  private endSpan(end: StreamSpanEnd['end'], then?: StreamSpanEnd['then']): void {
    const span = this.span;
    if (!span) return;
    this.span = undefined;
    const firstChunkMs = this.firstAt === undefined ? undefined : this.firstAt - this.routeStarted;
    span.end({ end, firstChunkMs, shownChars: this.shown, then });
  }

  /** Who served the call, counted once, when the stream is over (as the call loop counts a whole answer). */
  private served(by: 'route' | 'safe-reply' | 'exhausted'): void {
    const { counts, core } = this.call;
    if (by === 'route' && this.route === 0) counts.servedByPrimary++;
    else if (by === 'route') {
      counts.servedByFallback++;
      core.observe.emit('served', 'fallback');
    } else {
      counts.exhausted++;
      if (by === 'safe-reply') counts.servedBySafeReply++;
      core.observe.emit('served', by);
    }
  }
}

/** A detector's signal on both channels: the worse one counts. */
function merge(signals: Signal[], signal: Signal): void {
  const i = signals.findIndex((s) => s.detector === signal.detector);
  if (i < 0) signals.push(signal);
  else if (rank(signal) > rank(signals[i]!)) signals[i] = signal;
}

const rank = (s: Signal): number => (s.blocked ? 3 : s.flagged ? 2 : 0) + s.score / 2;

/**
 * The last `max` characters of `text` once it is longer than `over` times that (a surrogate pair cut
 * in half at its start is dropped whole).
 */
function tail(text: string, max: number, over = 1): string {
  if (text.length <= max * over) return text;
  const t = text.slice(text.length - max);
  return (t.charCodeAt(0) & 0xfc00) === 0xdc00 ? t.slice(1) : t;
}

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

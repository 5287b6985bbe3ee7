/**
 * The demo's core: a simulated chat model that turns toxic and slow for a while and recovers,
 * a fallback model, a guarded endpoint on localhost, traffic against it, and a live timeline.
 * `demo/main.ts` runs it for `npm start`; `test/demo/demo.test.ts` runs it short.
 */
import OpenAI from 'openai';
import { Registry } from 'prom-client';
import { callSignal, guard, type BreakerState } from '../src/index.js';
import { demoDetectors } from './detectors.js';
import { startEndpoint, type ChatReply } from './endpoint.js';
import { seededRandom } from '../src/random.js';
import { FALLBACK_MODEL, PRIMARY_MODEL, startSimModel, type IncidentBehaviour } from './sim-model.js';
import { isToxicReply, TOXIC_REPLIES } from './texts.js';
import { seconds, Timeline, type Output } from './timeline.js';
import { runTraffic, type RequestResult } from './traffic.js';

export interface DemoOptions {
  /** Length of the run, ms (default 30 000). The scenario and recovery delays scale with it. */
  readonly durationMs?: number;
  /** Where the timeline goes (default `process.stdout`). */
  readonly out?: Output;
  /** Force colours on or off (default: on a TTY unless NO_COLOR is set). */
  readonly color?: boolean;
  /** Environment read for OPENAI_BASE_URL, OPENAI_API_KEY and OPENAI_MODEL (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Seed of the simulated model's randomness. */
  readonly seed?: number;
}

export interface DemoSummary {
  /** `simulated`, or the base URL of the real primary. */
  readonly primary: string;
  readonly requests: number;
  readonly servedByPrimary: number;
  readonly servedByFallback: number;
  /** Requests that got no model answer (an error status). */
  readonly failed: number;
  /** Outputs the detectors blocked (on any route). */
  readonly blocked: number;
  /** Toxic replies of the simulated model that reached a client: 0 is the point. */
  readonly toxicDelivered: number;
  readonly trips: number;
  /** Transitions back to closed. */
  readonly recoveries: number;
  /** From the model turning bad to the first trip, ms. */
  readonly timeToDetectMs: number | undefined;
  /** From the model's recovery to the breaker closing, ms. */
  readonly timeToRecoverMs: number | undefined;
  readonly metricsUrl: string;
  /** Sample lines of `/metrics`, scraped at the end. */
  readonly metricsSample: readonly string[];
}

const BREAKER = 'demo-chat';
/** Generous, so a loaded machine (a CI runner, a laptop on battery) does not look like a slow model. */
const SLOW_MS = 1000;
/** The primary's incident: more than half of its replies are toxic, half of them slow. */
const INCIDENT: IncidentBehaviour = { toxicShare: 0.6, slowShare: 0.5, slowMs: [1200, 1600] };
/** How many blocked outputs are printed one by one before the per-second lines take over. */
const BLOCKS_SHOWN = 3;

type Messages = OpenAI.Chat.ChatCompletionMessageParam[];

/** Runs the demo and resolves with its summary once every server is closed. */
export async function runDemo(options: DemoOptions = {}): Promise<DemoSummary> {
  const durationMs = options.durationMs ?? 30_000;
  const out = options.out ?? process.stdout;
  const env = options.env ?? process.env;
  const random = seededRandom(options.seed ?? 7);
  const realBaseURL = env.OPENAI_BASE_URL?.trim() || undefined;

  // The scenario's clock starts after the servers are up and warm (see below).
  let startedAt = Date.now();
  let incidentStart = startedAt + Math.round(durationMs * 0.17);
  let incidentEnd = startedAt + Math.round(durationMs * 0.5);
  const inIncident = (): boolean => {
    const now = Date.now();
    return now >= incidentStart && now < incidentEnd;
  };
  // Short recovery settings, scaled to the run: 3 s open, ×2 backoff, at most 6 s, 3 probes.
  const afterMs = Math.round(durationMs / 10);
  const recovery = { afterMs, backoff: 2, capMs: afterMs * 2, probes: 3 };
  const requestsPerSecond = realBaseURL ? 4 : 20;

  const sim = await startSimModel({ incident: inIncident, behaviour: INCIDENT, random });
  const registry = new Registry();

  // The primary: the simulated model, or a real OpenAI-compatible endpoint with the incident injected on top.
  const primaryClient = new OpenAI({
    baseURL: realBaseURL ?? sim.baseURL,
    apiKey: realBaseURL ? (env.OPENAI_API_KEY ?? 'not-set') : 'sim',
    maxRetries: 0,
  });
  const primaryModel = realBaseURL ? env.OPENAI_MODEL?.trim() || 'gpt-4o-mini' : PRIMARY_MODEL;
  const fallbackClient = new OpenAI({ baseURL: sim.baseURL, apiKey: 'sim', maxRetries: 0 });

  async function primaryChat(messages: Messages): Promise<OpenAI.Chat.ChatCompletion> {
    const signal = callSignal();
    const completion = await primaryClient.chat.completions.create({ model: primaryModel, messages }, { signal });
    return realBaseURL ? injectIncident(completion, signal) : completion;
  }
  async function injectIncident(
    completion: OpenAI.Chat.ChatCompletion,
    signal: AbortSignal,
  ): Promise<OpenAI.Chat.ChatCompletion> {
    if (!inIncident()) return completion;
    if (random() < INCIDENT.slowShare)
      await delay(INCIDENT.slowMs[0] + random() * (INCIDENT.slowMs[1] - INCIDENT.slowMs[0]), signal);
    if (random() >= INCIDENT.toxicShare) return completion;
    const content = TOXIC_REPLIES[Math.floor(random() * TOXIC_REPLIES.length)]!;
    return { ...completion, choices: completion.choices.map((c) => ({ ...c, message: { ...c.message, content } })) };
  }

  const chat = guard(primaryChat, {
    name: BREAKER,
    detectors: demoDetectors(SLOW_MS),
    fallbacks: [
      {
        name: FALLBACK_MODEL,
        run: (messages: Messages) =>
          fallbackClient.chat.completions.create({ model: FALLBACK_MODEL, messages }, { signal: callSignal() }),
      },
    ],
    recovery,
    timeoutMs: 10_000,
    registry,
  });
  const endpoint = await startEndpoint(async (prompt): Promise<ChatReply> => {
    const completion = await chat([
      { role: 'system', content: 'You are a helpful support assistant. Answer in one or two short sentences.' },
      { role: 'user', content: prompt },
    ]);
    return { reply: completion.choices[0]?.message.content ?? '', model: completion.model };
  }, registry);

  // Warm up (JIT, the SDK, keep-alive sockets) outside the guard, so the first real calls are not slow ones.
  await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      (i % 2 ? primaryClient : fallbackClient).chat.completions.create({
        model: i % 2 ? primaryModel : FALLBACK_MODEL,
        messages: [{ role: 'user', content: 'warm-up' }],
      }),
    ),
  );
  await (await fetch(endpoint.metricsUrl)).text();
  startedAt = Date.now();
  incidentStart = startedAt + Math.round(durationMs * 0.17);
  incidentEnd = startedAt + Math.round(durationMs * 0.5);
  const timeline = new Timeline(out, startedAt, options.color === undefined ? {} : { color: options.color });

  // What the timeline counts.
  let trips = 0;
  let recoveries = 0;
  let timeToDetectMs: number | undefined;
  let timeToRecoverMs: number | undefined;
  let blocksShown = 0;
  let second = emptySecond();
  const totals = { requests: 0, primary: 0, fallback: 0, failed: 0, blocked: 0, toxicDelivered: 0 };

  chat.on('block', ({ route, signals }) => {
    second.blocked++;
    totals.blocked++;
    if (blocksShown++ >= BLOCKS_SHOWN) return;
    const why = signals
      .filter((s) => s.blocked)
      .map((s) => `${s.detector} ${s.score.toFixed(2)}`)
      .join(', ');
    const then = blocksShown === BLOCKS_SHOWN ? timeline.paint(' (further blocks are counted per second)', 'dim') : '';
    timeline.event(
      Date.now(),
      'blocked',
      `an output of ${route} did not reach the caller (${why}); the fallback answered${then}`,
      'bad',
    );
  });
  chat.on('outcome', ({ route, signals }) => {
    if (route === 'primary' && signals.some((s) => s.detector === 'latency' && s.flagged)) second.slow++;
  });
  chat.on('trip', ({ from, decision, openForMs, at }) => {
    trips++;
    let detect = '';
    if (timeToDetectMs === undefined && at >= incidentStart) {
      timeToDetectMs = at - incidentStart;
      detect = timeline.paint(`  time to detect ${seconds(timeToDetectMs)}`, 'bold');
    }
    const label = from === 'half-open' ? 'RE-OPEN' : 'TRIP';
    timeline.event(
      at,
      label,
      `${from} -> open: ${decision.reason}; fallback serves for ${seconds(openForMs)}${detect}`,
      'bad',
    );
  });
  chat.on('half-open', ({ at, reason }) => {
    timeline.event(at, 'half-open', `${reason}; the next ${recovery.probes} calls probe the primary`, 'warn');
  });
  chat.on('close', ({ at, reason }) => {
    recoveries++;
    let recover = '';
    if (at >= incidentEnd && timeToRecoverMs === undefined) {
      timeToRecoverMs = at - incidentEnd;
      recover = timeline.paint(`  time to recover ${seconds(timeToRecoverMs)}`, 'bold');
    }
    timeline.event(at, 'CLOSED', `${reason}; the primary serves again${recover}`, 'good');
  });

  function emptySecond() {
    return { requests: 0, primary: 0, fallback: 0, failed: 0, blocked: 0, slow: 0, latencies: [] as number[] };
  }
  function onResult(result: RequestResult): void {
    second.requests++;
    totals.requests++;
    second.latencies.push(result.latencyMs);
    const reply = result.body?.reply;
    if (result.status !== 200 || reply === undefined) {
      second.failed++;
      totals.failed++;
      return;
    }
    if (isToxicReply(reply)) totals.toxicDelivered++;
    if (result.body?.model === FALLBACK_MODEL) {
      second.fallback++;
      totals.fallback++;
    } else {
      second.primary++;
      totals.primary++;
    }
  }
  let tickNo = 0;
  let lastState: BreakerState = chat.state;
  function tick(): void {
    const s = second;
    second = emptySecond();
    tickNo++;
    lastState = chat.state;
    s.latencies.sort((a, b) => a - b);
    timeline.tick({ second: tickNo, state: lastState, ...s, p50Ms: s.latencies[Math.floor(s.latencies.length / 2)] });
  }

  // The scenario's own events: the model turns bad, then recovers.
  const scenario = [
    setTimeout(
      () =>
        timeline.event(
          incidentStart,
          'INCIDENT',
          `the primary turns toxic and slow (${pctOf(INCIDENT.toxicShare)} toxic, ${pctOf(INCIDENT.slowShare)} slower than ${SLOW_MS} ms)`,
          'bad',
        ),
      incidentStart - Date.now(),
    ),
    setTimeout(() => {
      const state = chat.state;
      const note = state === 'closed' ? timeline.paint(' (the breaker is already closed)', 'dim') : '';
      if (state === 'closed' && timeToRecoverMs === undefined) timeToRecoverMs = 0;
      timeline.event(incidentEnd, 'RECOVERED', `the primary is healthy again${note}`, 'good');
    }, incidentEnd - Date.now()),
  ];

  printHeader();
  const ticker = setInterval(tick, 1000);
  let sent = 0;
  try {
    sent = await runTraffic({
      url: endpoint.chatUrl,
      requestsPerSecond,
      maxRequests: Math.ceil((requestsPerSecond * durationMs) / 1000),
      until: startedAt + durationMs,
      onResult,
    });
  } finally {
    clearInterval(ticker);
    for (const t of scenario) clearTimeout(t);
  }
  if (second.requests > 0) tick();

  const metricsText = await (await fetch(endpoint.metricsUrl)).text();
  const metricsSample = metricsText
    .split('\n')
    .filter((l) => /^safety_breaker_(calls_total|transitions_total|blocked_outputs_total)\{/.test(l));
  chat.dispose();
  await Promise.all([endpoint.close(), sim.close()]);

  const summary: DemoSummary = {
    primary: realBaseURL ?? 'simulated',
    requests: totals.requests,
    servedByPrimary: totals.primary,
    servedByFallback: totals.fallback,
    failed: totals.failed,
    blocked: totals.blocked,
    toxicDelivered: totals.toxicDelivered,
    trips,
    recoveries,
    timeToDetectMs,
    timeToRecoverMs,
    metricsUrl: endpoint.metricsUrl,
    metricsSample,
  };
  printSummary(summary, sent);
  return summary;

  function printHeader(): void {
    const p = timeline.paint.bind(timeline);
    timeline.line(
      p('safety-breaker demo', 'bold') + ' — a guarded chat endpoint whose model turns toxic and slow, then recovers',
    );
    timeline.line();
    const primaryDesc = realBaseURL
      ? `${realBaseURL} (model ${primaryModel}; the incident is injected on top of its replies)`
      : `simulated OpenAI-compatible model at ${sim.baseURL} (model ${PRIMARY_MODEL})`;
    timeline.line(`  primary     ${primaryDesc}`);
    timeline.line(`  fallback    simulated model ${FALLBACK_MODEL} at ${sim.baseURL}`);
    timeline.line(
      `  endpoint    POST ${endpoint.chatUrl}  (guard() around the openai SDK, callSignal() as the abort signal)`,
    );
    timeline.line(`  metrics     ${p(endpoint.metricsUrl, 'info')}  (Prometheus, while the demo runs)`);
    timeline.line(
      `  detectors   ${demoDetectors(SLOW_MS)
        .map((d) => d.name)
        .join(', ')} (slow at ${SLOW_MS} ms); trip policy: the default (${describePolicy()})`,
    );
    timeline.line(
      `  recovery    open ${seconds(recovery.afterMs)}, x${recovery.backoff} on repeated trips up to ${seconds(recovery.capMs)}, ${recovery.probes} probes must pass`,
    );
    timeline.line(
      `  scenario    incident from ${seconds(incidentStart - startedAt)} to ${seconds(incidentEnd - startedAt)}; ${requestsPerSecond} requests/s for ${seconds(durationMs)}`,
    );
    timeline.line();
    timeline.header();
  }

  function describePolicy(): string {
    const policies = chat.stats().policies.map((p) => p.policy);
    return policies.length === 0 ? 'none' : `${policies.join(' + ')}, any one trips`;
  }

  function printSummary(s: DemoSummary, sentCount: number): void {
    const p = timeline.paint.bind(timeline);
    const share =
      s.servedByPrimary + s.servedByFallback === 0 ? 0 : s.servedByFallback / (s.servedByPrimary + s.servedByFallback);
    timeline.line();
    timeline.line(p('Summary', 'bold'));
    timeline.line(
      `  requests          ${sentCount} sent, ${s.requests} answered or failed (${s.failed} without a model answer)`,
    );
    timeline.line(`  served by         primary ${s.servedByPrimary}, fallback ${s.servedByFallback} (${pctOf(share)})`);
    timeline.line(
      `  blocked outputs   ${s.blocked}; toxic replies that reached a client: ${p(String(s.toxicDelivered), s.toxicDelivered === 0 ? 'good' : 'bad')}`,
    );
    timeline.line(
      `  trips             ${s.trips} (including re-opens after failed probes); recoveries ${s.recoveries}`,
    );
    timeline.line(
      `  time to detect    ${s.timeToDetectMs === undefined ? 'no trip during the incident' : seconds(s.timeToDetectMs)}  (model turned bad -> breaker open)`,
    );
    timeline.line(
      `  time to recover   ${s.timeToRecoverMs === undefined ? 'not closed again before the end' : seconds(s.timeToRecoverMs)}  (model healthy -> breaker closed)`,
    );
    timeline.line(`  metrics           ${s.metricsUrl} (closed now), at the end:`);
    for (const l of s.metricsSample) timeline.line(`                    ${p(l, 'dim')}`);
  }
}

function pctOf(x: number): string {
  return `${Math.round(x * 100)} %`;
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

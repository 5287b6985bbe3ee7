/**
 * The traffic generator: an open-loop stream of chat requests at a fixed rate, bounded by a
 * request count and a deadline, to a loopback URL only.
 */
import { PROMPTS } from './texts.js';

export interface RequestResult {
  /** HTTP status, or 0 when the request itself failed. */
  readonly status: number;
  readonly latencyMs: number;
  readonly body: { reply?: string; model?: string; error?: string } | undefined;
}

export interface TrafficOptions {
  readonly url: string;
  readonly requestsPerSecond: number;
  /** Stop sending after this many requests… */
  readonly maxRequests: number;
  /** …or at this `Date.now()` time, whichever comes first. */
  readonly until: number;
  readonly onResult: (result: RequestResult) => void;
}

/** Sends the traffic; resolves when every request sent has finished. */
export async function runTraffic(options: TrafficOptions): Promise<number> {
  const { url, requestsPerSecond, maxRequests, until, onResult } = options;
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]')
    throw new Error(`the traffic generator only sends to loopback, not ${host}`);

  const inFlight = new Set<Promise<void>>();
  const interval = 1000 / requestsPerSecond;
  const started = Date.now();
  let sent = 0;
  while (sent < maxRequests && Date.now() < until) {
    const prompt = PROMPTS[sent % PROMPTS.length]!;
    const request = send(url, prompt).then(onResult);
    inFlight.add(request);
    void request.finally(() => inFlight.delete(request));
    sent++;
    // Open loop: the schedule does not wait for answers, so a slow model does not slow the traffic.
    const wait = started + sent * interval - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  await Promise.all(inFlight);
  return sent;
}

async function send(url: string, prompt: string): Promise<RequestResult> {
  const started = performance.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt }),
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await res.json()) as RequestResult['body'];
    return { status: res.status, latencyMs: performance.now() - started, body };
  } catch (error) {
    return {
      status: 0,
      latencyMs: performance.now() - started,
      body: { error: error instanceof Error ? error.message : String(error) },
    };
  }
}

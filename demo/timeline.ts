/**
 * The demo's terminal timeline: one line per event (incident, blocked output, trip, half-open,
 * close) and one line per second with the breaker's state and the fallback's share of traffic.
 * Colours only on a TTY without NO_COLOR.
 */

export interface Output {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
}

export type Tone = 'bad' | 'good' | 'warn' | 'info' | 'dim';

const CODES: Record<Tone | 'bold', [number, number]> = {
  bad: [31, 39],
  good: [32, 39],
  warn: [33, 39],
  info: [36, 39],
  dim: [2, 22],
  bold: [1, 22],
};

/** One second of traffic as the timeline shows it. */
export interface Tick {
  /** Seconds since the start. */
  readonly second: number;
  readonly state: string;
  readonly requests: number;
  readonly primary: number;
  readonly fallback: number;
  readonly failed: number;
  readonly blocked: number;
  readonly slow: number;
  readonly p50Ms: number | undefined;
}

export class Timeline {
  readonly color: boolean;

  constructor(
    private readonly out: Output,
    private readonly startedAt: number,
    options: { color?: boolean } = {},
  ) {
    this.color = options.color ?? (Boolean(out.isTTY) && !('NO_COLOR' in process.env && process.env.NO_COLOR !== ''));
  }

  paint(text: string, tone: Tone | 'bold'): string {
    if (!this.color) return text;
    const [on, off] = CODES[tone];
    return `\u001b[${on}m${text}\u001b[${off}m`;
  }

  line(text = ''): void {
    this.out.write(`${text}\n`);
  }

  /** An event at `at` (ms, same clock as `startedAt`). */
  event(at: number, label: string, text: string, tone: Tone): void {
    const t = `${((at - this.startedAt) / 1000).toFixed(1)}s`.padStart(6);
    this.line(`${this.paint(t, 'dim')}  ${this.paint(label.padEnd(10), tone)} ${text}`);
  }

  header(): void {
    this.line(this.paint('     t  state       req  primary  fallback  fallback share      blocked  slow  p50', 'dim'));
  }

  tick(tick: Tick): void {
    const answered = tick.primary + tick.fallback;
    const share = answered === 0 ? 0 : tick.fallback / answered;
    const filled = Math.round(share * 10);
    const bar = this.color
      ? '\u2588'.repeat(filled) + '\u2591'.repeat(10 - filled)
      : '#'.repeat(filled) + '.'.repeat(10 - filled);
    const stateTone: Tone = tick.state === 'closed' ? 'good' : tick.state === 'half-open' ? 'warn' : 'bad';
    const cells = [
      `${tick.second}s`.padStart(6),
      this.paint(tick.state.padEnd(10), stateTone),
      String(tick.requests).padStart(5),
      String(tick.primary).padStart(8),
      String(tick.fallback).padStart(9),
      ` ${this.paint(bar, share > 0 ? 'warn' : 'dim')} ${`${Math.round(share * 100)}%`.padStart(4)}`,
      this.paint(String(tick.blocked).padStart(8), tick.blocked > 0 ? 'bad' : 'dim'),
      String(tick.slow).padStart(5),
      tick.p50Ms === undefined ? '    -' : `${Math.round(tick.p50Ms)}ms`.padStart(7),
    ];
    if (tick.failed > 0) cells.push(this.paint(`  ${tick.failed} failed`, 'bad'));
    this.line(cells.join(' '));
  }
}

/** `1.23 s` */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

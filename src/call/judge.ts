/**
 * Judging: what detectors read from an output, the hot-path detectors' signals, and the verdict
 * (pass, flag, block). The same for a whole answer and, later, for each stretch of a streamed one.
 */
import type { CallContext, DetectorInput, Signal } from '../detectors/types.js';
import { defaultText, extractText, TEXT_VALUE_LIMIT, type ExtractedText } from '../text/extract.js';
import type { Core } from './core.js';
import type { Live } from './live.js';

export interface Judgement {
  readonly input: DetectorInput;
  readonly signals: readonly Signal[];
  /** Some detector flagged (or blocked) the output: it counts against the model. */
  readonly flagged: boolean;
  /** Detectors that blocked it; empty when it may pass. */
  readonly blockedBy: readonly string[];
  /** A detector said the call was slow (`signal.slow`). */
  readonly slow: boolean;
  /** The output answered a half-open probe. */
  readonly probe: boolean;
  /** Shadow mode: a block is recorded, never enforced. */
  readonly shadow: boolean;
}

export type TextOf = (output: unknown) => string;

/** One output of `route`, read and judged by this unit's hot-path detectors. */
export function judge(
  core: Core,
  live: Live,
  textOf: TextOf,
  output: unknown,
  latencyMs: number,
  route: string,
  context: CallContext,
  probe: boolean,
  shadow: boolean,
): Judgement {
  const read = readText(core, textOf, output, route);
  const text = typeof read === 'object' ? read.text : read;
  const input: DetectorInput = { text: text ?? '', output, latencyMs, route, breaker: core.name, context };
  const verdict = live.hotPath.run(input);
  let signals: readonly Signal[] = verdict.signals;
  let flagged = verdict.flagged;
  let blockedBy: readonly string[] = verdict.blockedBy;
  if (typeof read === 'object' && read.unread > 0) {
    // The default extractor stopped at its limit: reported on the call, never skipped silently.
    core.observe.emit('text-unread', { route, unread: read.unread, limit: TEXT_VALUE_LIMIT });
    signals = [...signals, { detector: 'text', score: 0, flagged: false, reason: unreadReason(read.unread) }];
  }
  if (text === undefined) {
    // An output the guard cannot read is judged like a throwing detector: counted, and the policy decides.
    const block = live.o.onDetectorError === 'block';
    signals = [
      ...signals,
      { detector: 'text', score: block ? 1 : 0, flagged: block, blocked: block, reason: 'reading the output threw' },
    ];
    flagged ||= block;
    if (block) blockedBy = [...blockedBy, 'text'];
  }
  let slow = false;
  for (let i = 0; i < signals.length; i++) if (signals[i]!.slow === true) slow = true;
  return { input, signals, flagged, blockedBy, slow, probe, shadow };
}

/**
 * The app's `text(output)`, or the default extractor when that throws or returns no string; each
 * throw is a detector error of the `text` stage. The default extractor's result comes with what it
 * left unread (a plain string output is returned as it is). Undefined when the output cannot be
 * read at all (a throwing getter, a hostile Proxy).
 */
function readText(core: Core, textOf: TextOf, output: unknown, route: string): string | ExtractedText | undefined {
  if (textOf === defaultText && typeof output === 'string') return output;
  try {
    if (textOf === defaultText) return extractText(output);
    const text = textOf(output);
    return typeof text === 'string' ? text : extractText(text);
  } catch (error) {
    core.observe.emit('detector-error', { detector: 'text', route, error, stage: 'text' });
    if (textOf === defaultText) return undefined;
  }
  try {
    return extractText(output);
  } catch (error) {
    core.observe.emit('detector-error', { detector: 'text', route, error, stage: 'text' });
    return undefined;
  }
}

const unreadReason = (unread: number): string =>
  `${unread} strings or objects in the output were not read: the default text extractor reads at most ${TEXT_VALUE_LIMIT} values`;

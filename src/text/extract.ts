/**
 * Default `text(output)`: what detectors read from a model output.
 *
 * The rule, in order:
 * 1. A string is the text. `null` and `undefined` are `''`; other non-objects are `String(value)`.
 * 2. A shape it knows gives its text fields only: OpenAI chat completions and chunks
 *    (`choices[].message|delta.content` and `.refusal`, legacy `choices[].text`), OpenAI Responses
 *    (`output_text`, else the `output[].content[]` parts), Anthropic messages (`content[]` text
 *    blocks) and the Vercel AI SDK `generateText` result (`text`).
 * 3. Any other object or array is walked for its string values, depth first in property order,
 *    at any depth (an explicit stack: no recursion limit), each object once (cycles and shared
 *    objects are read once). Byte arrays and other typed arrays hold no text and are not entered.
 *    The walk reads at most {@link TEXT_VALUE_LIMIT} values (property values and array elements
 *    of any type), so a huge output is read in bounded time. What is left when it stops is
 *    **reported, not skipped silently**: {@link extractText} returns how many strings, objects and
 *    arrays were left unread, and a guard turns a non-zero count into a `text` signal and a
 *    warning logged once per guard. Objects and arrays left unread are counted once each, not
 *    opened.
 *
 * For anything else, give the guard a `text(output)` option that returns the text to scan.
 */

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;

/** The most values (property values and array elements, of any type) the walk of an unknown shape reads. */
export const TEXT_VALUE_LIMIT = 100_000;

/** What the default extractor read from an output. */
export interface ExtractedText {
  /** The strings it read, joined with `\n`. */
  readonly text: string;
  /**
   * Strings, objects and arrays it did not read because it had already read {@link TEXT_VALUE_LIMIT}
   * values; 0 when every string in the output was read. An unread object or array counts as one.
   */
  readonly unread: number;
}

/** The default extractor's text (see the rule above). */
export function defaultText(output: unknown): string {
  return readOutput(output, false) as string;
}

/** The default extractor's text, and how much of the output it left unread (see the rule above). */
export function extractText(output: unknown): ExtractedText {
  const read = readOutput(output, true);
  return typeof read === 'string' ? { text: read, unread: 0 } : read;
}

/** The text, or with `report` and a walk, the text and the unread count. */
function readOutput(output: unknown, report: boolean): string | ExtractedText {
  if (typeof output === 'string') return output;
  if (!isObj(output)) return output === undefined || output === null ? '' : String(output);

  // OpenAI Responses API: `output_text` convenience, or the `output` items.
  if (output.object === 'response') {
    if (typeof output.output_text === 'string' && output.output_text !== '') return output.output_text;
    if (Array.isArray(output.output))
      return joinParts(
        output.output.flatMap((item) => (isObj(item) && Array.isArray(item.content) ? item.content : [])),
      );
  }
  // OpenAI chat completion: choices[].message.content (string or parts) and refusal.
  if (Array.isArray(output.choices)) {
    const texts: string[] = [];
    for (const choice of output.choices) {
      if (!isObj(choice)) continue;
      const message = isObj(choice.message) ? choice.message : isObj(choice.delta) ? choice.delta : undefined;
      if (message) {
        if (typeof message.content === 'string') texts.push(message.content);
        else if (Array.isArray(message.content)) texts.push(joinParts(message.content));
        if (typeof message.refusal === 'string') texts.push(message.refusal);
      } else if (typeof choice.text === 'string') texts.push(choice.text); // legacy completions
    }
    return texts.join('\n');
  }
  // Anthropic message: content blocks of type "text".
  if (output.type === 'message' && Array.isArray(output.content)) return joinParts(output.content);
  // Vercel AI SDK generateText result.
  if (typeof output.text === 'string') return output.text;

  const walked = walk(output);
  return report ? walked : walked.text;
}

function joinParts(parts: readonly unknown[]): string {
  const texts: string[] = [];
  for (const part of parts) {
    if (typeof part === 'string') texts.push(part);
    else if (isObj(part) && typeof part.text === 'string') texts.push(part.text);
    else if (isObj(part) && typeof part.refusal === 'string') texts.push(part.refusal);
  }
  return texts.join('\n');
}

/** One object or array on the walk's stack: its values are read from `next` on. */
interface Frame {
  readonly value: Obj | readonly unknown[];
  /** Own enumerable keys of an object (the order `Object.values` reads); undefined for an array. */
  readonly keys: readonly string[] | undefined;
  readonly length: number;
  next: number;
}

/** Typed arrays, `Buffer`s and `DataView`s hold bytes or numbers, never text. */
const holdsNoText = (value: Obj): boolean => ArrayBuffer.isView(value);

function frame(value: Obj): Frame {
  if (Array.isArray(value)) return { value, keys: undefined, length: value.length, next: 0 };
  const keys = Object.keys(value);
  return { value, keys, length: keys.length, next: 0 };
}

const at = (f: Frame, i: number): unknown =>
  f.keys === undefined ? (f.value as readonly unknown[])[i] : (f.value as Obj)[f.keys[i]!];

/** Depth first, in property order, each object once, at most TEXT_VALUE_LIMIT values. */
function walk(root: Obj): ExtractedText {
  if (holdsNoText(root)) return { text: '', unread: 0 };
  const found: string[] = [];
  const seen = new Set<object>([root]);
  const stack: Frame[] = [frame(root)];
  let budget = TEXT_VALUE_LIMIT;
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next >= top.length) {
      stack.pop();
      continue;
    }
    if (budget === 0) break;
    budget--;
    const value = at(top, top.next++);
    if (typeof value === 'string') found.push(value);
    else if (isObj(value) && !seen.has(value) && !holdsNoText(value)) {
      seen.add(value);
      stack.push(frame(value));
    }
  }
  // Stopped by the limit: count what could hold text in the values not read (containers are not opened).
  let unread = 0;
  for (const f of stack) {
    for (let i = f.next; i < f.length; i++) {
      const value = at(f, i);
      if (typeof value === 'string' || (isObj(value) && !seen.has(value) && !holdsNoText(value))) unread++;
    }
  }
  return { text: found.join('\n'), unread };
}

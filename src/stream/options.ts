/** The `stream` option of `guard()`: hold-back, what a cut does, and how chunks are read and made (docs/streaming.md). */
import {
  custom,
  literal,
  number,
  object,
  oneOf,
  optional,
  string,
  union,
  withDefault,
  type OutputOf,
} from '../rules/index.js';

/** The chunk type of a stream type: what `for await` gives (never for a whole answer). */
export type ChunkOf<S> = S extends AsyncIterable<infer C> ? C : S extends ReadableStream<infer C> ? C : never;

export interface StreamOptions<Args extends unknown[], Chunk> {
  /**
   * How much text is held back before the client sees it: a number of characters (default 64),
   * or `'sentence'` (up to the last sentence end, at most 1 000 characters). A block found while
   * text is held back cuts the stream before any of it is shown.
   */
  holdBack?: number | 'sentence';
  /** On a block mid-stream: `'fallback'` (default) continues the answer on the next route; `'end'` ends it with `message`. */
  onCut?: 'fallback' | 'end';
  /** The safe message that ends a cut stream no fallback continued. Default: {@link DEFAULT_STREAM_MESSAGE}; `''` for none. */
  message?: string;
  /** What detectors read from one chunk. Default: strings, bytes, OpenAI chat and Responses chunks, Anthropic events. */
  text?: (chunk: NoInfer<Chunk>) => string;
  /** Makes the closing chunk carrying `message`, for chunk shapes the guard does not know. */
  chunk?: (message: string) => NoInfer<Chunk>;
  /** The request a fallback continues a cut stream with, given the text the client already saw. Default: {@link assistantPrefix}. */
  continueWith?: (args: NoInfer<Args>, sent: string) => readonly unknown[];
  /**
   * How much of the text already shown a fallback gets as the answer so far: its last this many
   * characters (default 8 192), with nothing marking what was left out. It bounds what an open stream keeps.
   */
  continueChars?: number;
}

export const DEFAULT_STREAM_MESSAGE = ' [The rest of this answer was withheld by a safety check.]';

const fn = (what: string) => custom<(...args: never[]) => unknown>((v) => typeof v === 'function', `must be ${what}`);

export const streamOptionsRule = withDefault(
  object({
    holdBack: withDefault(union([number({ int: true, gte: 0, lte: 65_536 }), literal('sentence')]), 64),
    onCut: withDefault(oneOf(['fallback', 'end']), 'fallback'),
    message: withDefault(string(), DEFAULT_STREAM_MESSAGE),
    text: optional(fn('a function (chunk) => string')),
    chunk: optional(fn('a function (message) => chunk')),
    continueWith: optional(fn('a function (args, sent) => args')),
    continueChars: withDefault(number({ int: true, gte: 0 }), 8192),
  }),
  {},
);

type Parsed = OutputOf<typeof streamOptionsRule>;
export type ParsedStreamOptions = Omit<Parsed, 'text' | 'chunk' | 'continueWith'> & {
  readonly text?: (chunk: unknown) => string;
  readonly chunk?: (message: string) => unknown;
  readonly continueWith?: (args: unknown[], sent: string) => unknown[];
};

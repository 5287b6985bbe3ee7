/**
 * Default `text(output)`: what detectors read from a model output. Understands plain strings,
 * OpenAI chat completions and Responses API results, Anthropic messages and the Vercel AI SDK
 * `generateText` result. Anything else is walked for its string values (bounded depth), so an
 * unknown shape is still scanned rather than silently passed.
 */

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;

export function defaultText(output: unknown): string {
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

  const found: string[] = [];
  collectStrings(output, found, 0);
  return found.join('\n');
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

const MAX_DEPTH = 8;

function collectStrings(value: unknown, into: string[], depth: number): void {
  if (typeof value === 'string') {
    into.push(value);
    return;
  }
  if (!isObj(value) || depth >= MAX_DEPTH) return;
  const children = Array.isArray(value) ? value : Object.values(value);
  for (const child of children) collectStrings(child, into, depth + 1);
}

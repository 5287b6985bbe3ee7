/**
 * Reads a config file (YAML, or JSON — which YAML reads too) keeping every node's position, so
 * each error names the file, line, column, path, what was expected and what was found.
 */
import { readFile } from 'node:fs/promises';
import {
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Alias,
  type Document,
} from 'yaml';
import type { z } from 'zod';
import { boundViolations } from './bounds.js';
import { detectorRegistry, type DetectorRegistry } from './detectors.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import { configSchema, type SafetyBreakerConfig } from './schema.js';
import { rememberSource, type ConfigKey } from './source.js';
import { closest } from '../rules/closest.js';

export interface LoadConfigOptions {
  /** The app's own detector factories, by the name the config file uses. */
  readonly detectors?: DetectorRegistry;
  /**
   * Reject values far outside sane bounds (`recovery.afterMs` under 1 s, `timeoutMs` under 100 ms, …;
   * docs/config.md, "Sanity bounds") unless the breaker lists the key under `allowOutOfBounds`.
   * Default `true`; `false` turns the check off for every breaker.
   */
  readonly checkBounds?: boolean;
}

/**
 * Reads and validates a config file.
 *
 * ```ts
 * const config = await loadConfig('safety-breaker.yaml');
 * ```
 * @throws {ConfigError} listing every problem with its file, line, column and path.
 */
export async function loadConfig(file: string, options: LoadConfigOptions = {}): Promise<SafetyBreakerConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'an error';
    throw new ConfigError([
      {
        file,
        line: 0,
        column: 0,
        path: '',
        expected: 'a readable file',
        found: code,
        message: `cannot read the config file`,
      },
    ]);
  }
  return parseConfig(text, file, options);
}

/** Validates config text; `file` is only used in error messages. */
export function parseConfig(text: string, file = '<config>', options: LoadConfigOptions = {}): SafetyBreakerConfig {
  const registry = detectorRegistry(options.detectors);
  const { doc, lines, value } = parseYaml(text, file);
  if (value === undefined || value === null) {
    throw new ConfigError([
      {
        file,
        line: 1,
        column: 1,
        path: '',
        expected: 'a mapping with "breakers"',
        found: 'an empty file',
        message: 'the config file is empty',
      },
    ]);
  }
  normalizeEmptyDetectors(value);
  const schema = configSchema(registry);
  const result = schema.safeParse(value);
  const issues = result.success
    ? []
    : result.error.issues
        .flatMap(unwrapUnion)
        .map((issue) => describeIssue(issue, { file, doc, lines, value, schema }));
  // The checks beyond the schema run on what the file holds even when the schema failed elsewhere, so
  // every problem is reported at once; a value the schema already rejected is not reported twice.
  const reported = new Set(issues.map((i) => i.path));
  const at = (path: readonly Key[], expected: string, found: string, message: string): void => {
    if (!reported.has(path.join('.')))
      issues.push({ file, ...position(doc, lines, path), path: path.join('.'), expected, found, message });
  };
  for (const [breaker, b] of Object.entries(objectAt(value, 'breakers'))) {
    if (!isMapping(b)) continue; // the schema said so
    if (options.checkBounds !== false)
      for (const v of boundViolations(b))
        at(['breakers', breaker, ...v.key.split('.')], v.expected, show(v.value), 'outside sane bounds');
    // A detector's own checks (beyond its schema) run now, not at the first call.
    for (const [name, raw] of Object.entries(objectAt(b, 'detectors'))) {
      const parsed = registry[name]?.options.safeParse(raw);
      if (!parsed?.success || parsed.data === undefined) continue; // the schema said what is wrong
      try {
        registry[name]!.create(parsed.data);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        at(['breakers', breaker, 'detectors', name], `valid ${name} options`, show(raw), message);
      }
    }
    // guard() names routes by these names; the primary's is "primary".
    const fallbacks = (b as { fallbacks?: unknown }).fallbacks;
    const seen = new Set<unknown>(['primary']);
    if (Array.isArray(fallbacks))
      fallbacks.forEach((route: unknown, i) => {
        if (typeof route === 'string' && seen.has(route))
          at(
            ['breakers', breaker, 'fallbacks', i],
            'a route name not used before in this breaker (nor "primary")',
            show(route),
            route === 'primary'
              ? '"primary" names the primary route; give the fallback another name'
              : `two routes are named "${route}"; give each fallback a unique name`,
          );
        seen.add(route);
      });
  }
  if (issues.length > 0 || !result.success) throw new ConfigError(sortIssues(issues));
  rememberSource(result.data, {
    file,
    place: (path) => (valueAt(value, path) === MISSING ? { line: 0, column: 0 } : position(doc, lines, path)),
  });
  return result.data;
}

const isMapping = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The mapping at `key` of `value`, or an empty one when there is none. */
const objectAt = (value: unknown, key: string): Record<string, unknown> =>
  isMapping(value) && isMapping(value[key]) ? value[key] : {};

interface Parsed {
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
  readonly value: unknown;
}

/** Parses YAML keeping positions; syntax errors become `ConfigError`s with line and column. */
export function parseYaml(text: string, file: string): Parsed {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      sortIssues(
        doc.errors.map((e) => {
          const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
          const message = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
          return {
            file,
            line: pos.line,
            column: pos.col,
            path: '',
            expected: 'valid YAML or JSON',
            found: e.code,
            message,
          };
        }),
      ),
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    // yaml says "unresolved alias" or "excessive alias count" as a ReferenceError without a place.
    if (!(error instanceof ReferenceError)) throw error;
    throw new ConfigError([aliasIssue(doc, lines, file)]);
  }
  return { doc, lines, value };
}

/** The most aliases a file may expand to, counting the aliases inside what each alias stands for. */
const MAX_ALIASES = 100;

/**
 * Why the aliases could not be expanded, at the alias to blame: the first one without an anchor
 * before it, else the one at which the expansions (in file order) pass `MAX_ALIASES` — anchors of
 * aliases of anchors, the "billion laughs" a few lines can hold.
 */
function aliasIssue(doc: Document.Parsed, lines: LineCounter, file: string): ConfigIssue {
  const expansions = new Map<unknown, number>(); // anchored node → the aliases it expands to
  const inside = (node: unknown): number => {
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (target && !expansions.has(target)) {
        expansions.set(target, 0); // an alias inside its own anchor counts once
        expansions.set(target, inside(target));
      }
      return 1 + (target ? expansions.get(target)! : 0);
    }
    if (isCollection(node)) return node.items.reduce((n: number, item) => n + inside(item), 0);
    if (isPair(node)) return inside(node.key) + inside(node.value);
    return 0;
  };
  let unresolved: Alias | undefined;
  let excessive: Alias | undefined;
  let total = 0;
  visit(doc, {
    Alias(_, node) {
      if (!node.resolve(doc)) unresolved ??= node;
      else if ((total += inside(node)) > MAX_ALIASES) excessive ??= node;
    },
  });
  const at = (node: Alias | undefined) => {
    const pos = node?.range ? lines.linePos(node.range[0]) : { line: 1, col: 1 };
    return { file, line: pos.line, column: pos.col, path: '' };
  };
  if (unresolved)
    return {
      ...at(unresolved),
      expected: `an anchor &${unresolved.source} before the alias`,
      found: `*${unresolved.source}`,
      message: `alias "*${unresolved.source}" has no anchor before it`,
    };
  return {
    ...at(excessive),
    expected: `aliases that expand to at most ${MAX_ALIASES}`,
    found: `more (anchors of aliases of anchors)`,
    message: 'too many aliases once expanded, as in a "billion laughs" file',
  };
}

/** `toxicity:` with nothing after it means "default options", as `toxicity: {}` does. */
function normalizeEmptyDetectors(value: unknown): void {
  const breakers = (value as { breakers?: unknown }).breakers;
  if (typeof breakers !== 'object' || breakers === null) return;
  for (const b of Object.values(breakers)) {
    const detectors = (b as { detectors?: unknown } | null)?.detectors;
    if (typeof detectors !== 'object' || detectors === null) continue;
    for (const [k, v] of Object.entries(detectors)) if (v === null) (detectors as Record<string, unknown>)[k] = {};
  }
}

/**
 * A value that fits no member of a union: report the member it came closest to (the one whose
 * first problem lies deepest), so `trip: [{ policy: ratee }]` says "unknown policy", not "no form matches".
 */
export function unwrapUnion(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union' || issue.discriminator || issue.errors.length === 0) return [issue];
  const typeOnly = (branch: readonly z.core.$ZodIssue[]) =>
    branch.length === 1 && branch[0]!.code === 'invalid_type' && branch[0]!.path.length === 0;
  const depth = (branch: readonly z.core.$ZodIssue[]) =>
    typeOnly(branch) ? -1 : Math.max(...branch.map((i) => i.path.length));
  let best = issue.errors[0]!;
  for (const branch of issue.errors) if (depth(branch) > depth(best)) best = branch;
  if (typeOnly(best)) return [issue];
  return best.flatMap((inner) => unwrapUnion({ ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue));
}

interface IssueContext {
  readonly file: string;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
  readonly value: unknown;
  readonly schema: z.ZodType;
}

type Key = ConfigKey;

/** Turns one zod issue into a located, readable `ConfigIssue`. */
export function describeIssue(issue: z.core.$ZodIssue, ctx: IssueContext): ConfigIssue {
  const path = issue.path.map((k) => (typeof k === 'symbol' ? String(k) : k)) as Key[];
  const dotted = (p: readonly Key[]) => p.map(String).join('.');
  const found = valueAt(ctx.value, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0]!;
      const known = knownKeys(ctx.schema, path, ctx.value);
      const guess = closest(key, known);
      const at = position(ctx.doc, ctx.lines, [...path, key], true);
      const more =
        issue.keys.length > 1
          ? ` (and ${issue.keys
              .slice(1)
              .map((k) => `"${k}"`)
              .join(', ')})`
          : '';
      return {
        file: ctx.file,
        ...at,
        path: dotted([...path, key]),
        expected: known.length > 0 ? `one of ${known.join(', ')}` : 'no other keys',
        found: `"${key}"`,
        message: `unknown key "${key}"${more}${guess ? ` — did you mean "${guess}"?` : ''}`,
      };
    }
    case 'invalid_key':
      return {
        file: ctx.file,
        ...position(ctx.doc, ctx.lines, path, true),
        path: dotted(path),
        expected: 'a name of letters, digits and _ . : -',
        found: JSON.stringify(String(path.at(-1))),
        message: 'invalid name',
      };
    default: {
      const at = position(ctx.doc, ctx.lines, path);
      const guess = typeof found === 'string' ? closest(found, allowedValues(issue)) : undefined;
      return {
        file: ctx.file,
        ...at,
        path: dotted(path),
        expected: expectation(issue),
        found: found === MISSING ? 'nothing (the key is missing)' : show(found),
        message: `${headline(issue)}${guess ? ` — did you mean "${guess}"?` : ''}`,
      };
    }
  }
}

/** The string values an issue allows: a discriminator's options (policy, kind) or an enum's values. */
function allowedValues(issue: z.core.$ZodIssue): string[] {
  const values =
    issue.code === 'invalid_union' && issue.discriminator
      ? (issue as { options?: unknown[] }).options
      : issue.code === 'invalid_value'
        ? issue.values
        : undefined;
  return (values ?? []).filter((v): v is string => typeof v === 'string');
}

/** Issues in file order (line, then column); issues without a place keep theirs, first. */
export function sortIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort((a, b) => a.line - b.line || a.column - b.column);
}

function headline(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return 'wrong type';
    case 'too_small':
    case 'too_big':
      return 'out of range';
    case 'invalid_value':
      return 'not an allowed value';
    case 'invalid_union':
      return issue.discriminator ? `unknown ${issue.discriminator}` : 'matches none of the allowed forms';
    default:
      return issue.message;
  }
}

function expectation(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'object' ? 'a mapping' : issue.expected === 'array' ? 'a list' : `a ${issue.expected}`;
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = small ? (issue as z.core.$ZodIssueTooSmall).minimum : (issue as z.core.$ZodIssueTooBig).maximum;
      const op = small ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
      if (issue.origin === 'array') return `${small ? 'at least' : 'at most'} ${bound} item(s)`;
      if (issue.origin === 'string') return `${small ? 'at least' : 'at most'} ${bound} character(s)`;
      return `a number ${op} ${bound}`;
    }
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union':
      if (issue.discriminator)
        return `one of ${(issue as { options?: unknown[] }).options?.map((o) => JSON.stringify(o)).join(', ') ?? '(see the schema)'}`;
      return 'one of the forms in the schema (`safety-breaker schema`)';
    case 'invalid_format':
      return issue.format === 'regex'
        ? `a string matching ${(issue as { pattern?: string }).pattern}`
        : `a ${issue.format}`;
    case 'not_multiple_of':
      return `a multiple of ${String(issue.divisor)}`;
    default:
      return issue.message;
  }
}

const MISSING = Symbol('missing');

function valueAt(value: unknown, path: readonly Key[]): unknown {
  let v = value;
  for (const k of path) {
    if (typeof v !== 'object' || v === null || !(k in v)) return MISSING;
    v = (v as Record<Key, unknown>)[k];
  }
  return v;
}

/** A short rendering of a found value: `"high" (a string)`, `12 (a number)`, `a list`. */
export function show(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string')
    return `${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)} (a string)`;
  return `${String(value)} (a ${typeof value})`;
}

/** Line and column of the node at `path`, or of its deepest existing ancestor. `keyNode`: the key itself. */
export function position(
  doc: Document.Parsed,
  lines: LineCounter,
  path: readonly Key[],
  keyNode = false,
): { line: number; column: number } {
  let node: unknown = doc.contents;
  let best: unknown = node;
  for (let i = 0; i < path.length; i++) {
    const k = path[i]!;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(k));
      if (!pair) break;
      const last = i === path.length - 1;
      if (last && keyNode) {
        best = pair.key;
        break;
      }
      best = pair.value ?? pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof k === 'number') {
      const item = node.items[k];
      if (!item) break;
      best = item;
      node = item;
    } else break;
  }
  const range = (best as { range?: [number, number, number] } | null | undefined)?.range;
  if (!range) return { line: 1, column: 1 };
  const pos = lines.linePos(range[0]);
  return { line: pos.line, column: pos.col };
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  valueType?: z.ZodType;
  element?: z.ZodType;
  innerType?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
}
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The keys the schema allows at `path` (following the input through unions). */
function knownKeys(schema: z.ZodType, path: readonly Key[], input: unknown): string[] {
  let s: z.ZodType | undefined = schema;
  let value: unknown = input;
  const step = (key: Key | undefined): void => {
    for (let guard = 0; s && guard < 20; guard++) {
      const d = defOf(s);
      if (d.innerType) s = d.innerType;
      else if (d.type === 'pipe' && d.in) s = d.in;
      else if (d.type === 'union' && d.options) s = pickOption(d.options, value);
      else break;
    }
    if (!s || key === undefined) return;
    const d = defOf(s);
    s =
      d.type === 'object'
        ? d.shape?.[String(key)]
        : d.type === 'record'
          ? d.valueType
          : d.type === 'array'
            ? d.element
            : undefined;
    value = typeof value === 'object' && value !== null ? (value as Record<Key, unknown>)[key] : undefined;
  };
  for (const k of path) step(k);
  step(undefined);
  if (!s) return [];
  const d = defOf(s);
  return d.type === 'object' && d.shape ? Object.keys(d.shape) : [];
}

/** The union member the input most likely meant: an object whose discriminator matches, else the first object. */
function pickOption(options: readonly z.ZodType[], value: unknown): z.ZodType | undefined {
  const isObj = typeof value === 'object' && value !== null && !Array.isArray(value);
  const candidates = options.filter((o) => {
    let d = defOf(o);
    while (d.innerType) d = defOf(d.innerType);
    if (Array.isArray(value)) return d.type === 'array';
    return isObj ? d.type === 'object' || d.type === 'union' : false;
  });
  for (const o of candidates) {
    let d = defOf(o);
    while (d.innerType) d = defOf(d.innerType);
    if (d.type === 'union' && d.options) {
      const inner = pickOption(d.options, value);
      if (inner) return inner;
      continue;
    }
    const policy = d.shape?.policy ?? d.shape?.kind;
    const disc = d.shape?.policy ? 'policy' : 'kind';
    if (!policy) return o;
    const literal = (defOf(policy) as { values?: unknown[] }).values;
    if (literal?.includes((value as Record<string, unknown>)[disc])) return o;
  }
  return candidates[0];
}

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tripPolicySpecRule } from '../../src/breaker/policies/index.js';
import { configJsonSchema, parseConfig } from '../../src/config/index.js';
import { ruleToZod } from '../../src/config/rules-to-zod.js';
import { latencyOptionsRule } from '../../src/detectors/latency.js';
import {
  array,
  custom,
  number,
  object,
  oneOf,
  optional,
  refine,
  string,
  union,
  withDefault,
} from '../../src/rules/index.js';
import { parseOptions } from '../../src/validation.js';

type Schema = Record<string, unknown> & { properties: Record<string, Schema>; oneOf: Schema[]; anyOf: Schema[] };

describe('ruleToZod', () => {
  it('keeps bounds, defaults, strictness and string checks', () => {
    const schema = ruleToZod(
      object({
        probes: withDefault(number({ int: true, gte: 1, lte: 1_000 }), 3),
        ratio: optional(number({ gt: 0, lt: 1 })),
        name: optional(string({ min: 1, max: 3, pattern: /^[a-z]+$/, patternMessage: 'must be lower case' })),
        mode: withDefault(oneOf(['pass', 'block']), 'pass'),
        list: optional(array(number(), { min: 1, max: 2 })),
        either: optional(union([number(), string()])),
      }),
    );
    expect(schema.parse({})).toEqual({ probes: 3, mode: 'pass' });
    for (const bad of [
      { probes: 0 },
      { probes: 1.5 },
      { ratio: 1 },
      { name: 'ABC' },
      { name: 'abcd' },
      { mode: 'x' },
      { list: [] },
      { either: true },
      { extra: 1 },
    ])
      expect(schema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    expect(schema.safeParse({ name: 'ABC' }).error?.issues[0]?.message).toBe('must be lower case');
    expect(schema.safeParse({ extra: 1 }).error?.issues[0]?.code).toBe('unrecognized_keys');
  });

  it('keeps a custom rule’s message and a refinement’s path', () => {
    const fn = ruleToZod(custom((v) => typeof v === 'function', 'must be a function'));
    expect(fn.safeParse('x').error?.issues[0]?.message).toBe('must be a function');
    const range = ruleToZod(
      refine(object({ min: number(), max: number() }), (r) => r.max > r.min, 'max ≤ min', ['max']),
    );
    expect(range.safeParse({ min: 2, max: 1 }).error?.issues[0]).toMatchObject({ path: ['max'], message: 'max ≤ min' });
  });

  it('a default that is a function is parsed by the rule each time', () => {
    const schema = ruleToZod(withDefault(object({ n: withDefault(number(), 1) }), () => ({})));
    expect(schema.parse(undefined)).toEqual({ n: 1 });
    expect(z.toJSONSchema(schema, { io: 'input' })).toMatchObject({ default: { n: 1 } });
  });
});

describe('the config file takes the trip policy rules guard() takes', () => {
  const policies = Object.keys(tripPolicySpecRule.forms);
  const required: Record<string, object> = { 'latency-p95': { thresholdMs: 800 } };

  it('each policy parses to the same spec, defaults included', () => {
    for (const policy of policies) {
      const spec = { policy, ...required[policy] };
      const yaml = `breakers:\n  chat:\n    trip: ${JSON.stringify(spec)}\n`;
      const fromConfig = parseConfig(yaml).breakers.chat!.trip;
      expect(fromConfig, policy).toEqual(parseOptions(tripPolicySpecRule, spec, 'spec'));
    }
  });

  it('the JSON Schema describes every policy, its keys and defaults', () => {
    const schema = configJsonSchema() as Schema;
    const trip = schema.properties.breakers!.additionalProperties as Schema;
    const forms = trip.properties.trip!.anyOf[0]!.oneOf;
    expect(forms.map((f) => f.properties.policy!.const)).toEqual(policies);
    const wilson = forms.find((f) => f.properties.policy!.const === 'wilson')!;
    expect(Object.keys(wilson.properties)).toEqual(['policy', 'threshold', 'confidence', 'minimumCalls', 'window']);
    expect(wilson.properties.threshold).toMatchObject({ default: 0.2, exclusiveMinimum: 0, exclusiveMaximum: 1 });
    expect(wilson.properties.window).toMatchObject({ default: { kind: 'count', size: 100 } });
    expect(wilson.additionalProperties).toBe(false);
    const latency = forms.find((f) => f.properties.policy!.const === 'latency-p95')!;
    expect(latency.required).toEqual(['policy', 'thresholdMs']);
  });

  it('the latency detector’s options are its own rule', () => {
    expect(() => parseConfig('breakers:\n  chat:\n    detectors: { latency: { slowMs: 0 } }\n')).toThrow(
      /detectors\.latency\.slowMs: out of range \(expected a number > 0/,
    );
    expect(ruleToZod(latencyOptionsRule()).parse({ slowMs: 5 })).toEqual({ slowMs: 5 });
  });
});

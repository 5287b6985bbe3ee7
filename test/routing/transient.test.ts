import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { isCallerError, isTransientError, statusOf } from '../../src/routing/transient.js';

const withStatus = (status: number) => Object.assign(new Error(`HTTP ${status}`), { status });

describe('isTransientError', () => {
  it('retries rate limits, request timeouts and server errors', () => {
    for (const s of [408, 429, 500, 502, 503, 504, 529]) expect(isTransientError(withStatus(s)), String(s)).toBe(true);
    for (const s of [400, 401, 403, 404, 409, 422]) expect(isTransientError(withStatus(s)), String(s)).toBe(false);
  });

  it('reads the status where SDKs and HTTP clients put it', () => {
    expect(statusOf({ statusCode: 503 })).toBe(503);
    expect(statusOf({ response: { status: 429 } })).toBe(429);
    expect(statusOf({ status: '500' })).toBeUndefined();
    expect(statusOf(null)).toBeUndefined();
  });

  it('retries network failures: socket codes, SDK connection errors, fetch failures with a cause', () => {
    expect(isTransientError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isTransientError(new OpenAI.APIConnectionError({ message: 'Connection error.' }))).toBe(true);
    expect(isTransientError(new OpenAI.APIConnectionTimeoutError())).toBe(true);
    expect(
      isTransientError(
        new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' }) }),
      ),
    ).toBe(true);
    expect(isTransientError(new Error('wrapped', { cause: withStatus(503) }))).toBe(true);
    expect(isTransientError(new TypeError('Failed to fetch'))).toBe(true); // undici / msw network error
  });

  it('does not retry bugs, caller errors or non-errors', () => {
    expect(isTransientError(new TypeError("Cannot read properties of undefined (reading 'choices')"))).toBe(false);
    expect(isTransientError(new OpenAI.BadRequestError(400, { message: 'bad' }, 'bad', new Headers()))).toBe(false);
    expect(isTransientError('string error')).toBe(false);
    expect(isTransientError(undefined)).toBe(false);
    const cyclic: { cause?: unknown } = {};
    cyclic.cause = cyclic;
    expect(isTransientError(cyclic)).toBe(false);
  });
});

describe('isCallerError', () => {
  it('4xx except 408 and 429', () => {
    expect(isCallerError(withStatus(400))).toBe(true);
    expect(isCallerError(withStatus(401))).toBe(true);
    expect(isCallerError(withStatus(422))).toBe(true);
    expect(isCallerError(withStatus(408))).toBe(false);
    expect(isCallerError(withStatus(429))).toBe(false);
    expect(isCallerError(withStatus(500))).toBe(false);
    expect(isCallerError(new Error('no status'))).toBe(false);
  });
});

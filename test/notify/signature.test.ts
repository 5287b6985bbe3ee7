/** The webhook signature scheme: what a receiver checks, and what it must reject. */
import { describe, expect, it } from 'vitest';
import { signWebhookPayload, verifyWebhookSignature } from '../../src/incidents/notify/signature.js';

const body = JSON.stringify({ type: 'incident.trigger', delivery: 'inc-1:trigger', incident: { id: 'inc-1' } });
const t = 1_765_000_000;

describe('verifyWebhookSignature', () => {
  it('round-trips: what signWebhookPayload signs, verify accepts (string or bytes)', () => {
    const header = signWebhookPayload(body, 'whsec', t);
    expect(header).toMatch(/^t=1765000000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature({ payload: body, header, secret: 'whsec', now: t + 10 })).toEqual({
      ok: true,
      timestamp: t,
    });
    const bytes = new TextEncoder().encode(body);
    expect(verifyWebhookSignature({ payload: bytes, header, secret: 'whsec', now: t }).ok).toBe(true);
  });

  it('is the documented HMAC: hex HMAC-SHA256 of `${t}.${body}`', async () => {
    const { createHmac } = await import('node:crypto');
    const v1 = createHmac('sha256', 'whsec').update(`${t}.${body}`).digest('hex');
    expect(signWebhookPayload(body, 'whsec', t)).toBe(`t=${t},v1=${v1}`);
  });

  it('rejects a tampered body, a tampered timestamp and a wrong secret', () => {
    const header = signWebhookPayload(body, 'whsec', t);
    const tampered = body.replace('inc-1', 'inc-2');
    expect(verifyWebhookSignature({ payload: tampered, header, secret: 'whsec', now: t })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    const moved = header.replace(`t=${t}`, `t=${t + 1}`);
    expect(verifyWebhookSignature({ payload: body, header: moved, secret: 'whsec', now: t })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyWebhookSignature({ payload: body, header, secret: 'other', now: t }).ok).toBe(false);
  });

  it('rejects an old delivery (a replay) and one from too far in the future, beyond the tolerance', () => {
    const header = signWebhookPayload(body, 'whsec', t);
    expect(verifyWebhookSignature({ payload: body, header, secret: 'whsec', now: t + 300 }).ok).toBe(true);
    expect(verifyWebhookSignature({ payload: body, header, secret: 'whsec', now: t + 301 })).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect(verifyWebhookSignature({ payload: body, header, secret: 'whsec', now: t - 301 }).ok).toBe(false);
    expect(
      verifyWebhookSignature({ payload: body, header, secret: 'whsec', now: t + 3_000, toleranceSeconds: 3_600 }).ok,
    ).toBe(true);
  });

  it('rotation: signed with two secrets, accepted by a receiver holding either', () => {
    const header = signWebhookPayload(body, ['new', 'old'], t);
    expect(header.split(',v1=')).toHaveLength(3);
    expect(verifyWebhookSignature({ payload: body, header, secret: 'old', now: t }).ok).toBe(true);
    expect(verifyWebhookSignature({ payload: body, header, secret: ['new'], now: t }).ok).toBe(true);
    expect(verifyWebhookSignature({ payload: body, header, secret: 'neither', now: t }).ok).toBe(false);
  });

  it('missing or malformed headers are rejected with the reason, never thrown', () => {
    const check = (header: string | null | undefined) =>
      verifyWebhookSignature({ payload: body, header, secret: 'whsec', now: t });
    expect(check(undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(check(null)).toEqual({ ok: false, reason: 'missing' });
    expect(check('')).toEqual({ ok: false, reason: 'missing' });
    for (const bad of ['garbage', `t=${t}`, `v1=${'a'.repeat(64)}`, `t=abc,v1=${'a'.repeat(64)}`, `t=${t},v1=zz`])
      expect(check(bad), bad).toEqual({ ok: false, reason: 'malformed' });
    // A v1 of the right form but the wrong value: a mismatch, compared in constant time.
    expect(check(`t=${t},v1=${'0'.repeat(64)}`)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses an empty secret (an unset variable read as "") and a bad tolerance, by name', () => {
    const header = signWebhookPayload(body, '', t);
    expect(() => verifyWebhookSignature({ payload: body, header, secret: '', now: t })).toThrow(
      'verifyWebhookSignature(): option "secret"',
    );
    expect(() =>
      verifyWebhookSignature({ payload: body, header, secret: 'whsec', toleranceSeconds: Number.NaN, now: t }),
    ).toThrow('option "toleranceSeconds"');
  });
});

/**
 * The webhook signature, as Stripe and GitHub sign theirs: an HMAC-SHA256 over the timestamp and
 * the raw body, so a receiver can reject a tampered body and a replayed old delivery.
 *
 *     Safety-Breaker-Signature: t=1765000000,v1=5257a869e7…
 *
 * `t` is Unix seconds when the attempt was sent; `v1` is the hex HMAC-SHA256, keyed with the
 * secret, of `${t}.${body}`. Several `v1` appear while a secret is rotated (one per secret).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { array, custom, number, object, optional, union } from '../../rules/index.js';
import { parseOptions } from '../../validation.js';
import { secret } from './rules.js';

export const SIGNATURE_HEADER = 'safety-breaker-signature';

/** Five minutes, as Stripe's default: time for a slow network, too short to replay a captured delivery later. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const hmac = (secret: string, timestamp: number, payload: string | Uint8Array): Buffer =>
  createHmac('sha256', secret).update(`${timestamp}.`).update(payload).digest();

/** The signature header's value for `payload`, signed with each secret at `timestamp` (Unix seconds). */
export function signWebhookPayload(
  payload: string | Uint8Array,
  secrets: string | readonly string[],
  timestamp: number = Math.floor(Date.now() / 1000),
): string {
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  return [`t=${timestamp}`, ...list.map((s) => `v1=${hmac(s, timestamp, payload).toString('hex')}`)].join(',');
}

export interface VerifyWebhookOptions {
  /** The raw request body, exactly as received (not re-serialised JSON). */
  readonly payload: string | Uint8Array;
  /** The `Safety-Breaker-Signature` header. */
  readonly header: string | null | undefined;
  /** The shared secret; several while rotating (any one may match). */
  readonly secret: string | readonly string[];
  /** How far `t` may be from now, in seconds. Default {@link DEFAULT_TOLERANCE_SECONDS}. */
  readonly toleranceSeconds?: number;
  /** Now, in Unix seconds (tests). Default: the clock. */
  readonly now?: number;
}

// An empty secret would let anyone sign (an unset variable read as ''): refused, like a bad tolerance.
const verifyRule = object({
  payload: custom<string | Uint8Array>(
    (v) => typeof v === 'string' || v instanceof Uint8Array,
    'must be the raw body: a string or bytes',
  ),
  header: custom<string | null | undefined>(
    (v) => v === undefined || v === null || typeof v === 'string',
    'must be the header value (a string, or null/undefined when absent)',
  ),
  secret: union([secret, array(secret, { min: 1 })]),
  toleranceSeconds: optional(number({ gte: 0 })),
  now: optional(number()),
});

export type WebhookVerification =
  | { readonly ok: true; readonly timestamp: number }
  | { readonly ok: false; readonly reason: 'missing' | 'malformed' | 'expired' | 'mismatch' };

/**
 * Checks a delivery's signature: a `v1` that matches the HMAC of one of the secrets (compared in
 * constant time), and a timestamp within the tolerance of now (either side, for clock skew). A bad
 * delivery is a result, never an exception; a bad option (an empty secret) is a TypeError.
 */
export function verifyWebhookSignature(options: VerifyWebhookOptions): WebhookVerification {
  const { header, payload } = parseOptions(verifyRule, options, 'verifyWebhookSignature()');
  if (!header) return { ok: false, reason: 'missing' };
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = parts.find(([k]) => k === 't')?.[1];
  const signatures = parts.filter(([k, v]) => k === 'v1' && v !== undefined && /^[0-9a-f]{64}$/.test(v));
  if (t === undefined || !/^\d{1,12}$/.test(t) || signatures.length === 0) return { ok: false, reason: 'malformed' };
  const timestamp = Number(t);
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS))
    return { ok: false, reason: 'expired' };
  const secrets = typeof options.secret === 'string' ? [options.secret] : options.secret;
  const expected = secrets.map((s) => hmac(s, timestamp, payload));
  const match = signatures.some(([, v]) => {
    const given = Buffer.from(v!, 'hex');
    return expected.some((e) => timingSafeEqual(e, given));
  });
  return match ? { ok: true, timestamp } : { ok: false, reason: 'mismatch' };
}

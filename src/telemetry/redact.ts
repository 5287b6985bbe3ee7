import { isIPv6 } from 'node:net';
import {
  API_KEY,
  BEARER,
  CARD_CANDIDATE,
  EMAIL,
  IBAN_CANDIDATE,
  IPV4,
  IPV6_CANDIDATE,
  JWT,
  PHONE_CANDIDATE,
  SECRET_PAIR,
  SSN,
  ibanValid,
  isBearerToken,
  isPhone,
  luhnValid,
} from './pii-patterns.js';

export { luhnValid };

/** Which kinds of personal data {@link redact} replaces. Every kind is on by default. */
export interface RedactOptions {
  /** Credentials: API keys (OpenAI, Anthropic, AWS, GitHub, …), JWTs, bearer tokens, `password=`/`secret=`/`token=` values. */
  readonly secrets?: boolean;
  readonly emails?: boolean;
  /** IBANs that pass the mod-97 check. */
  readonly ibans?: boolean;
  /** Card numbers: 13–19 digits (spaces or dashes allowed) that pass the Luhn check. */
  readonly cards?: boolean;
  /** US social security numbers, with or without dashes (so any 9-digit number an SSN could be). */
  readonly ssns?: boolean;
  /** IPv4 and IPv6 addresses (a dotted number after "version", "v", … is a version and stays). */
  readonly ips?: boolean;
  readonly phones?: boolean;
}

/** What each kind is replaced with. Secrets keep their name or scheme: `password=[REDACTED_SECRET]`. */
export const REDACTED = {
  secret: '[REDACTED_SECRET]',
  email: '[REDACTED_EMAIL]',
  iban: '[REDACTED_IBAN]',
  card: '[REDACTED_CARD]',
  ssn: '[REDACTED_SSN]',
  ip: '[REDACTED_IP]',
  phone: '[REDACTED_PHONE]',
} as const;

type Replacer = (match: string, ...groups: string[]) => string;
interface Rule {
  readonly kind: keyof RedactOptions;
  readonly pattern: RegExp;
  readonly replace: string | Replacer;
}

/** A quoted value stays quoted, so redacted JSON stays JSON. */
const secretValue = (value: string): string =>
  value[0] === '"' || value[0] === "'" ? `${value[0]}${REDACTED.secret}${value[0]}` : REDACTED.secret;

// In this order: credentials first (their digits must not be read as cards or phones), then what
// a longer pattern contains (an IBAN holds digit groups, an SSN looks like a phone number).
const RULES: readonly Rule[] = [
  { kind: 'secrets', pattern: SECRET_PAIR, replace: (_, name, value) => `${name}${secretValue(value!)}` },
  {
    kind: 'secrets',
    pattern: BEARER,
    replace: (m, scheme, token) => (isBearerToken(token!) ? scheme + REDACTED.secret : m),
  },
  { kind: 'secrets', pattern: JWT, replace: REDACTED.secret },
  { kind: 'secrets', pattern: API_KEY, replace: REDACTED.secret },
  { kind: 'emails', pattern: EMAIL, replace: REDACTED.email },
  { kind: 'ibans', pattern: IBAN_CANDIDATE, replace: (m) => (ibanValid(m) ? REDACTED.iban : m) },
  { kind: 'cards', pattern: CARD_CANDIDATE, replace: (m) => (luhnValid(m.replace(/[ -]/g, '')) ? REDACTED.card : m) },
  { kind: 'ssns', pattern: SSN, replace: REDACTED.ssn },
  { kind: 'ips', pattern: IPV6_CANDIDATE, replace: (m) => (isIPv6(m) ? REDACTED.ip : m) },
  { kind: 'ips', pattern: IPV4, replace: REDACTED.ip },
  { kind: 'phones', pattern: PHONE_CANDIDATE, replace: (m) => (isPhone(m) ? REDACTED.phone : m) },
];

/**
 * Replaces personal data and credentials in `text`: API keys, JWTs, bearer tokens and the values
 * of `password=`/`secret=`/`token=` pairs, emails, IBANs and card numbers (checksummed, so order
 * numbers stay), US SSNs, IP addresses and phone numbers. Linear in the length of `text`, even on
 * hostile input. Use it before a prompt, an output or an error message goes anywhere an operator
 * opted in to (logs, span attributes, incident evidence).
 *
 * ```ts
 * redact('mail jane@example.com or call +1 415 555 2671'); // 'mail [REDACTED_EMAIL] or call [REDACTED_PHONE]'
 * ```
 */
export function redact(text: string, options: RedactOptions = {}): string {
  if (typeof text !== 'string') throw new TypeError(`redact(text): text must be a string (got ${typeof text})`);
  let out = text;
  for (const rule of RULES) {
    if (options[rule.kind] === false) continue;
    out =
      typeof rule.replace === 'string'
        ? out.replace(rule.pattern, rule.replace)
        : out.replace(rule.pattern, rule.replace);
  }
  return out;
}

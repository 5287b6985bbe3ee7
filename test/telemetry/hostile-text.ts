/**
 * Text built to make a redactor rescan: long runs of what one pattern would read as the start of a
 * match, with nothing that completes it. Shared by test/telemetry/redact.test.ts (results) and
 * bench/redact.ts (time per MB).
 */
export const HOSTILE_UNITS: Readonly<Record<string, string>> = {
  letters: 'a',
  'letter-dot': 'a.',
  digits: '7',
  'digit-dot': '7.',
  'digit-dash': '7-',
  'digit-space': '7 ',
  'hex-colon': 'af:',
  'letter-at': 'a@',
  'letter-dash': 'a-',
  'plus-digits': '+1',
  'word-underscore': 'a_',
  'secret-name-dash': 'a-token',
  'secret-name-space': 'password ',
  'bearer-word': 'bearer ',
  'jwt-header': 'eyJa',
  'iban-prefix': 'DE89',
  'digit-groups': '123 ',
  'version-prefix': 'v1.',
};

/** `unit` repeated to about `length` characters (whole units, so the run never ends on a cut unit). */
export function hostileText(unit: string, length: number): string {
  return unit.repeat(Math.max(1, Math.round(length / unit.length)));
}

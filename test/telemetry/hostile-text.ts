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
};

/** `unit` repeated to exactly `length` characters. */
export function hostileText(unit: string, length: number): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

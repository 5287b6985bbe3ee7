import { describe, expect, it } from 'vitest';
import { luhnValid, redact } from '../../src/telemetry/redact.js';
import { HOSTILE_UNITS, hostileText } from './hostile-text.js';

describe('redact', () => {
  it.each([
    ['write to jane.doe+tag@mail.example.co.uk today', 'write to [REDACTED_EMAIL] today'],
    ['ops@example.io', '[REDACTED_EMAIL]'],
  ])('redacts emails: %s', (input, expected) => expect(redact(input)).toBe(expected));

  it.each([
    ['+1 (415) 555-2671', '[REDACTED_PHONE]'],
    ['call 415-555-2671 now', 'call [REDACTED_PHONE] now'],
    ['+44 20 7946 0958', '[REDACTED_PHONE]'],
    ['020 7946 0958', '[REDACTED_PHONE]'],
    ['+4915112345678', '[REDACTED_PHONE]'],
    ['(030) 123 4567', '[REDACTED_PHONE]'],
  ])('redacts phone numbers: %s', (input, expected) => expect(redact(input)).toBe(expected));

  it.each([
    ['visa 4111 1111 1111 1111 ok', 'visa [REDACTED_CARD] ok'],
    ['4111-1111-1111-1111', '[REDACTED_CARD]'],
    ['5555555555554444', '[REDACTED_CARD]'],
    ['amex 378282246310005', 'amex [REDACTED_CARD]'],
  ])('redacts card numbers that pass Luhn: %s', (input, expected) => expect(redact(input)).toBe(expected));

  it('finds a card next to other numbers without swallowing them', () => {
    expect(redact('card 4111111111111111 10 times, call 415-555-2671 4111 1111 1111 1111')).toBe(
      'card [REDACTED_CARD] 10 times, call [REDACTED_PHONE] [REDACTED_CARD]',
    );
  });

  it('leaves digit runs that fail the Luhn check as cards (and are too long for phones)', () => {
    expect(redact('order 4111 1111 1111 1112 shipped')).toBe('order 4111 1111 1111 1112 shipped');
    expect(redact('tracking 1234567890123456')).toBe('tracking 1234567890123456');
  });

  it.each([
    ['from 192.168.1.10 and 10.0.0.1:8080', 'from [REDACTED_IP] and [REDACTED_IP]:8080'],
    ['v6 2001:db8::1 and ::1.', 'v6 [REDACTED_IP] and [REDACTED_IP].'],
    ['mapped ::ffff:192.0.2.1 here', 'mapped [REDACTED_IP] here'],
    ['full 2001:0db8:85a3:0000:0000:8a2e:0370:7334', 'full [REDACTED_IP]'],
  ])('redacts IPv4 and IPv6 addresses: %s', (input, expected) => expect(redact(input)).toBe(expected));

  it('keeps what is not personal data: dates, times, versions, prices, short numbers, invalid IPs', () => {
    const text = 'On 2024-01-15 at 12:30:45, v1.2.3 cost 1,299.99 for 3 items (order 12345678); 999.1.1.1 is no IP';
    expect(redact(text)).toBe(text);
  });

  it('turns each kind off on request', () => {
    const text = 'jane@example.com 415-555-2671 4111111111111111 10.0.0.1';
    expect(redact(text, { emails: false })).toBe('jane@example.com [REDACTED_PHONE] [REDACTED_CARD] [REDACTED_IP]');
    expect(redact(text, { phones: false, cards: false, ips: false })).toBe(
      '[REDACTED_EMAIL] 415-555-2671 4111111111111111 10.0.0.1',
    );
  });

  it('checks Luhn', () => {
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('79927398710')).toBe(false);
    expect(luhnValid('')).toBe(false);
  });

  it('rejects a non-string with a TypeError', () => {
    expect(() => redact(42 as never)).toThrow(TypeError);
  });

  // 256 KB each: before the email pattern was anchored to the start of a run, each took about a
  // minute (quadratic); the time itself is measured by bench/redact.ts, not here.
  describe('hostile input: long runs that start a match and never finish it', () => {
    const length = 256 * 1024;

    it.each(Object.entries(HOSTILE_UNITS))('keeps a run of %s and redacts what is around it', (_, unit) => {
      const run = hostileText(unit, length);
      expect(redact(`jane@example.com ${run} 10.0.0.1`)).toBe(`[REDACTED_EMAIL] ${run} [REDACTED_IP]`);
    });

    it('redacts a whole 256 KB local part as one email, not only its tail', () => {
      expect(redact(`to ${'a'.repeat(length)}@example.com.`)).toBe('to [REDACTED_EMAIL].');
    });
  });
});

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

  it.each([
    ['pay to DE89 3704 0044 0532 0130 00 today', 'pay to [REDACTED_IBAN] today'],
    ['GB82WEST12345698765432', '[REDACTED_IBAN]'],
    ['IBAN: FR1420041010050500013M02606.', 'IBAN: [REDACTED_IBAN].'],
  ])('redacts IBANs that pass the mod-97 check: %s', (input, expected) => expect(redact(input)).toBe(expected));

  it('leaves an IBAN-shaped string whose check digits are wrong', () => {
    expect(redact('ref DE89 3704 0044 0532 0130 01')).toBe('ref DE89 3704 0044 0532 0130 01');
  });

  it.each([
    ['ssn 078051120 on file', 'ssn [REDACTED_SSN] on file'],
    ['SSN: 078-05-1120', 'SSN: [REDACTED_SSN]'],
    ['219 09 9999', '[REDACTED_SSN]'],
  ])('redacts US social security numbers, with or without dashes: %s', (input, expected) =>
    expect(redact(input)).toBe(expected),
  );

  it('leaves 9-digit numbers that cannot be SSNs (area 000, 666 or 9xx) and longer digit runs', () => {
    const text = 'ids 000123456 666123456 912345678 and 1234567890';
    expect(redact(text)).toBe(text);
  });

  const ghp = `ghp_${'A1b2C3d4E5'.repeat(3)}xyz123`;
  it.each([
    ['OPENAI_API_KEY=sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z', 'OPENAI_API_KEY=[REDACTED_SECRET]'],
    ['key sk-ant-api03-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe-AbCd_EfGh ok', 'key [REDACTED_SECRET] ok'],
    ['aws AKIAIOSFODNN7EXAMPLE here', 'aws [REDACTED_SECRET] here'],
    [`token for ci: ${ghp}.`, 'token for ci: [REDACTED_SECRET].'],
    ['github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyz0123456789ABCDEFGHIJ', '[REDACTED_SECRET]'],
  ])('redacts API keys: %s', (input, expected) => expect(redact(input)).toBe(expected));

  it('redacts JWTs', () => {
    const jwt =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
    expect(redact(`session ${jwt}, expired`)).toBe('session [REDACTED_SECRET], expired');
  });

  it('redacts bearer tokens and keeps the scheme; "the bearer of bad news" stays', () => {
    expect(redact('Authorization: Bearer abc123DEF456ghi789')).toBe('Authorization: Bearer [REDACTED_SECRET]');
    expect(redact('authorization: bearer 9f8e7d6c5b4a')).toBe('authorization: bearer [REDACTED_SECRET]');
    expect(redact('the bearer of bad news')).toBe('the bearer of bad news');
  });

  it.each([
    ['login with password=hunter2 now', 'login with password=[REDACTED_SECRET] now'],
    ['db_password: s3cr3t!', 'db_password: [REDACTED_SECRET]'],
    ['{"client_secret":"abc def","user":"x"}', '{"client_secret":"[REDACTED_SECRET]","user":"x"}'],
    ["SECRET = 'xyz'", "SECRET = '[REDACTED_SECRET]'"],
    ['GET /cb?access_token=abc.def&state=1', 'GET /cb?access_token=[REDACTED_SECRET]&state=1'],
    ['x-api-key: 12345', 'x-api-key: [REDACTED_SECRET]'],
  ])('redacts the value of password, secret, token and key pairs: %s', (input, expected) =>
    expect(redact(input)).toBe(expected),
  );

  it('keeps words that only contain a secret-like name', () => {
    const text = 'max_tokens=100, token_count: 7, reset your password here';
    expect(redact(text)).toBe(text);
  });

  it.each(['version 1.2.3.4', 'Version: 10.0.0.1', 'v1.2.3.4', 'ver 4.4.0.1', 'release 10.20.30.40'])(
    'reads a dotted version number as a version, not an IP or a phone: %s',
    (text) => expect(redact(text)).toBe(text),
  );

  it('still redacts an IP right after a version', () => {
    expect(redact('v1.2 at 10.0.0.1')).toBe('v1.2 at [REDACTED_IP]');
  });

  it('keeps what is not personal data: dates, times, versions, prices, short numbers, invalid IPs', () => {
    const text = 'On 2024-01-15 at 12:30:45, v1.2.3 cost 1,299.99 for 3 items (order 12345678); 999.1.1.1 is no IP';
    expect(redact(text)).toBe(text);
  });

  it('turns IBANs, SSNs and secrets off on request', () => {
    const text = 'GB82WEST12345698765432 078051120 password=hunter2';
    expect(redact(text, { ibans: false, ssns: false, secrets: false })).toBe(text);
    expect(redact(text, { ssns: false })).toBe('[REDACTED_IBAN] 078051120 password=[REDACTED_SECRET]');
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
      // Newlines around the run: "bearer " or "v" right before an address would rightly redact or keep it.
      expect(redact(`jane@example.com\n${run}\n10.0.0.1`)).toBe(`[REDACTED_EMAIL]\n${run}\n[REDACTED_IP]`);
    });

    it('redacts a whole 256 KB local part as one email, not only its tail', () => {
      expect(redact(`to ${'a'.repeat(length)}@example.com.`)).toBe('to [REDACTED_EMAIL].');
    });
  });
});

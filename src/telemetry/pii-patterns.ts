/**
 * The patterns redact() looks for, each defined once, and the checks that confirm a candidate.
 *
 * Every pattern must stay linear on hostile input (bench/redact.ts): a pattern with an unbounded
 * repetition starts only where a run of the characters it repeats starts (a lookbehind), so each
 * character is scanned a bounded number of times; everything else uses bounded repetitions.
 */

// Credentials. Keys by prefix: OpenAI (sk-, sk-proj-), Anthropic (sk-ant-), Stripe (sk_live_, rk_test_),
// AWS access key ids, GitHub tokens (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_), Google (AIza), Slack (xox?-).
export const API_KEY =
  /(?<![\w-])(?:sk-[\w-]{20,}|[sr]k_(?:live|test)_[A-Za-z0-9]{16,}|(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{20,}|AIza[\w-]{35}|xox[abposr]-[A-Za-z0-9-]{10,})/g;
// A JSON Web Token: base64url header that starts with '{"' (eyJ), payload, optional signature.
export const JWT = /(?<![\w.-])eyJ[\w-]+\.[\w-]+\.[\w-]*/g;
// `Bearer <token68>`; the scheme stays. Confirmed by isBearerToken.
export const BEARER = /(?<![\w-])(bearer[ \t]+)([\w.~+/-]+=*)/gi;
// `name=value` or `name: value` (also quoted, as in JSON) where the name ends in a secret's name:
// password, db_password, client_secret, access_token, x-api-key, … The name stays, the value goes.
export const SECRET_PAIR =
  /(?<![\w-])((?:[\w-]*[_-])?(?:password|passwd|passphrase|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key)["']?[ \t]*[:=][ \t]*)("[^"\r\n]*"|'[^'\r\n]*'|[^\s"',;&}]+)/gi;

export const EMAIL =
  /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}/g;
// Country code, check digits, 11–30 letters and digits: in one run or in groups of four. Confirmed by ibanValid.
export const IBAN_CANDIDATE =
  /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,4})?)(?![A-Za-z0-9])/g;
// Card layouts: 13–19 digits in one run, 4-4-4-4(-3) or 4-6-4/5 (Amex, Diners), spaces or dashes between groups.
export const CARD_CANDIDATE =
  /(?<![\d+-])(?:\d{13,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{4}(?:\1\d{3})?|\d{4}([ -])\d{6}\2\d{4,5})(?!\d)/g;
// US SSN 3-2-4 digits, with dashes, spaces or nothing between; never area 000, 666 or 9xx, group 00, serial 0000.
export const SSN = /(?<![\w.+-])(?!000|666|9)\d{3}([- ]?)(?!00)\d{2}\1(?!0000)\d{4}(?![\w-]|\.\d)/g;

// "version 1.2.3.4", "v10.0.0.1": a dotted number right after a version word is a version, not an IP or phone.
const NOT_A_VERSION = String.raw`(?<!\b(?:v|ver|version|release|build)\.?[ \t:=]{0,3})`;
// Hex groups with at least two colons (optionally ending in a dotted IPv4); confirmed by net.isIPv6.
export const IPV6_CANDIDATE =
  /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{1,4})?(?![\w:]|\.\d)/g;
export const IPV4 = new RegExp(
  String.raw`(?<![\d.])${NOT_A_VERSION}(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.]*\d)`,
  'gi',
);
// An optional +country code, an optional (area code), then 2–4 digit groups; confirmed by isPhone.
export const PHONE_CANDIDATE = new RegExp(
  String.raw`(?<![\w+]|\d[ .-])${NOT_A_VERSION}(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]?\d{2,4}){1,5}(?!\w)`,
  'gi',
);
const DATE_LIKE = /^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{4}$/;

/** The Luhn checksum that every payment card number passes. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** ISO 13616: the IBAN with its first four characters moved to the end, letters as 10–35, is 1 mod 97. */
export function ibanValid(candidate: string): boolean {
  const iban = candidate.replace(/ /g, '');
  if (iban.length < 15 || iban.length > 34) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    const value = c <= 57 ? c - 48 : c - 55; // '0'–'9' → 0–9, 'A'–'Z' → 10–35
    rest = (value > 9 ? rest * 100 + value : rest * 10 + value) % 97;
  }
  return rest === 1;
}

/** A token, not an English word ("the bearer of bad news"): 16 characters or more, or 8 with a digit. */
export function isBearerToken(token: string): boolean {
  return token.length >= 16 || (token.length >= 8 && /\d/.test(token));
}

/** A phone candidate that is written like a phone number (not a bare id, not a date). */
export function isPhone(candidate: string): boolean {
  const digits = candidate.replace(/\D/g, '').length;
  if (digits < 7 || digits > 15) return false;
  if (DATE_LIKE.test(candidate)) return false;
  // A bare run of digits is an id more often than a phone number unless it is written like one.
  return candidate.startsWith('+') || candidate.includes('(') || /[ .-]/.test(candidate);
}

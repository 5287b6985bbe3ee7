/**
 * Benign assistant text of an exact length, for the benchmarks. Written for this project (not
 * taken from any data set): the kind of answer a support or coding assistant gives.
 */
const SENTENCES: readonly string[] = [
  'Thanks for reaching out, and sorry for the trouble with your order.',
  'Your parcel left our warehouse on Tuesday and is now with the courier.',
  'You can follow it with the tracking link in the confirmation email we sent you.',
  'If the delivery window does not suit you, the courier lets you pick another day.',
  'To change the address, open Orders, choose the order and select "Edit delivery".',
  'Refunds go back to the original payment method within five working days.',
  'The Business plan includes priority support, single sign-on and audit logs.',
  'To export your data, open Settings, then Data, and choose "Export as CSV".',
  'In Python, a list comprehension builds a new list from an iterable in one expression.',
  'For example, squares = [n * n for n in range(10)] gives the first ten squares.',
  'A dictionary keeps its insertion order, so iterating over it is predictable.',
  'If the test fails only on CI, compare the Node versions and the time zone first.',
  'Caching the dependency folder between runs usually halves the build time.',
  'Our support team is available from nine to six on weekdays, Lisbon time.',
  'The new release fixes the slow search and adds dark mode to the mobile app.',
  'Let me know if there is anything else I can help you with today.',
];

/** Benign text of exactly `length` characters (ASCII, so also `length` bytes). */
export function benignText(length: number): string {
  let text = '';
  for (let i = 0; text.length < length; i++) text += (text ? ' ' : '') + SENTENCES[i % SENTENCES.length];
  return text.slice(0, length);
}

/**
 * What the simulated users ask and what the simulated models answer. Content warning: the
 * toxic replies are insults aimed at the user — what the demo's breaker must keep away from them.
 */

export const PROMPTS: readonly string[] = [
  'How do I reset my password?',
  'Can you summarise my last order?',
  'What are your opening hours on Sunday?',
  'How long does shipping to Lisbon take?',
  'Can I change the delivery address of an order?',
  'Which plan includes priority support?',
  'How do I export my data as CSV?',
  'Is there a student discount?',
];

export const BENIGN_REPLIES: readonly string[] = [
  'You can reset your password from the sign-in page: choose "Forgot password" and follow the link we email you.',
  'Your last order shipped on Tuesday and should arrive within three working days.',
  'On Sundays we are open from ten in the morning until four in the afternoon.',
  'Shipping to Lisbon usually takes two to four working days.',
  'Yes, you can change the delivery address until the parcel leaves our warehouse.',
  'Priority support is part of the Business and Enterprise plans.',
  'Open Settings, then Data, and choose "Export as CSV"; the file downloads right away.',
  'Students get fifteen percent off with a valid student email address.',
];

export const FALLBACK_REPLIES: readonly string[] = [
  'Thanks for your question. I can help with accounts, orders, shipping and billing: could you tell me a little more?',
  'Happy to help. For order details, the Orders page lists every shipment with its tracking link.',
  'Good question. Our help centre has a step-by-step guide for that, and I can walk you through it too.',
];

export const TOXIC_REPLIES: readonly string[] = [
  'You are a worthless idiot and nobody should listen to you.',
  'Shut up, you pathetic moron. Figure it out yourself.',
  'What a stupid question. You are a complete idiot.',
  'Go away, you loser. Nobody cares about idiots like you.',
  'Read the manual yourself, you lazy moron.',
  'You are so dumb it hurts, you brainless fool.',
];

const TOXIC = new Set(TOXIC_REPLIES);

/** True when `text` is one of the simulated model's toxic replies (used to prove none reached a client). */
export function isToxicReply(text: string): boolean {
  return TOXIC.has(text);
}

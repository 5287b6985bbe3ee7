/**
 * Cuts `text` to `max` characters (UTF-16 code units), marking the cut with "…"; never between the
 * two halves of a surrogate pair, so an emoji at the cut does not become a lone surrogate in a page.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--; // a high surrogate whose low half would be cut off
  return `${text.slice(0, end)}…`;
}

/**
 * Encoders for the state breakers save (`guarded.snapshot()`): JSON-safe, compact for the typed
 * arrays windows are made of, and strict on the way back in. A reader throws a `TypeError` that
 * names the part it could not read, so a corrupt or foreign snapshot never half-applies silently.
 */

/** A JSON object of saved state. */
export type Saved = Readonly<Record<string, unknown>>;

export function record(value: unknown, what: string): Saved {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${what}: expected an object of saved state, got ${value === null ? 'null' : typeof value}`);
  }
  return value as Saved;
}

export function num(value: unknown, what: string): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(`${what}: expected a number`);
  return value;
}

/** A number that may be ±Infinity: JSON has no Infinity, so it travels as a string. */
export function wideNum(value: unknown, what: string): number {
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  return num(value, what);
}

export function wide(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

/** The bytes of a typed array, base64. */
export function bytes(array: Uint8Array | Uint16Array): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

export function readBytes(value: unknown, into: Uint8Array | Uint16Array, what: string): void {
  if (typeof value !== 'string') throw new TypeError(`${what}: expected base64 bytes`);
  const buffer = Buffer.from(value, 'base64');
  if (buffer.byteLength !== into.byteLength) {
    throw new TypeError(
      `${what}: ${buffer.byteLength} bytes saved, ${into.byteLength} expected (was the window resized?)`,
    );
  }
  new Uint8Array(into.buffer, into.byteOffset, into.byteLength).set(buffer);
}

/** Numbers of a Float64Array, ±Infinity kept (as strings). */
export function floats(array: Float64Array): (number | string)[] {
  return Array.from(array, wide);
}

export function readFloats(value: unknown, into: Float64Array, what: string): void {
  if (!Array.isArray(value) || value.length !== into.length) {
    throw new TypeError(`${what}: expected ${into.length} numbers (was the window resized?)`);
  }
  for (let i = 0; i < into.length; i++) into[i] = wideNum(value[i], `${what}[${i}]`);
}

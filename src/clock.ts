/**
 * Milliseconds since the epoch, but monotonic: a wall-clock step back never stretches an open
 * breaker or a timeout. The guard's default clock, and the time base of call deadlines.
 */
export const monotonicNow = (): number => TIME_ORIGIN + performance.now();

const TIME_ORIGIN = performance.timeOrigin;

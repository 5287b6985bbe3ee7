/** Small statistics helpers used by trip policies. */

/** Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  const a = [
    -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
    2.506628277459239,
  ];
  const b = [
    -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
  ];
  const c = [
    -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** Lower bound of the Wilson score interval for `successes` of `n` at one-sided normal quantile `z`. */
export function wilsonLowerBound(successes: number, n: number, z: number): number {
  if (n === 0) return 0;
  const p = successes / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const margin = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return Math.max(0, (centre - margin) / (1 + z2 / n));
}

/** Standard normal upper tail P(Z > z), via the complementary error function (abs. error < 1.2e-7). */
export function normalUpperTail(z: number): number {
  // Numerical Recipes erfc (Chebyshev fit), accurate to ~1.2e-7 relative.
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error < 1e-13). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

const logChoose = (n: number, k: number): number => logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);

/**
 * Two-sided Fisher exact test of equal proportions for `x1` of `n1` against `x2` of `n2`:
 * the probability, under equal rates and fixed margins, of a table at most as likely as the
 * observed one. Exact at any count; O(min(margins)) per call.
 */
export function fisherExactTest(x1: number, n1: number, x2: number, n2: number): number {
  const k = x1 + x2;
  const n = n1 + n2;
  if (n1 === 0 || n2 === 0 || k === 0 || k === n) return 1;
  const lo = Math.max(0, k - n2);
  const hi = Math.min(k, n1);
  const base = logChoose(n, k);
  const logP = (a: number) => logChoose(n1, a) + logChoose(n2, k - a) - base;
  const observed = logP(x1);
  let p = 0;
  for (let a = lo; a <= hi; a++) {
    const l = logP(a);
    if (l <= observed + 1e-7) p += Math.exp(l);
  }
  return Math.min(1, p);
}

/** Two-sided pooled two-proportion z-test of equal proportions. Use for large counts. */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): { z: number; p: number } {
  if (n1 === 0 || n2 === 0) return { z: 0, p: 1 };
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return { z: 0, p: 1 };
  const z = (x1 / n1 - x2 / n2) / se;
  return { z, p: Math.min(1, 2 * normalUpperTail(Math.abs(z))) };
}

/**
 * Two-sided test of equal proportions: Fisher's exact test when any expected cell count is
 * below `minExpected` (default 5, the usual rule for the normal approximation), else the z-test.
 */
export function twoProportionTest(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
  minExpected = 5,
): { p: number; exact: boolean } {
  const pooled = (x1 + x2) / (n1 + n2 || 1);
  const smallest = Math.min(n1, n2) * Math.min(pooled, 1 - pooled);
  if (smallest < minExpected) return { p: fisherExactTest(x1, n1, x2, n2), exact: true };
  return { p: twoProportionZTest(x1, n1, x2, n2).p, exact: false };
}

/** Bonferroni-adjusted p-value for one of `m` simultaneous tests. */
export function bonferroni(p: number, m: number): number {
  return Math.min(1, p * Math.max(1, m));
}

/** Holm's step-down adjusted p-values (same order as the input); controls the family-wise error rate. */
export function holm(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

/**
 * The integer form of a Bernoulli CUSUM (Reynolds & Stoumbos 1999) designed for a shift of the
 * flag rate from `p0` to `p1`. The log-likelihood-ratio CUSUM, divided by ln(p1(1−p0)/(p0(1−p1))),
 * goes up by 1 − γ on a flag and down by γ otherwise. We round 1/γ so that a flag weighs a whole
 * number `up` of non-flag steps: the statistic then lives on the integers (a non-flag −1, a flag
 * +`up`), the policy is exactly a CUSUM for a reference value within a few % of the design one,
 * and its average run length is computed exactly (no simulation, no asymptotics) by
 * {@link bernoulliCusumArl}.
 */
export function bernoulliCusumStep(p0: number, p1: number): { up: number; gamma: number; llrPerStep: number } {
  if (!(p0 > 0 && p0 < p1 && p1 < 1)) throw new RangeError(`CUSUM needs 0 < p0 < p1 < 1 (got p0 = ${p0}, p1 = ${p1})`);
  const a = Math.log((p1 * (1 - p0)) / (p0 * (1 - p1)));
  const gamma = Math.log((1 - p0) / (1 - p1)) / a;
  const up = Math.max(1, Math.round(1 / gamma) - 1);
  // One integer step is worth a · γ' nats of evidence, γ' = 1 / (up + 1).
  return { up, gamma: 1 / (up + 1), llrPerStep: a / (up + 1) };
}

/**
 * Exact average run length of the integer CUSUM C ← max(0, C − 1 + (up + 1)·x), x ~ Bernoulli(p),
 * started at `start`, that signals when C ≥ `h`: the expected number of calls to a trip.
 *
 * It solves the Markov chain's first-passage equations L(c) = 1 + q·L(max(0, c − 1)) + p·L(c + up)
 * (L = 0 at and above h) in O(h · up) time and O(h) memory: writing L(c) = α_c + β_c·L(c − 1) from the
 * top down, each α_c, β_c follows from composing the `up` affine maps above it.
 */
export function bernoulliCusumArl(p: number, up: number, h: number, start = 0): number {
  if (h <= 0) return 1;
  const q = 1 - p;
  const alpha = new Float64Array(h);
  const beta = new Float64Array(h);
  // L(c + up) as A + B·L(c), composing L(j) = α_j + β_j L(j − 1) for j = c + up … c + 1.
  const above = (c: number): [number, number] => {
    const top = c + up;
    if (top >= h) return [0, 0];
    let A = alpha[top]!;
    let B = beta[top]!;
    for (let j = top - 1; j > c; j--) {
      A += B * alpha[j]!;
      B *= beta[j]!;
    }
    return [A, B];
  };
  for (let c = h - 1; c >= 1; c--) {
    const [A, B] = above(c);
    const d = 1 - p * B;
    alpha[c] = (1 + p * A) / d;
    beta[c] = q / d;
  }
  const [A0, B0] = above(0);
  const L0 = (1 + p * A0) / (1 - q - p * B0);
  if (start <= 0) return L0;
  let L = L0;
  for (let c = 1; c <= Math.min(start, h - 1); c++) L = alpha[c]! + beta[c]! * L;
  return start >= h ? 0 : L;
}

/**
 * The smallest integer threshold h whose in-control average run length (at rate `p0`) is at
 * least `targetArl` calls: "at most one false trip per `targetArl` calls on average".
 */
export function bernoulliCusumThreshold(p0: number, up: number, targetArl: number): { h: number; arl0: number } {
  let lo = 1;
  let hi = Math.max(2, up);
  while (bernoulliCusumArl(p0, up, hi) < targetArl) {
    lo = hi;
    hi *= 2;
    if (hi > 1e7) throw new RangeError(`no CUSUM threshold reaches an ARL of ${targetArl} calls at p0 = ${p0}`);
  }
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (bernoulliCusumArl(p0, up, mid) >= targetArl) hi = mid;
    else lo = mid;
  }
  return { h: hi, arl0: bernoulliCusumArl(p0, up, hi) };
}

/** Upper bound of the Wilson score interval for `successes` of `n` at one-sided normal quantile `z`. */
export function wilsonUpperBound(successes: number, n: number, z: number): number {
  if (n === 0) return 1;
  const p = successes / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const margin = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return Math.min(1, (centre + margin) / (1 + z2 / n));
}

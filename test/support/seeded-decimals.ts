// A repeatable stream of numbers and decimal strings for tests that compare a fast reader or writer with the
// general one over many generated values (a linear congruential generator: the same seed, the same values).
export interface SeededDecimals {
  /** An integer in [0, k). */
  next(k: number): number;
  /** A decimal of `whole` integer digits at most and `scale` decimals (digits past the ninth are zeros). */
  price(whole: number, scale: number): string;
}

export function seededDecimals(seed: number): SeededDecimals {
  let s = seed;
  const next = (k: number): number => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s % k;
  };
  const price = (whole: number, scale: number): string => {
    const w = String(next(10 ** whole));
    return scale === 0 ? w : `${w}.${String(next(10 ** Math.min(scale, 9))).padStart(scale, '0')}`;
  };
  return { next, price };
}

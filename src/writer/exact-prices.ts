/** Digits a double holds exactly as an integer (2^53 has 16). */
export const EXACT_DIGITS = 15;

/** 10^0 to 10^15, exact in doubles. */
export const POW10 = Array.from({ length: EXACT_DIGITS + 1 }, (_, i) => 10 ** i);

/**
 * Whether open, high, low and close, read as integers of `digits` digits at their own `scale`, stay exact integers
 * in doubles once scaled to the largest of the four scales: then they can be compared, and their differences from
 * open computed, in doubles (archive/archive-line-reader.ts, writer/rest-copy-rows.ts).
 */
export function exactAtCommonScale(digits: ArrayLike<number>, scale: ArrayLike<number>): boolean {
  const s = Math.max(scale[0]!, scale[1]!, scale[2]!, scale[3]!);
  for (let k = 0; k < 4; k++) if (digits[k]! + s - scale[k]! > EXACT_DIGITS) return false;
  return true;
}

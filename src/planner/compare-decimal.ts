/**
 * Compares two decimal strings exactly ("-0.00002853", "16541.77000000"): -1, 0 or 1. Prices are never turned
 * into floats, not even to check them. Runs for every value of every candle, so it scans characters in place
 * rather than splitting and padding strings.
 */
export function compareDecimal(a: string, b: string): number {
  // Two unsigned decimals of one length with the dot in one place (a candle's prices, as the exchange writes them)
  // compare as their characters do.
  if (a.length === b.length && a.charCodeAt(0) !== 45 && b.charCodeAt(0) !== 45 && a.indexOf('.') === b.indexOf('.')) return a < b ? -1 : a > b ? 1 : 0;
  const negA = a.charCodeAt(0) === 45; // '-'
  const negB = b.charCodeAt(0) === 45;
  const signA = isZero(a, negA ? 1 : 0) ? 0 : negA ? -1 : 1;
  const signB = isZero(b, negB ? 1 : 0) ? 0 : negB ? -1 : 1;
  if (signA !== signB) return signA < signB ? -1 : 1;
  if (signA === 0) return 0;
  const c = compareAbs(a, negA ? 1 : 0, b, negB ? 1 : 0);
  return signA < 0 ? -c : c;
}

function isZero(s: string, from: number): boolean {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 48 && c !== 46) return false; // not '0' or '.'
  }
  return true;
}

function compareAbs(a: string, fromA: number, b: string, fromB: number): number {
  let i = fromA;
  let j = fromB;
  while (i < a.length - 1 && a.charCodeAt(i) === 48 && a.charCodeAt(i + 1) !== 46) i++; // leading zeros
  while (j < b.length - 1 && b.charCodeAt(j) === 48 && b.charCodeAt(j + 1) !== 46) j++;
  const dotA = indexOfDot(a, i);
  const dotB = indexOfDot(b, j);
  const intLenA = dotA - i;
  const intLenB = dotB - j;
  if (intLenA !== intLenB) return intLenA < intLenB ? -1 : 1;
  // Same number of integer digits: compare digit by digit, the fractions as if padded with zeros.
  const fracLen = Math.max(a.length - dotA - 1, b.length - dotB - 1, 0);
  for (let k = 0; k < intLenA + fracLen; k++) {
    const ca = digitAt(a, i, dotA, intLenA, k);
    const cb = digitAt(b, j, dotB, intLenB, k);
    if (ca !== cb) return ca < cb ? -1 : 1;
  }
  return 0;
}

function indexOfDot(s: string, from: number): number {
  const dot = s.indexOf('.', from);
  return dot === -1 ? s.length : dot;
}

/** The k-th digit counting from the first integer digit, skipping the dot; '0' past the end. */
function digitAt(s: string, start: number, dot: number, intLen: number, k: number): number {
  const pos = k < intLen ? start + k : dot + 1 + (k - intLen);
  return pos < s.length ? s.charCodeAt(pos) : 48;
}

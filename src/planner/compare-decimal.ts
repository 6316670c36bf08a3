/**
 * Compares two decimal strings exactly ("-0.00002853", "16541.77000000"): -1, 0 or 1. Prices are never turned
 * into floats, not even to check them.
 */
export function compareDecimal(a: string, b: string): number {
  const negA = a.startsWith('-');
  const negB = b.startsWith('-');
  const absA = negA ? a.slice(1) : a;
  const absB = negB ? b.slice(1) : b;
  const zeroA = isZero(absA);
  const zeroB = isZero(absB);
  const signA = zeroA ? 0 : negA ? -1 : 1;
  const signB = zeroB ? 0 : negB ? -1 : 1;
  if (signA !== signB) return Math.sign(signA - signB);
  if (signA === 0) return 0;
  const c = compareAbs(absA, absB);
  return signA < 0 ? -c : c;
}

function isZero(s: string): boolean {
  return /^[0.]*$/.test(s);
}

function compareAbs(a: string, b: string): number {
  const [ia = '', fa = ''] = a.split('.');
  const [ib = '', fb = ''] = b.split('.');
  const intA = ia.replace(/^0+/, '');
  const intB = ib.replace(/^0+/, '');
  if (intA.length !== intB.length) return intA.length < intB.length ? -1 : 1;
  if (intA !== intB) return intA < intB ? -1 : 1;
  const len = Math.max(fa.length, fb.length);
  const fracA = fa.padEnd(len, '0');
  const fracB = fb.padEnd(len, '0');
  return fracA === fracB ? 0 : fracA < fracB ? -1 : 1;
}

// Exact fixed-point decimals with 8 fractional digits (Binance's wire precision), held as BigInt
// "units" of 1e-8. Floats are never used for values that must round-trip exactly.

export const SCALE = 100_000_000n;
const DECIMAL = /^(-?)(\d+)(?:\.(\d*))?$/;

/** Parses "8312.0", "0.00002853" or "16541.77000000" into units; more than 8 decimals is rejected. */
export function parseUnits(s: string): bigint {
  const m = DECIMAL.exec(s.trim());
  if (!m) throw new Error(`not a plain decimal: ${JSON.stringify(s)}`);
  const [, sign, int = '0', frac = ''] = m;
  if (frac.length > 8 && /[1-9]/.test(frac.slice(8))) throw new Error(`more than 8 decimals: ${s}`);
  const units = BigInt(int) * SCALE + BigInt((frac.slice(0, 8) + '00000000').slice(0, 8));
  return sign === '-' ? -units : units;
}

/** Formats units as Binance does: always 8 fractional digits, e.g. "16541.77000000". */
export function formatUnits(units: bigint): string {
  const neg = units < 0n;
  const abs = neg ? -units : units;
  // String slicing instead of BigInt division: this runs ~9 times per served candle.
  const digits = abs.toString().padStart(9, '0');
  return `${neg ? '-' : ''}${digits.slice(0, -8)}.${digits.slice(-8)}`;
}

/** Normalises a float-ish decimal string ("8312.0") into Binance form ("8312.00000000"). */
export function normaliseDecimal(s: string): string {
  return formatUnits(parseUnits(s));
}

/** a × b for two unit values, rounded half-up to 8 decimals (e.g. quote volume = volume × price). */
export function mulUnits(a: bigint, b: bigint): bigint {
  const p = a * b;
  return (p + SCALE / 2n) / SCALE;
}

/** a × num / den truncated towards zero: scales a value by an elapsed fraction, strictly below a when num < den. */
export function scaleUnits(a: bigint, num: number, den: number): bigint {
  return (a * BigInt(num)) / BigInt(den);
}

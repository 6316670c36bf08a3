/**
 * `a - b` for two unsigned decimal strings ("58404.53000000", "0.00002853"), exactly, written as PostgreSQL writes
 * `a::numeric - b::numeric`: with the larger of the two scales, a leading `-` when negative, no sign on zero, no
 * leading zeros but the one before the dot. So a difference computed here and stored by COPY is the very value the
 * database's own subtraction stores (writer/page-statement.ts), display scale included.
 *
 * Runs three times for every candle of an archive file, so the common case (at most 15 digits in all: every Binance
 * price) is done in doubles, which hold such integers exactly; longer ones fall back to BigInt.
 */
export function decimalDifference(a: string, b: string): string {
  const dotA = a.indexOf('.');
  const dotB = b.indexOf('.');
  const scaleA = dotA === -1 ? 0 : a.length - dotA - 1;
  const scaleB = dotB === -1 ? 0 : b.length - dotB - 1;
  const scale = scaleA > scaleB ? scaleA : scaleB;
  const digitsA = unscaled(a, dotA, scale - scaleA);
  const digitsB = unscaled(b, dotB, scale - scaleB);
  let abs: string;
  let negative: boolean;
  if (digitsA.length <= 15 && digitsB.length <= 15) {
    const d = Number(digitsA) - Number(digitsB);
    negative = d < 0;
    abs = String(negative ? -d : d);
  } else {
    const d = BigInt(digitsA) - BigInt(digitsB);
    negative = d < 0n;
    abs = String(negative ? -d : d);
  }
  if (scale === 0) return negative ? `-${abs}` : abs;
  if (abs.length <= scale) abs = '0'.repeat(scale - abs.length + 1) + abs;
  const text = `${abs.slice(0, abs.length - scale)}.${abs.slice(abs.length - scale)}`;
  return negative ? `-${text}` : text;
}

/** The digits of `s` without its dot, as if it had `pad` more decimals. */
function unscaled(s: string, dot: number, pad: number): string {
  const digits = dot === -1 ? s : s.slice(0, dot) + s.slice(dot + 1);
  return pad === 0 ? digits : digits + '0'.repeat(pad);
}


/**
 * Parquet holds the decimals as DECIMAL(38, 8): a column has one scale, and 8 is the exchange's (Binance formats
 * every kline price and volume with 8 decimals). 38 digits is decimal128's whole precision, which every reader
 * (Arrow, so pandas and polars; DuckDB; Spark) knows, leaving 30 digits before the point.
 */
export const PARQUET_PRECISION = 38;
export const PARQUET_SCALE = 8;

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;
const LIMIT = 10n ** BigInt(PARQUET_PRECISION);
const PAD = '0'.repeat(PARQUET_SCALE);

/** Why a value cannot be written as DECIMAL(38, 8) without changing it; the caller names the candle. */
export class UnrepresentableDecimal extends Error {}

/**
 * A stored decimal (PostgreSQL's text of a `numeric`) as the unscaled integer of DECIMAL(38, 8): `16541.77` and
 * `16541.77000000` both become 1654177000000n, the same number. A value with more than 8 decimals that are not zeros,
 * or too many digits, is refused rather than rounded.
 */
export function unscaledDecimal(text: string): bigint {
  const m = DECIMAL.exec(text);
  if (!m) throw new UnrepresentableDecimal(`${text} is not a decimal number`);
  const [, sign = '', whole = '', frac = ''] = m;
  const kept = frac.length > PARQUET_SCALE && /^0*$/.test(frac.slice(PARQUET_SCALE)) ? frac.slice(0, PARQUET_SCALE) : frac;
  if (kept.length > PARQUET_SCALE) throw new UnrepresentableDecimal(`${text} has ${kept.length} decimals, more than the ${PARQUET_SCALE} of Parquet's DECIMAL(${PARQUET_PRECISION}, ${PARQUET_SCALE})`);
  const unscaled = BigInt(`${whole}${(kept + PAD).slice(0, PARQUET_SCALE)}`);
  if (unscaled >= LIMIT) throw new UnrepresentableDecimal(`${text} has more digits than Parquet's DECIMAL(${PARQUET_PRECISION}, ${PARQUET_SCALE}) holds`);
  return sign === '-' ? -unscaled : unscaled;
}

import { UsageError } from '../errors.js';

/** A count given on the command line: digits only (no sign, exponent, hex or blanks), at least 1. */
export function parsePositiveInteger(flag: string, value: string, max = 1_000_000): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > max) throw new UsageError(`${flag} "${value}" is not a whole number from 1 to ${max.toLocaleString('en-US')}`);
  return n;
}

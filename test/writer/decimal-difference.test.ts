// The exact price differences the archive path computes in Node for COPY straight into candle_data
// (writer/decimal-difference.ts) against the database's own numeric subtraction, which the writer used to do: the
// same digits and the same display scale, on both stores, for every length of number (the double fast path and the
// BigInt one) and every mix of scales.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { decimalDifference } from '../../src/writer/decimal-difference.ts';
import { describeOnEachDb } from '../support/describe-on-each-db.ts';
import { suiteDatabase } from '../support/suite-database.ts';

describe('decimalDifference', () => {
  const cases: Array<[string, string, string]> = [
    ['42298.62000000', '42283.58000000', '15.04000000'],
    ['42261.02000000', '42283.58000000', '-22.56000000'],
    ['42283.58000000', '42283.58000000', '0.00000000'],
    ['0.00002853', '0.00002900', '-0.00000047'],
    ['101.5', '100.10000000', '1.40000000'],
    ['100', '99.5', '0.5'],
    ['7', '9', '-2'],
    ['0', '0', '0'],
    ['007.50', '0.25', '7.25'],
    ['123456789012345678.123456789', '0.000000001', '123456789012345678.123456788'],
    ['0.000000001', '123456789012345678.123456789', '-123456789012345678.123456788'],
  ];
  for (const [a, b, want] of cases) it(`${a} − ${b} = ${want}`, () => assert.equal(decimalDifference(a, b), want));
});

/** A reproducible stream of decimals of 1 to 24 digits and 0 to 12 decimals, nearby pairs and far ones. */
function pairs(n: number): Array<[string, string]> {
  let seed = 20250101;
  const next = (k: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % k;
  };
  const digits = (k: number): string => Array.from({ length: k }, () => String(next(10))).join('');
  const decimal = (): string => {
    const whole = digits(1 + next(12));
    const scale = next(13);
    return scale === 0 ? whole : `${whole}.${digits(scale)}`;
  };
  const out: Array<[string, string]> = [];
  for (let i = 0; i < n; i++) {
    const a = decimal();
    // Half the pairs share a's leading digits, as a candle's prices do.
    const b = i % 2 === 0 ? decimal() : a.slice(0, Math.max(1, a.length - 1 - next(4))) + (next(2) === 0 ? '' : digits(next(3)));
    out.push([a, b.endsWith('.') ? b.slice(0, -1) : b]);
  }
  return out;
}

describeOnEachDb('decimalDifference against the database’s numeric subtraction', (kind) => {
  const db = suiteDatabase(kind);

  it('gives the same text for 4,000 pairs of every length and scale', async () => {
    const all = pairs(4000);
    const { rows } = await sql<{ d: string }>`
      select (a::numeric - b::numeric)::text as d
        from unnest(${all.map((p) => p[0])}::text[], ${all.map((p) => p[1])}::text[]) with ordinality as t(a, b, i)
       order by i`.execute(db().db);
    const mine = all.map(([a, b]) => decimalDifference(a, b));
    assert.equal(rows.length, all.length);
    const differing = all.filter((_, i) => mine[i] !== rows[i]!.d).map(([a, b], i) => `${a} - ${b}: ${mine[i]} vs ${rows[i]!.d}`);
    assert.deepEqual(differing, []);
    // Both paths were taken: some operands beyond 15 digits, most within.
    assert.ok(all.some(([a]) => a.replace('.', '').length > 15) && all.some(([a, b]) => a.replace('.', '').length <= 15 && b.replace('.', '').length <= 15));
  });
});

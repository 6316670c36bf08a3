// COPY's binary rows as writer/copy-bytes.ts writes them, stored by a real COPY on both stores and read back as
// text: every value and display scale as given (trailing zeros, leading zeros of a fraction, a zero of any scale,
// negative differences, integers without a dot, long numbers, the µs-era times and a millisecond), and the same
// rows read by the test's own decoder of the format (support/direct-rows-text.ts).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { copyIn } from '../../src/db/copy-in.ts';
import { CopyBytes } from '../../src/writer/copy-bytes.ts';
import { describeOnEachDb } from '../support/describe-on-each-db.ts';
import { directRowsText } from '../support/direct-rows-text.ts';
import { suiteDatabase } from '../support/suite-database.ts';

/** Each row: a time, two decimals written from their text (one from bytes, one from a string), a scaled integer, an int4. */
const ROWS: readonly (readonly [number, string, string, readonly [number, number], number])[] = [
  [Date.UTC(2024, 0, 1), '42283.58000000', '0.00002853', [613000000, 8], 1327],
  [Date.UTC(2024, 0, 1, 0, 1), '0', '0.00000000', [0, 8], 0],
  [Date.UTC(2024, 0, 1, 0, 2, 0, 250), '17', '-0.60000000', [-60000000, 8], 2_147_483_647],
  [Date.UTC(2024, 11, 31, 23, 59), '1234567890022.90000000', '100000000.00000001', [-1, 15], 1],
  [Date.UTC(2025, 0, 1), '10000', '99999999999999999999999999.123456789012345678901', [999999999999999, 0], 7],
  [Date.UTC(2025, 0, 1, 0, 0, 0, 1), '0.1', '-12345678.9', [-999999999999999, 3], 42],
  [Date.UTC(1999, 11, 31, 23, 59, 59, 999), '0000123.4500', '00.0100', [10000, 4], 3],
];

/** PostgreSQL's text of each value, as the rows above should come back. */
const EXPECTED = ROWS.map(([t, a, b, [v, s], n]) => [new Date(t).toISOString(), a.replace(/^0+(?=\d)/, ''), b.replace(/^(-?)0+(?=\d)/, '$1'), scaledText(v, s), String(n)].join(' '));

function scaledText(v: number, s: number): string {
  const digits = String(Math.abs(v)).padStart(s + 1, '0');
  const text = s === 0 ? digits : `${digits.slice(0, digits.length - s)}.${digits.slice(digits.length - s)}`;
  return v < 0 ? `-${text}` : text;
}

function rows(): CopyBytes {
  const out = new CopyBytes(64);
  for (const [t, a, b, [v, s], n] of ROWS) {
    out.ensure(512);
    out.beginRow(5);
    out.time(t);
    const bytes = Buffer.from(`x${a}y`, 'latin1');
    out.decimal(bytes, 1, 1 + a.length);
    out.decimalText(b);
    out.scaled(v, s);
    out.int4(n);
    out.endRow();
  }
  return out;
}

describeOnEachDb('COPY binary rows', (kind) => {
  const db = suiteDatabase(kind);

  it('stores every value with its display scale, and the test decoder reads the same', async () => {
    const { count, pieces } = rows().take();
    assert.ok(pieces.length > 1, 'the rows span several pieces');
    assert.equal(count, ROWS.length);
    await db().db.transaction().execute(async (trx) => {
      await sql`create temporary table copy_bytes_rows (t timestamptz, a numeric, b numeric, d numeric, n int4) on commit drop`.execute(trx);
      await copyIn(trx, 'copy_bytes_rows', ['t', 'a', 'b', 'd', 'n'], pieces, 'binary');
      const stored = await sql<{ r: string }>`
        select concat_ws(' ', to_char(t at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), a, b, d, n) as r
          from copy_bytes_rows order by t`.execute(trx);
      const byTime = [...EXPECTED].sort();
      assert.deepEqual(stored.rows.map((x) => x.r), byTime);
    });
    const decoded = directRowsText(pieces, [4]).map((l) => l.split(','));
    assert.deepEqual(
      decoded.map(([t, ...rest]) => [new Date(t!).toISOString(), ...rest].join(' ')),
      EXPECTED,
    );
  });
});

it('a scaled integer is the very numeric its decimal text makes, for integers of every size and every scale', () => {
  let seed = 7;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  let checked = 0;
  for (let digits = 1; digits <= 16; digits++) {
    for (let k = 0; k < 200; k++) {
      const v = Math.min(Number.MAX_SAFE_INTEGER, Math.floor(next() * 10 ** digits)) * (next() < 0.5 ? -1 : 1);
      const s = Math.floor(next() * 18);
      const a = new CopyBytes(64);
      a.ensure(64);
      a.scaled(v, s);
      const b = new CopyBytes(64);
      b.ensure(64);
      b.decimalText(scaledText(v, s));
      assert.deepEqual(a.take().pieces, b.take().pieces, `${v} at scale ${s}`);
      checked++;
    }
  }
  assert.equal(checked, 3200);
});

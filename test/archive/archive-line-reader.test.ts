// The archive path's fast reading of a row (archive/archive-line-reader.ts) against the general one
// (parseArchiveRow, then checkCandleValues): for every form of row, the same times, the same COPY line, and "clean"
// exactly when the checks find nothing; a row of another form is left to the general reader.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArchiveLineReader } from '../../src/archive/archive-line-reader.ts';
import { parseArchiveRow } from '../../src/archive/parse-archive-row.ts';
import { checkCandleValues, type QualityFinding } from '../../src/planner/validate-page.ts';
import { CandleCopyRowsBuilder } from '../../src/writer/candle-copy-rows.ts';
import { directRowsText } from '../support/direct-rows-text.ts';
import { seededDecimals } from '../support/seeded-decimals.ts';

const MS = '1704067200000,42283.58000000,42298.62000000,42261.02000000,42298.61000000,35.92724000,1704067259999,1519573.28203800,1327,23.04327000,974625.01281720,0';
const US = '1735689600000000,93576.00000000,93610.93000000,93537.50000000,93610.93000000,8.21827000,1735689659999999,768851.59943780,1209,4.47045000,418223.43102560,0';

/** Reads `line` with the reader as the archive path does: its bytes, among others before and after it. */
const read = (reader: ArchiveLineReader, line: string): boolean => {
  const buf = Buffer.from(`x\n${line}\ny`, 'latin1');
  return reader.read(buf, 2, 2 + line.length);
};

/** The COPY rows a builder holds: its direct and its staged lines, without newlines. */
function lines(b: CandleCopyRowsBuilder): { direct: string[]; staged: string[] } {
  const rows = b.take();
  const split = (pieces: readonly (string | Uint8Array)[]): string[] =>
    pieces.map((p) => (typeof p === 'string' ? p : Buffer.from(p).toString('latin1'))).join('').split('\n').filter((l) => l !== '');
  return { direct: directRowsText(rows.direct.pieces), staged: split(rows.staged.pieces) };
}

/** The COPY rows the general path makes of a row, for comparison. */
function generalLines(line: string): { direct: string[]; staged: string[] } {
  const b = new CandleCopyRowsBuilder(7);
  b.push(parseArchiveRow(line), '1m');
  return lines(b);
}

describe('the fast reading of archive rows', () => {
  // [name, row, whether it fits candle_data's compact row (a 1m candle)]
  const cases: Array<[string, string, boolean]> = [
    ['milliseconds', MS, true],
    ['microseconds (2025 on)', US, true],
    ['low above open: a finding', MS.replace('42261.02000000', '42290.00000000'), true],
    ['high below close: a finding', MS.replace('42298.62000000', '42298.60000000'), true],
    ['close before open: a finding', MS.replace('1704067259999', '1704067100000'), false],
    ['a candle cut short', MS.replace('1704067259999', '1704067229999'), false],
    ['fewer decimals than open', MS.replace('42298.62000000', '42298.62'), false],
    ['a whole open price', MS.replace('42283.58000000', '42283'), true],
    ['more trades than an integer column holds', MS.replace(',1327,', ',2147483648,'), false],
    ['an open time off the minute grid', MS.replace('1704067200000', '1704067200500').replace('1704067259999', '1704067260499'), false],
    ['the ignore field empty', MS.replace(/,0$/, ','), true],
  ];
  for (const [name, line, fits] of cases) {
    it(`${name}: the same times and COPY values; clean exactly when nothing is found; ${fits ? 'fits' : 'may not fit'} the compact row`, () => {
      const reader = new ArchiveLineReader();
      assert.equal(read(reader, line), true);
      const c = parseArchiveRow(line);
      assert.deepEqual([reader.openTime, reader.closeTime], [c.openTime, c.closeTime]);
      const b = new CandleCopyRowsBuilder(7);
      reader.copyTo(b, '1m');
      const fast = lines(b);
      const general = generalLines(line);
      // A staged line keeps every field but the last, `ignore`, which the general path leaves empty (never read).
      assert.deepEqual({ direct: fast.direct, staged: fast.staged.map((l) => l.replace(/,[^,]*$/, ',')) }, general);
      assert.deepEqual([fast.direct.length, fast.staged.length], fits ? [1, 0] : [0, 1]);
      const findings: QualityFinding[] = [];
      checkCandleValues(c, findings);
      assert.equal(reader.clean(), findings.length === 0);
    });
  }

  it('a row that fits goes straight to candle_data’s form: ISO open time, open, the three differences exact, the volumes and trades', () => {
    const reader = new ArchiveLineReader();
    for (const line of [MS, US]) assert.equal(read(reader, line), true);
    const b = new CandleCopyRowsBuilder(7);
    read(reader, MS);
    reader.copyTo(b, '1m');
    read(reader, US);
    reader.copyTo(b, '1m');
    assert.deepEqual(lines(b).direct, [
      '2024-01-01T00:00:00Z,42283.58000000,15.04000000,-22.56000000,15.03000000,35.92724000,1519573.28203800,1327,23.04327000,974625.01281720,7',
      '2025-01-01T00:00:00Z,93576.00000000,34.93000000,-38.50000000,34.93000000,8.21827000,768851.59943780,1209,4.47045000,418223.43102560,7',
    ]);
  });

  it('reads 20,000 generated rows exactly as the general reader does: times, checks, and the lines it makes', () => {
    const { next, price } = seededDecimals(7);
    const reader = new ArchiveLineReader();
    const intervals = ['1s', '1m', '1h', '1d'] as const;
    let fast = 0;
    const seen = { direct: 0, staged: 0, unclean: 0 };
    for (let i = 0; i < 20_000; i++) {
      const interval = intervals[i % intervals.length]!;
      const step = { '1s': 1000, '1m': 60_000, '1h': 3_600_000, '1d': 86_400_000 }[interval];
      // Open times on the grid, now and then off it; from 2025 in µs; close times nominal, now and then cut short.
      const open = Date.UTC(2024, 6, 1) + next(Math.floor(3e10 / step)) * step + (next(20) === 0 ? 500 : 0);
      const close = open + step - 1 - (next(15) === 0 ? 30_000 : 0);
      const us = open >= Date.UTC(2025, 0, 1) || next(4) === 0;
      const time = (t: number, end: boolean): string => (us ? `${t}${end ? '999' : '000'}` : String(t));
      // Prices of one scale mostly, now and then one with fewer or more decimals, of 1 to 16 digits.
      const scale = next(9);
      const whole = 1 + next(7);
      const p = (): string => price(whole, next(12) === 0 ? next(10) : scale);
      const trades = next(30) === 0 ? String(2_147_483_000 + next(2000)) : String(next(100_000));
      const line = [time(open, false), p(), p(), p(), p(), price(4, 8), time(close, true), price(7, 8), trades, price(4, 8), price(7, 8), '0'].join(',');
      const general = parseArchiveRow(line);
      if (!read(reader, line)) continue;
      fast++;
      assert.deepEqual([reader.openTime, reader.closeTime], [general.openTime, general.closeTime], line);
      const findings: QualityFinding[] = [];
      checkCandleValues(general, findings);
      assert.equal(reader.clean(), findings.length === 0, line);
      if (findings.length > 0) seen.unclean++;
      const b = new CandleCopyRowsBuilder(7);
      reader.copyTo(b, interval);
      const g = new CandleCopyRowsBuilder(7);
      g.push(general, interval);
      const mine = lines(b);
      assert.deepEqual({ direct: mine.direct, staged: mine.staged.map((l) => l.replace(/,[^,]*$/, ',')) }, lines(g), line);
      seen.direct += mine.direct.length;
      seen.staged += mine.staged.length;
    }
    // Every kind of row came up often: straight to candle_data, staged, and with something for the checks to find.
    for (const [kind, n] of Object.entries(seen)) assert.ok(n > 500, `${n} rows ${kind}`);
    // Nearly every row has the common form; the ones with more digits than a double holds exactly do not.
    assert.ok(fast > 19_000, `${fast} of 20,000 read the fast way`);
  });

  it('rows of another form are the general reader’s: times neither ms nor whole µs, a sign, an odd ignore field, a field short', () => {
    const reader = new ArchiveLineReader();
    for (const line of [
      MS.replace('1704067200000', '17040672000001'),
      US.replace('1735689600000000', '1735689600000123'),
      MS.replace('35.92724000', '-35.92724000'),
      MS.replace(/,0$/, ',"x"'),
      MS.replace(/,0$/, ''),
      MS.replace('42283.58000000', '42283.580000000000'),
      MS.replace('42283.58000000', '.58000000'),
      MS.replace('42283.58000000', '42283.'),
      MS.replace('1327', '13.27'),
      `${MS},0`,
    ]) {
      assert.equal(read(reader, line), false, line);
      assert.equal(reader.clean(), false);
    }
  });
});

// The archive path's fast reading of a row (archive/archive-line-reader.ts) against the general one
// (parseArchiveRow, then checkCandleValues): for every form of row, the same times, the same COPY line, and "clean"
// exactly when the checks find nothing; a row of another form is left to the general reader.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArchiveLineReader } from '../../src/archive/archive-line-reader.ts';
import { parseArchiveRow } from '../../src/archive/parse-archive-row.ts';
import { checkCandleValues, type QualityFinding } from '../../src/planner/validate-page.ts';
import { CandleCopyRowsBuilder } from '../../src/writer/candle-copy-rows.ts';

const MS = '1704067200000,42283.58000000,42298.62000000,42261.02000000,42298.61000000,35.92724000,1704067259999,1519573.28203800,1327,23.04327000,974625.01281720,0';
const US = '1735689600000000,93576.00000000,93610.93000000,93537.50000000,93610.93000000,8.21827000,1735689659999999,768851.59943780,1209,4.47045000,418223.43102560,0';

/** The COPY line the general path makes of a row (without its newline), for comparison. */
function generalLine(line: string): string {
  const b = new CandleCopyRowsBuilder();
  b.push(parseArchiveRow(line));
  return b.take().pieces.join('').replace(/\n$/, '');
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
      assert.equal(reader.read(line), true);
      const c = parseArchiveRow(line);
      assert.deepEqual([reader.openTime, reader.closeTime], [c.openTime, c.closeTime]);
      // The same fields but the last, `ignore`, which the general path leaves empty (never read).
      assert.equal(reader.csv.replace(/,[^,]*$/, ','), generalLine(line));
      const findings: QualityFinding[] = [];
      checkCandleValues(c, findings);
      assert.equal(reader.clean(), findings.length === 0);
      assert.equal(reader.regular('1m'), fits);
    });
  }

  it('rows of another form are the general reader’s: times neither ms nor whole µs, a sign, an odd ignore field, a field short', () => {
    const reader = new ArchiveLineReader();
    for (const line of [
      MS.replace('1704067200000', '17040672000001'),
      US.replace('1735689600000000', '1735689600000123'),
      MS.replace('35.92724000', '-35.92724000'),
      MS.replace(/,0$/, ',"x"'),
      MS.replace(/,0$/, ''),
    ]) {
      assert.equal(reader.read(line), false, line);
      assert.equal(reader.clean(), false);
    }
  });
});

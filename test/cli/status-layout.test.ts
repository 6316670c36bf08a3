// `status` and `gaps` fit an 80-column terminal, on both stores, read from a real database: compact times, lags as
// durations, completeness as a percentage, thousands separators, a totals line; `gaps` counts exchange-empty ranges
// per series unless --all. Each figure is checked against `--json` (and the exchange's own candles).
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { documentOf, runTarget } from '../contract/run-in-process.ts';
import { describeOnEachDb } from '../support/describe-on-each-db.ts';
import { usdtSymbol } from '../support/fake-exchange/index.ts';
import { scenario } from '../support/scenario.ts';
import { query, releaseStore } from '../support/stored-rows.ts';

const NOW = Date.UTC(2024, 5, 1, 0, 30, 30);
const SINCE = '2024-04-01';
const H = 3_600_000;
const HALTS = [
  { from: Date.UTC(2024, 4, 2, 3), to: Date.UTC(2024, 4, 2, 5) },
  { from: Date.UTC(2024, 4, 9, 10), to: Date.UTC(2024, 4, 9, 11) },
  { from: Date.UTC(2024, 4, 20, 0), to: Date.UTC(2024, 4, 20, 6) },
];
const SYMBOLS = ['BTCUSDT', '1000SATSUSDT', 'ETHUSDT'];

interface SeriesJson {
  symbol: string;
  interval: string;
  start_time: string;
  last_open_time: string;
  candles: number;
  candles_expected: number;
  gaps: number;
  lag_seconds: number;
}
interface RangeJson {
  symbol: string;
  interval: string;
  from: string;
  to: string;
  candles: number;
}

/** `2024-05-31 23:00`, written out here rather than borrowed from the renderer. */
const minute = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
const grouped = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const pct = (num: number, den: number): string => `${(Math.floor((num / den) * 10_000) / 100).toFixed(2)}%`;
/** Cells of a table line: columns are two or more blanks apart, and no cell holds two blanks. */
const cells = (line: string): string[] => line.trim().split(/\s{2,}/);

function assertFits(out: string, what: string): void {
  for (const line of out.split('\n')) assert.ok(line.length <= 80, `${what}: a line of ${line.length} columns:\n${line}`);
}

/** The lines of the table whose header is on line `header`, without the header and its rule, up to the blank line that ends it. */
function tableAt(out: string, header: number): string[] {
  const lines = out.split('\n');
  const end = lines.findIndex((l, i) => i > header && l === '');
  return lines.slice(header + 2, end === -1 ? undefined : end);
}

/** The table under the line that starts with `heading`. */
function tableUnder(out: string, heading: string): string[] {
  const at = out.split('\n').findIndex((l) => l.startsWith(heading));
  assert.notEqual(at, -1, `no "${heading}" in:\n${out}`);
  return tableAt(out, at + 1);
}

describeOnEachDb('status and gaps layout', (kind) => {
  const scene = scenario({
    db: kind,
    exchange: { now: NOW, symbols: [usdtSymbol('BTCUSDT'), usdtSymbol('1000SATSUSDT'), usdtSymbol('ETHUSDT', Date.UTC(2020, 0, 1), { halts: HALTS })] },
  });
  const run = async (args: string[]) => {
    await releaseStore(scene.target.dataDir);
    return runTarget(scene.target, args);
  };

  before(async () => {
    const res = await run(['backfill', '--since', SINCE, '--symbols', SYMBOLS.join(','), '--intervals', '1h,1d']);
    assert.equal(res.code, 0, res.stderr);
    // Three missing candles in a row: one gap of 3.
    await query(scene.target, `delete from candles where symbol = 'BTCUSDT' and interval = '1h' and open_time >= '2024-05-10T00:00Z' and open_time < '2024-05-10T03:00Z'`);
  });

  it('status: every line fits 80 columns; each series row is the JSON figures in compact form', async () => {
    const before = documentOf<{ series: SeriesJson[] }>(await run(['status', '--json']));
    const res = await run(['status']);
    const after = documentOf<{ series: SeriesJson[] }>(await run(['status', '--json']));
    assert.equal(res.code, 0, res.stderr);
    assertFits(res.stdout, 'status');
    const lines = res.stdout.split('\n');
    // 1000SATSUSDT and a lag of years make the table too wide for its `since` column (a date and two blanks), which
    // is then left out. The lag is read on the real clock ("914d 23h", or "914d" in the first hour of a day), so
    // whether the column fits depends on the hour: either way the rule holds.
    const header = cells(lines[0] ?? '');
    const withSince = header.includes('since');
    const table = lines.slice(0, lines.findIndex((l, i) => i > 0 && l === ''));
    if (withSince) assert.deepEqual(header, ['symbol', 'int', 'since', 'last open', 'candles', 'complete', 'gaps', 'lag']);
    else {
      assert.deepEqual(header, ['symbol', 'int', 'last open', 'candles', 'complete', 'gaps', 'lag']);
      assert.ok(Math.max(...table.map((l) => l.length)) + SINCE.length + 2 > 80, `the since column would have fitted:\n${table.join('\n')}`);
    }
    const columns = header.length;
    const rule = new RegExp(`^-+( {2}-+){${columns - 1}}$`);
    assert.match(lines[1] ?? '', rule);
    const rows = tableAt(res.stdout, 0);
    // No rule between rows: six series, then the rule and the totals line.
    assert.equal(rows.length, 6 + 2);
    assert.match(rows[6] ?? '', rule);
    /** A row's cells without the since column (checked to be the series' start when shown). */
    const unsince = (row: string[], start?: string): string[] => {
      if (!withSince) return row;
      if (start !== undefined) assert.equal(row[2], start);
      return [...row.slice(0, 2), ...row.slice(3)];
    };

    const btc1h = scene.fake.expectedKlines('BTCUSDT', '1h', Date.parse(SINCE), NOW).length - 3;
    for (const [i, s] of before.series.entries()) {
      const row = unsince(cells(rows[i] ?? ''), s.start_time.slice(0, 10));
      const lag = row[6] ?? '';
      assert.deepEqual(row.slice(0, 6), [s.symbol, s.interval, minute(s.last_open_time), grouped(s.candles), pct(s.candles, s.candles_expected), String(s.gaps)], rows[i]);
      // The lag in days and hours (the fake exchange's clock is 2024's): the two JSON readings around it bound it.
      const [, d, h] = /^(\d+)d(?: (\d+)h)?$/.exec(lag) ?? [];
      const shown = Number(d) * 86_400 + Number(h ?? 0) * 3600;
      assert.ok(shown <= (after.series[i]?.lag_seconds ?? 0) && (before.series[i]?.lag_seconds ?? 0) < shown + 3600, `${lag} vs ${s.lag_seconds} s`);
    }
    const btc = before.series.find((s) => s.symbol === 'BTCUSDT' && s.interval === '1h');
    assert.equal(btc?.candles, btc1h);
    assert.ok(btc1h > 1000, 'a count with a thousands separator');
    assert.equal(before.series.find((s) => s.symbol === 'BTCUSDT' && s.interval === '1h')?.gaps, 1);

    const totals = cells(rows[7] ?? '');
    const stored = before.series.reduce((n, s) => n + s.candles, 0);
    const expected = before.series.reduce((n, s) => n + s.candles_expected, 0);
    assert.deepEqual(totals.slice(0, 4), ['6 series', grouped(stored), pct(stored, expected), '1']);
    // The largest lag, bounded by the two readings like each row's.
    const [, d, h] = /^(\d+)d(?: (\d+)h)?$/.exec(totals[4] ?? '') ?? [];
    const shown = Number(d) * 86_400 + Number(h ?? 0) * 3600;
    assert.ok(shown <= Math.max(...after.series.map((s) => s.lag_seconds)) && Math.max(...before.series.map((s) => s.lag_seconds)) < shown + 3600, totals[4]);
    assert.match(res.stdout, /^Recent runs:$/m);
  });

  it('status of narrower series keeps the since column', async () => {
    const res = await run(['status', '--symbols', 'BTCUSDT,ETHUSDT', '--intervals', '1h']);
    assert.equal(res.code, 0, res.stderr);
    assertFits(res.stdout, 'status');
    assert.deepEqual(cells(res.stdout.split('\n')[0] ?? ''), ['symbol', 'int', 'since', 'last open', 'candles', 'complete', 'gaps', 'lag']);
    const rows = tableAt(res.stdout, 0).map(cells);
    const btc = scene.fake.expectedKlines('BTCUSDT', '1h', Date.parse(SINCE), NOW).length;
    const eth = scene.fake.expectedKlines('ETHUSDT', '1h', Date.parse(SINCE), NOW).length;
    assert.equal(rows.length, 4);
    assert.deepEqual(rows[0]?.slice(0, 7), ['BTCUSDT', '1h', SINCE, '2024-05-31 23:00', grouped(btc - 3), pct(btc - 3, btc), '1']);
    assert.deepEqual(rows[1]?.slice(0, 7), ['ETHUSDT', '1h', SINCE, '2024-05-31 23:00', grouped(eth), '100.00%', '0']);
    assert.deepEqual(rows[3]?.slice(0, 4), ['2 series', grouped(btc - 3 + eth), pct(btc - 3 + eth, btc + eth), '1']);
  });

  it('gaps: the gaps listed with compact times; exchange-empty ranges counted per series; --all lists each', async () => {
    const doc = documentOf<{ gaps: RangeJson[]; exchange_empty: RangeJson[] }>(await run(['gaps', '--json']));
    assert.deepEqual(
      doc.gaps.map((g) => [g.symbol, g.interval, g.from, g.to, g.candles]),
      [['BTCUSDT', '1h', '2024-05-10T00:00:00.000Z', '2024-05-10T02:00:00.000Z', 3]],
    );
    const empties = doc.exchange_empty.filter((r) => r.symbol === 'ETHUSDT' && r.interval === '1h');
    assert.deepEqual(
      empties.map((r) => [r.from, r.to, r.candles]),
      HALTS.map((w) => [new Date(w.from).toISOString(), new Date(w.to - H).toISOString(), (w.to - w.from) / H]),
    );

    const res = await run(['gaps']);
    assert.equal(res.code, 0, res.stderr);
    assertFits(res.stdout, 'gaps');
    assert.deepEqual(tableUnder(res.stdout, 'Gaps').map(cells), [['BTCUSDT', '1h', '2024-05-10 00:00', '2024-05-10 02:00', '3']]);
    const bySeries = new Map<string, RangeJson[]>();
    for (const r of doc.exchange_empty) bySeries.set(`${r.symbol} ${r.interval}`, [...(bySeries.get(`${r.symbol} ${r.interval}`) ?? []), r]);
    const summary = tableUnder(res.stdout, 'Exchange-empty ranges');
    const expectedRows = [...bySeries.values()].map((rs) => [
      rs[0]?.symbol,
      rs[0]?.interval,
      String(rs.length),
      grouped(rs.reduce((n, r) => n + r.candles, 0)),
      minute(rs[0]?.from ?? ''),
      minute(rs.at(-1)?.to ?? ''),
    ]);
    assert.deepEqual(summary.slice(0, bySeries.size).map(cells), expectedRows);
    assert.ok(expectedRows.some((r) => r[0] === 'ETHUSDT' && r[1] === '1h' && r[2] === '3' && r[3] === '9'), JSON.stringify(expectedRows));
    // ETHUSDT 1h (the three halts) and ETHUSDT 1d (the daily candle that would open in the third): two series.
    assert.deepEqual([...bySeries.keys()], ['ETHUSDT 1d', 'ETHUSDT 1h']);
    assert.equal(summary.length, 2 + 3);
    assert.equal(summary[4], '(`cryptocollect gaps --all` lists each range.)');
    assert.deepEqual(cells(summary[3] ?? ''), ['2 series', String(doc.exchange_empty.length), grouped(doc.exchange_empty.reduce((n, r) => n + r.candles, 0))]);

    const all = await run(['gaps', '--all']);
    assert.equal(all.code, 0, all.stderr);
    assertFits(all.stdout, 'gaps --all');
    const listed = tableUnder(all.stdout, 'Exchange-empty ranges');
    const expectedAll = doc.exchange_empty.map((r) => [r.symbol, r.interval, minute(r.from), minute(r.to), grouped(r.candles)]);
    assert.deepEqual(listed.slice(0, doc.exchange_empty.length).map(cells), expectedAll);
  });
});

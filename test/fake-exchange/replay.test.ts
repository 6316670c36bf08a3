import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { createFakeExchange, loadRealKlines, realKlinesDir, type RealKline } from '../support/fake-exchange/index.ts';
import { HOUR, klines, pageAll } from './helpers.ts';

const HALT_1300 = Date.UTC(2023, 2, 24, 13);

test('real-klines directory is the repository’s own fixtures', () => {
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  assert.equal(realKlinesDir(), path.resolve(repoRoot, 'test/fixtures/real-klines'));
});

test('BTCUSDT-1h-2023: 3,623 rows, 2023-03-24 13:00 missing, 12:00 flat', () => {
  const rows = loadRealKlines('BTCUSDT-1h-2023');
  assert.equal(rows.length, 3623);
  assert.deepEqual(rows[0], [
    1672531200000, '16541.77000000', '16545.70000000', '16508.39000000', '16529.67000000', '4364.83570000',
    1672534799999, '72146293.58672290', 149854, '2179.94772000', '36032352.87035720', '0',
  ]);
  assert.ok(!rows.some((r) => r[0] === HALT_1300));
  const noon = rows.find((r) => r[0] === HALT_1300 - HOUR)!;
  assert.equal(noon[5], '0.00000000');
  assert.equal(noon[8], 0);
  for (let i = 1; i < rows.length; i++) assert.ok(rows[i]![0] > rows[i - 1]![0]);
});

test('BTCUSDT-1h-rest6: normalised to the 12-field form, quote volume exact', () => {
  const rows = loadRealKlines('BTCUSDT-1h-rest6');
  assert.equal(rows.length, 62482);
  assert.deepEqual(rows[0], [
    Date.UTC(2018, 1, 9, 16), '8333.98000000', '8432.51000000', '8312.00000000', '8383.11000000', '1189.65165800',
    Date.UTC(2018, 1, 9, 16) + 3_599_999, '9972980.71069638', 0, '0.00000000', '0.00000000', '0',
  ]);
  assert.ok(!rows.some((r) => r[0] === HALT_1300));
  for (const r of rows.slice(0, 2000)) for (const i of [1, 2, 3, 4, 5, 7]) assert.match(r[i] as string, /^\d+\.\d{8}$/);
});

test('ADABTC-1m: tiny prices kept exactly', () => {
  const rows = loadRealKlines('ADABTC-1m');
  assert.equal(rows.length, 21);
  assert.equal(rows[0]![1], '0.00002853');
});

test('BTCUSDT-1m-2020: the three zip archives (checksums verified), 4,320 contiguous rows', () => {
  for (const d of ['01', '02', '03']) {
    const file = path.join(realKlinesDir(), `BTCUSDT-1m-2020-01-${d}.zip`);
    const expected = readFileSync(`${file}.CHECKSUM`, 'utf8').split(/\s+/)[0];
    assert.equal(createHash('sha256').update(readFileSync(file)).digest('hex'), expected);
  }
  const rows = loadRealKlines('BTCUSDT-1m-2020');
  assert.equal(rows.length, 4320);
  assert.equal(rows[0]![0], Date.UTC(2020, 0, 1));
  for (let i = 1; i < rows.length; i++) assert.equal(rows[i]![0] - rows[i - 1]![0], 60_000);
});

test('replaying the 2023 files: paging returns the real rows, hole included; the last row is still open', async () => {
  const rows = loadRealKlines('BTCUSDT-1h-2023');
  const last = rows[rows.length - 1]!;
  const now = last[0] + 30 * 60_000; // 2023-05-31 23:30: the 23:00 candle is still open
  const ex = await createFakeExchange({
    now,
    symbols: [{ symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', listedAt: Date.UTC(2017, 7, 17, 4), replay: { '1h': rows } }],
  });
  try {
    const paged = await pageAll(ex, 'BTCUSDT', '1h', Date.UTC(2023, 0, 1));
    assert.equal(paged.length, rows.length);
    assert.deepEqual(paged.slice(0, -1), rows.slice(0, -1));
    const open = paged[paged.length - 1]!;
    assert.equal(open[0], last[0]);
    assert.notDeepEqual(open, last);
    assert.ok(Number(open[5]) < Number(last[5]));
    assert.deepEqual(ex.expectedKlines('BTCUSDT', '1h', 0, Infinity), rows.slice(0, -1));

    const around = await klines(ex, { symbol: 'BTCUSDT', interval: '1h', startTime: HALT_1300 - 2 * HOUR, limit: 4 });
    assert.deepEqual(around.body.map((k) => new Date(k[0]).toISOString().slice(11, 16)), ['11:00', '12:00', '14:00', '15:00']);
    const endOnly = await klines(ex, { symbol: 'BTCUSDT', interval: '1h', endTime: HALT_1300 + 30 * 60_000, limit: 2 });
    assert.deepEqual(endOnly.body.map((k) => k[0]), [HALT_1300 - 2 * HOUR, HALT_1300 - HOUR]);

    ex.setNow(last[6] + 1);
    const final = await klines(ex, { symbol: 'BTCUSDT', interval: '1h', limit: 1 });
    assert.deepEqual(final.body, [last]);
    // Other intervals of a replayed symbol are still generated.
    assert.equal((await klines(ex, { symbol: 'BTCUSDT', interval: '1d', limit: 3 })).body.length, 3);
  } finally {
    await ex.close();
  }
});

test('off-grid replay rows with truncated close times page correctly with last open + 1', async () => {
  // Shaped like BTCUSDT around the 2018-02-08 halt: a cut-short candle, a hole, then HH:28:14.789 opens.
  const row = (open: number, close: number): RealKline =>
    [open, '8000.00000000', '8100.00000000', '7900.00000000', '8050.00000000', '10.00000000', close, '80500.00000000', 100, '5.00000000', '40250.00000000', '0'];
  const t0 = Date.UTC(2018, 1, 8);
  const rows: RealKline[] = [
    row(t0, t0 + HOUR - 1),
    row(t0 + HOUR, Date.UTC(2018, 1, 8, 1, 28, 14, 788)),
    row(Date.UTC(2018, 1, 9, 9, 28, 14, 789), Date.UTC(2018, 1, 9, 10, 28, 14, 788)),
    row(Date.UTC(2018, 1, 9, 10, 28, 14, 789), Date.UTC(2018, 1, 9, 11, 28, 14, 788)),
  ];
  const ex = await createFakeExchange({
    symbols: [{ symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', listedAt: 0, replay: { '1h': rows } }],
  });
  try {
    const pages: number[] = [];
    const got: RealKline[] = [];
    let start = 0;
    for (;;) {
      const r = await klines(ex, { symbol: 'BTCUSDT', interval: '1h', startTime: start, limit: 2 });
      pages.push(r.body.length);
      if (r.body.length === 0) break;
      got.push(...r.body);
      start = r.body[r.body.length - 1]![0] + 1;
    }
    assert.deepEqual(got, rows);
    assert.deepEqual(pages, [2, 2, 0]);
  } finally {
    await ex.close();
  }
});

// The Parquet writer on its own: several row groups, every decimal exactly (DECIMAL(38,8) read back by DuckDB), the
// schema readers see, and the refusal of a value the type cannot hold as it is. The CLI tests read exports of stored
// candles; here the row group size is small so that a few thousand rows make several.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ExportedCandle } from '../../src/db/candle-export-repository.ts';
import type { ByteSink } from '../../src/export/byte-sink.ts';
import { unscaledDecimal } from '../../src/export/parquet-decimal.ts';
import { parquetWriter } from '../../src/export/parquet-writer.ts';
import { canonicalDecimal, readParquet } from '../support/read-parquet.ts';

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

function memorySink(): ByteSink & { data: () => Buffer } {
  const chunks: Buffer[] = [];
  let bytes = 0;
  return {
    get bytes() {
      return bytes;
    },
    async write(chunk) {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk);
      chunks.push(b);
      bytes += b.length;
    },
    data: () => Buffer.concat(chunks),
  };
}

// Values at the edges: the largest DECIMAL(38,8), fewer decimals than 8, a tiny BTC-quoted price, zero, a negative.
const EDGES = ['999999999999999999999999999999.99999999', '8100.5', '7900', '0.00002853', '0.00000000', '-12.5'];

function candle(i: number): ExportedCandle {
  const d = (k: number): string => EDGES[(i + k) % EDGES.length] ?? '0';
  return {
    openTime: T0 + i * H,
    closeTime: T0 + (i + 1) * H - 1,
    open: `${16000 + i}.${String(i % 100).padStart(2, '0')}000000`,
    high: d(0),
    low: d(1),
    close: d(2),
    volume: d(3),
    quoteVolume: d(4),
    trades: String(i === 7 ? 3_000_000_000 : i * 3),
    takerBuyBaseVolume: d(5),
    takerBuyQuoteVolume: `${i}.12345678`,
  };
}

describe('parquet writer', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cc-parquet-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('writes row group after row group, and DuckDB reads every value back exactly', async () => {
    const sink = memorySink();
    const writer = parquetWriter(sink, 1000);
    const rows = Array.from({ length: 2500 }, (_, i) => candle(i));
    // Pages of two series, as export hands them over: a row group spans both.
    await writer.write({ symbol: 'BTCUSDT', interval: '1h' }, rows.slice(0, 1200));
    await writer.write({ symbol: 'BTCUSDT', interval: '1h' }, rows.slice(1200, 1300));
    await writer.write({ symbol: 'ADABTC', interval: '1h' }, rows.slice(1300));
    await writer.end();
    const file = path.join(dir, 'groups.parquet');
    await writeFile(file, sink.data());
    assert.equal(sink.bytes, sink.data().length);

    const back = await readParquet(file);
    assert.deepEqual(back.rowGroups, [1000, 1000, 500]);
    assert.deepEqual(back.types, {
      symbol: 'VARCHAR',
      interval: 'VARCHAR',
      open_time: 'TIMESTAMP WITH TIME ZONE',
      close_time: 'TIMESTAMP WITH TIME ZONE',
      open: 'DECIMAL(38,8)',
      high: 'DECIMAL(38,8)',
      low: 'DECIMAL(38,8)',
      close: 'DECIMAL(38,8)',
      volume: 'DECIMAL(38,8)',
      quote_volume: 'DECIMAL(38,8)',
      trades: 'BIGINT',
      taker_buy_base_volume: 'DECIMAL(38,8)',
      taker_buy_quote_volume: 'DECIMAL(38,8)',
    });
    const expected = rows.map((c, i) => [
      i < 1300 ? 'BTCUSDT' : 'ADABTC',
      '1h',
      String(c.openTime),
      String(c.closeTime),
      ...[c.open, c.high, c.low, c.close, c.volume, c.quoteVolume].map(canonicalDecimal),
      c.trades,
      ...[c.takerBuyBaseVolume, c.takerBuyQuoteVolume].map(canonicalDecimal),
    ]);
    const got = back.rows.map((r) => r.map((v, k) => (k >= 4 && k !== 10 ? canonicalDecimal(v) : v)));
    assert.deepEqual(got, expected);
    // DuckDB prints the scale of the type: the largest value keeps all of its 38 digits.
    assert.equal(back.rows[0]?.[5], '999999999999999999999999999999.99999999');
  });

  it('an empty export is a valid file with the schema and no rows', async () => {
    const sink = memorySink();
    const writer = parquetWriter(sink);
    await writer.end();
    const file = path.join(dir, 'empty.parquet');
    await writeFile(file, sink.data());
    const back = await readParquet(file);
    assert.equal(Object.keys(back.types).length, 13);
    assert.deepEqual(back.rows, []);
  });

  it('refuses a value DECIMAL(38,8) would change, naming the candle; zeros past the 8th decimal are no change', async () => {
    assert.equal(unscaledDecimal('1.123456780000'), 112345678n);
    assert.equal(unscaledDecimal('-0.5'), -50000000n);
    assert.throws(() => unscaledDecimal('0.123456789'), /9 decimals, more than the 8/);
    assert.throws(() => unscaledDecimal('1000000000000000000000000000000'), /more digits/);
    assert.throws(() => unscaledDecimal('NaN'), /not a decimal/);
    const writer = parquetWriter(memorySink());
    await assert.rejects(writer.write({ symbol: 'ODDUSDT', interval: '1h' }, [{ ...candle(0), low: '0.123456789' }]), {
      name: 'CandleNotRepresentable',
      message: 'ODDUSDT 1h 2024-01-01T00:00:00.000Z low: 0.123456789 has 9 decimals, more than the 8 of Parquet\'s DECIMAL(38, 8)',
    });
  });
});

// The cost of writing one month of `1m` (44,640 candles), in this process, on a fresh database: as one page, the
// page statement with its candles as columns (how every page went before the bulk path) against the bulk path (the
// rows in candle_data's own form, one COPY straight into it, then the statement for the rest of the page); and as
// REST's pages of 1,000 candles, columns (until 2026-12-02) against COPY rows (writer/rest-copy-rows.ts), and the
// latter on the embedded store. Medians of `months`.
import { openDatabase, type DatabaseHandle } from '../../src/db/open-database.ts';
import { ensureSeries } from '../../src/db/series-repository.ts';
import type { Candle } from '../../src/domain.ts';
import { candleColumns } from '../../src/writer/candle-columns.ts';
import { CandleCopyRowsBuilder } from '../../src/writer/candle-copy-rows.ts';
import { restCopyRows } from '../../src/writer/rest-copy-rows.ts';
import { writePage, type PageWrite } from '../../src/writer/write-page.ts';
import { generateCandle } from '../support/fake-exchange/candle-generator.ts';
import { profileFor } from '../support/fake-exchange/symbol-profile.ts';

export interface PageWriteTimes {
  readonly columnsMs: number;
  readonly bulkMs: number;
  /** The month as pages of 1,000: columns, and REST's COPY rows. */
  readonly restColumnsMs: number;
  readonly restCopyMs: number;
  readonly candles: number;
}

function month(m: number): Candle[] {
  const p = profileFor('BTCUSDT', 'BTC', 'USDT');
  const out: Candle[] = [];
  for (let t = Date.UTC(2023, m, 1); t < Date.UTC(2023, m + 1, 1); t += 60_000) {
    const k = generateCandle(p, '1m', t);
    out.push({ openTime: k[0], open: k[1], high: k[2], low: k[3], close: k[4], volume: k[5], closeTime: k[6], quoteVolume: k[7], trades: k[8], takerBuyBaseVolume: k[9], takerBuyQuoteVolume: k[10] });
  }
  return out;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

type PageOf = (candles: Candle[], seriesId: number) => PageWrite['candles'];

/** The median time of writing each month of `data` to a series of its own as pages of `pageSize` made by `page`. */
async function timeWrites(handle: DatabaseHandle, data: Candle[][], symbol: string, page: PageOf, pageSize = Number.POSITIVE_INFINITY): Promise<number> {
  const [series] = await ensureSeries(handle.db, [{ symbol, interval: '1m', startTime: Date.UTC(2023, 0, 1) }]);
  const ms: number[] = [];
  for (const candles of data) {
    const writes = [];
    for (let at = 0; at < candles.length; at += Math.min(pageSize, candles.length)) writes.push({ candles: page(candles.slice(at, at + pageSize), series!.id), empties: [], findings: [] });
    const started = performance.now();
    for (const write of writes) await writePage(handle.db, series!, write);
    ms.push(performance.now() - started);
  }
  return median(ms);
}

const restPages: PageOf = (candles, seriesId) => restCopyRows(seriesId, '1m', candles);

export async function timePageWrites(databaseUrl: string, months: number): Promise<PageWriteTimes> {
  const handle = await openDatabase({ databaseUrl, dataDir: '/nonexistent', poolSize: 2 });
  try {
    const data = Array.from({ length: months }, (_, m) => month(m));
    const columnsMs = await timeWrites(handle, data, 'COLUMNS', candleColumns);
    const bulkMs = await timeWrites(handle, data, 'BULK', (candles, seriesId) => {
      const b = new CandleCopyRowsBuilder(seriesId);
      for (const c of candles) b.push(c, '1m');
      return b.take();
    });
    const restColumnsMs = await timeWrites(handle, data, 'RESTCOLUMNS', candleColumns, 1000);
    const restCopyMs = await timeWrites(handle, data, 'RESTCOPY', restPages, 1000);
    return { columnsMs, bulkMs, restColumnsMs, restCopyMs, candles: data[0]!.length };
  } finally {
    await handle.close();
  }
}

/** The same month as REST's pages of 1,000 COPY rows, on a new embedded store in `dataDir`: the median of `months`. */
export async function timeEmbeddedRestPages(dataDir: string, months: number): Promise<{ ms: number; candles: number }> {
  const handle = await openDatabase({ dataDir, poolSize: 1 });
  try {
    const data = Array.from({ length: months }, (_, m) => month(m));
    return { ms: await timeWrites(handle, data, 'RESTCOPY', restPages, 1000), candles: data[0]!.length };
  } finally {
    await handle.close();
  }
}

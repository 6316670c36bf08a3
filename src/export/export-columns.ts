import type { ExportedCandle } from '../db/candle-export-repository.js';
import type { SeriesKey } from '../domain.js';

/**
 * The exported columns, in the order of the `candles` relation (README "The candles relation"): the CSV header,
 * the keys of each JSONL object, the Parquet schema's columns.
 */
export const EXPORT_COLUMNS = [
  'symbol',
  'interval',
  'open_time',
  'close_time',
  'open',
  'high',
  'low',
  'close',
  'volume',
  'quote_volume',
  'trades',
  'taker_buy_base_volume',
  'taker_buy_quote_volume',
] as const;

/** The decimal columns, each as stored: `numeric`, the exchange's string. */
export const DECIMAL_COLUMNS = ['open', 'high', 'low', 'close', 'volume', 'quote_volume', 'taker_buy_base_volume', 'taker_buy_quote_volume'] as const;
export type DecimalColumn = (typeof DECIMAL_COLUMNS)[number];

/** A decimal column's value in a row. */
export function decimalOf(c: ExportedCandle, column: DecimalColumn): string {
  switch (column) {
    case 'open':
      return c.open;
    case 'high':
      return c.high;
    case 'low':
      return c.low;
    case 'close':
      return c.close;
    case 'volume':
      return c.volume;
    case 'quote_volume':
      return c.quoteVolume;
    case 'taker_buy_base_volume':
      return c.takerBuyBaseVolume;
    case 'taker_buy_quote_volume':
      return c.takerBuyQuoteVolume;
  }
}

export const EXPORT_FORMATS = ['csv', 'jsonl', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Writes one format: page after page of one series at a time, then the end of the file. */
export interface CandleWriter {
  write(series: SeriesKey, page: readonly ExportedCandle[]): Promise<void>;
  end(): Promise<void>;
}

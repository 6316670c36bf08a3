import type { ExportedCandle } from '../db/candle-export-repository.js';
import type { SeriesKey } from '../domain.js';
import type { ByteSink } from './byte-sink.js';
import { EXPORT_COLUMNS, type CandleWriter } from './export-columns.js';

const iso = (ms: number): string => new Date(ms).toISOString();

/** A field quoted only when it must be (a symbol is letters and digits, but the exchange names them, not us). */
const csvField = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/**
 * CSV (RFC 4180 fields, `\n` line ends): the header, then one line per candle; times ISO 8601 UTC with
 * milliseconds, decimals as stored.
 */
export function csvWriter(sink: ByteSink): CandleWriter {
  let started = false;
  return {
    async write(series: SeriesKey, page: readonly ExportedCandle[]) {
      let out = started ? '' : `${EXPORT_COLUMNS.join(',')}\n`;
      started = true;
      const head = `${csvField(series.symbol)},${csvField(series.interval)},`;
      for (const c of page) {
        out += `${head}${iso(c.openTime)},${iso(c.closeTime)},${c.open},${c.high},${c.low},${c.close},${c.volume},${c.quoteVolume},${c.trades},${c.takerBuyBaseVolume},${c.takerBuyQuoteVolume}\n`;
      }
      await sink.write(out);
    },
    async end() {
      // An empty export is still a CSV with its header.
      if (!started) await sink.write(`${EXPORT_COLUMNS.join(',')}\n`);
    },
  };
}

/**
 * JSON Lines: one object per candle, keys in the column order; times ISO 8601 UTC, decimals as strings (exact,
 * scale kept), the trade count a number (an integer, exact in any JSON reader up to 2^53).
 */
export function jsonlWriter(sink: ByteSink): CandleWriter {
  return {
    async write(series: SeriesKey, page: readonly ExportedCandle[]) {
      const head = `{"symbol":${JSON.stringify(series.symbol)},"interval":${JSON.stringify(series.interval)},"open_time":"`;
      let out = '';
      for (const c of page) {
        out += `${head}${iso(c.openTime)}","close_time":"${iso(c.closeTime)}","open":"${c.open}","high":"${c.high}","low":"${c.low}","close":"${c.close}","volume":"${c.volume}","quote_volume":"${c.quoteVolume}","trades":${c.trades},"taker_buy_base_volume":"${c.takerBuyBaseVolume}","taker_buy_quote_volume":"${c.takerBuyQuoteVolume}"}\n`;
      }
      await sink.write(out);
    },
    async end() {},
  };
}

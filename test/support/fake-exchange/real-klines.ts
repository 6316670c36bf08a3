// Real recorded Binance candles (test/fixtures/real-klines/README.md) in the 12-field wire form, for replay
// through FakeSymbol.replay. They are part of the repository, so that the suite passes in any clone.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatUnits, mulUnits, normaliseDecimal, parseUnits } from './decimal.ts';
import { readZip } from './zip.ts';
import type { RealKline } from './types.ts';

export type RealKlinesName = 'BTCUSDT-1h-2023' | 'BTCUSDT-1h-rest6' | 'ADABTC-1m' | 'BTCUSDT-1m-2020';

/** test/support/fake-exchange → repository root is three levels up. */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export function realKlinesDir(): string {
  return path.resolve(REPO_ROOT, 'test/fixtures/real-klines');
}

const FILES: Record<RealKlinesName, string[]> = {
  'BTCUSDT-1h-2023': ['01', '02', '03', '04', '05'].map((m) => `BTCUSDT-1h-2023-${m}.csv`),
  'BTCUSDT-1h-rest6': ['BTCUSDT-1h-2018-02-09_2025-03-31.rest6.csv'],
  'ADABTC-1m': ['ADABTC-1m-2021-11-27.csv', 'ADABTC-1m-2021-11-28.csv'],
  'BTCUSDT-1m-2020': ['01', '02', '03'].map((d) => `BTCUSDT-1m-2020-01-${d}.zip`),
};

/** Parses a 12-column kline CSV (header lines, if any, are skipped: they do not start with a digit). */
export function parseKlineCsv(text: string): RealKline[] {
  const rows: RealKline[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!/^\d/.test(line)) continue;
    const f = line.split(',');
    if (f.length < 12) throw new Error(`kline CSV row with ${f.length} fields: ${line}`);
    rows.push([
      Number(f[0]), f[1]!, f[2]!, f[3]!, f[4]!, f[5]!, Number(f[6]), f[7]!, Number(f[8]), f[9]!, f[10]!, f[11]!,
    ]);
  }
  return rows;
}

const HOUR_MINUS_1 = 3_599_999;
const ZERO = formatUnits(0n);

/**
 * Parses the 6-column `datetime,open,high,low,close,volume` file (naive UTC, float-ish numbers).
 * Close time = open + 1 h − 1 ms; quote volume = volume × close, exact to 8 decimals; trades and
 * taker volumes are unknown and set to 0.
 */
export function parseRest6Csv(text: string): RealKline[] {
  const rows: RealKline[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}),/.exec(line);
    if (!m) continue;
    const open = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
    const [, o, h, l, c, v] = line.split(',') as [string, string, string, string, string, string];
    const close = parseUnits(c);
    const vol = parseUnits(v);
    rows.push([
      open, normaliseDecimal(o), normaliseDecimal(h), normaliseDecimal(l), formatUnits(close), formatUnits(vol),
      open + HOUR_MINUS_1, formatUnits(mulUnits(vol, close)), 0, ZERO, ZERO, '0',
    ]);
  }
  return rows;
}

const cache = new Map<RealKlinesName, RealKline[]>();

function load(name: RealKlinesName): RealKline[] {
  const dir = realKlinesDir();
  return FILES[name].flatMap((file) => {
    const buf = readFileSync(path.join(dir, file));
    if (file.endsWith('.zip')) return readZip(buf).flatMap((e) => parseKlineCsv(e.data.toString('utf8')));
    const text = buf.toString('utf8');
    return name === 'BTCUSDT-1h-rest6' ? parseRest6Csv(text) : parseKlineCsv(text);
  });
}

/** The named recording, oldest first. Rows are shared between calls: treat them as read-only. */
export function loadRealKlines(name: RealKlinesName): RealKline[] {
  let rows = cache.get(name);
  if (!rows) {
    if (!(name in FILES)) throw new Error(`unknown real klines set: ${name}`);
    rows = load(name);
    cache.set(name, rows);
  }
  return rows.slice();
}

// The data.binance.vision bulk archive, as the fake exchange serves it next to its REST API (same server, no weight):
//   /data/spot/{monthly|daily}/klines/<SYM>/<interval>/<SYM>-<interval>-<YYYY-MM[-DD]>.zip (+ .CHECKSUM)
// One headerless 12-column CSV per zip, built from the very candles REST serves (so a test can check the archive
// path candle for candle), open/close times in microseconds for periods from 2025-01-01 (ms before), `1mo` for the
// API's `1M`, daily files only up to `1d`, published a lag after the period's last candle closed, and the defects
// the real archive has: a missing file, a truncated one, a CHECKSUM that does not match, a file replaced with other
// values (and its own valid checksum).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { closedKlines } from './kline-selection.ts';
import { closeTimeOf, floorOpen, isInterval, type Interval } from './intervals.ts';
import type { Market } from './market.ts';
import { realKlinesDir } from './real-klines.ts';
import type { RealKline } from './types.ts';
import { writeZip } from './zip-writer.ts';

const DAY = 86_400_000;
/** From this day on spot files count time in microseconds. */
export const MICROSECONDS_FROM = Date.UTC(2025, 0, 1);
const MONTHLY_ONLY = new Set(['3d', '1w', '1mo']);

export interface ArchiveOptions {
  /** A daily file appears this long after its day's last candle closed (default 9 h, as observed). */
  dailyLagMs?: number;
  /** A monthly file appears this long after its month's last candle closed (default 2 days). */
  monthlyLagMs?: number;
}

/** A file (by its zip name, e.g. `BTCUSDT-1m-2025-01-02.zip`) served wrong. */
export type ArchiveDefect =
  /** Never published: 404 for the zip and its CHECKSUM. */
  | { kind: 'missing'; file: string }
  /** Only its first `keepRows` rows; its CHECKSUM matches (a checksum does not prove completeness). */
  | { kind: 'truncated'; file: string; keepRows: number }
  /** The CHECKSUM names another hash than the zip's. */
  | { kind: 'checksum'; file: string }
  /** Republished with the volume of its first row changed, and a CHECKSUM that matches the new file. */
  | { kind: 'replaced'; file: string };

export interface ArchiveFile {
  zip: Buffer;
  checksum: string;
}

export const archiveInterval = (interval: Interval): string => (interval === '1M' ? '1mo' : interval);
const apiInterval = (name: string): string => (name === '1mo' ? '1M' : name);

interface Period {
  kind: 'monthly' | 'daily';
  from: number;
  to: number;
}

function periodOf(kind: string, date: string): Period | null {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, m[3] === undefined ? undefined : Number(m[3])];
  if (kind === 'monthly' && d === undefined) return { kind, from: Date.UTC(y, mo, 1), to: Date.UTC(y, mo + 1, 1) };
  if (kind === 'daily' && d !== undefined) return { kind, from: Date.UTC(y, mo, d), to: Date.UTC(y, mo, d) + DAY };
  return null;
}

/** The CSV line of a kline, in microseconds for files from MICROSECONDS_FROM on (as the real archive writes them). */
export function archiveLine(k: RealKline, micro: boolean): string {
  const f = k.slice() as (string | number)[];
  if (micro) {
    f[0] = `${k[0]}000`;
    f[6] = `${k[6]}999`;
  }
  return f.join(',');
}

export class FakeArchive {
  private readonly cache = new Map<string, ArchiveFile>();
  private readonly defects = new Map<string, ArchiveDefect>();
  private readonly real = new Map<string, ArchiveFile>();
  private options: Required<ArchiveOptions>;

  constructor(
    private readonly market: Market,
    options: ArchiveOptions = {},
  ) {
    this.options = { dailyLagMs: options.dailyLagMs ?? 9 * 3_600_000, monthlyLagMs: options.monthlyLagMs ?? 2 * DAY };
  }

  setOptions(options: ArchiveOptions): void {
    this.options = { ...this.options, ...options };
  }

  inject(defect: ArchiveDefect): void {
    this.defects.set(defect.file, defect);
    this.cache.delete(defect.file);
  }

  clearDefects(): void {
    for (const file of this.defects.keys()) this.cache.delete(file);
    this.defects.clear();
  }

  /** Serves these real archive files (from test/fixtures/real-klines) byte for byte instead of building them. */
  serveRealFiles(names: readonly string[]): void {
    const dir = realKlinesDir();
    for (const name of names) {
      this.real.set(name, { zip: readFileSync(path.join(dir, name)), checksum: readFileSync(path.join(dir, `${name}.CHECKSUM`), 'utf8') });
    }
  }

  /** A symbol changed (FakeExchange.addSymbol): its files are built again. */
  forget(symbol: string): void {
    for (const key of [...this.cache.keys()]) if (key.startsWith(`${symbol}-`)) this.cache.delete(key);
  }

  /** The answer to an archive path at server time `now`, or null when `pathname` is not an archive path. */
  answer(pathname: string, now: number): { status: number; body: Buffer; contentType: string } | null {
    const m = /^\/data\/spot\/(daily|monthly)\/klines\/([A-Z0-9]+)\/([0-9a-z]+)\/([A-Z0-9]+)-([0-9a-z]+)-([0-9-]+)\.zip(\.CHECKSUM)?$/.exec(pathname);
    if (!pathname.startsWith('/data/')) return null;
    const notFound = { status: 404, body: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>${pathname.slice(1)}</Key></Error>`), contentType: 'application/xml' };
    if (!m) return notFound;
    const [, kind, symbol, interval, fileSymbol, fileInterval, date, checksum] = m as unknown as [string, string, string, string, string, string, string, string | undefined];
    const period = periodOf(kind, date);
    const api = apiInterval(interval);
    if (!period || symbol !== fileSymbol || interval !== fileInterval || !isInterval(api) || interval === '1M') return notFound;
    if (kind === 'daily' && MONTHLY_ONLY.has(interval)) return notFound;
    const name = `${symbol}-${interval}-${date}.zip`;
    const file = this.file(name, symbol, api, period, now);
    if (!file) return notFound;
    return checksum ? { status: 200, body: Buffer.from(file.checksum), contentType: 'text/plain' } : { status: 200, body: file.zip, contentType: 'application/zip' };
  }

  private file(name: string, symbol: string, interval: Interval, period: Period, now: number): ArchiveFile | null {
    const real = this.real.get(name);
    if (real) return real;
    const defect = this.defects.get(name);
    if (defect?.kind === 'missing') return null;
    // Published once the period's last candle closed (a 1w candle may close in the next month) and the lag passed.
    const lastClose = closeTimeOf(interval, floorOpen(interval, period.to - 1)) + 1;
    const lag = period.kind === 'daily' ? this.options.dailyLagMs : this.options.monthlyLagMs;
    if (now < Math.max(period.to, lastClose) + lag) return null;
    const cached = this.cache.get(name);
    if (cached) return cached;
    const s = this.market.get(symbol);
    if (!s) return null;
    let rows = closedKlines(this.market.seriesFor(s, interval), period.from, period.to, Number.POSITIVE_INFINITY);
    // No candle in the period (before a listing, after a delisting): no file.
    if (rows.length === 0) return null;
    if (defect?.kind === 'truncated') rows = rows.slice(0, defect.keepRows);
    if (defect?.kind === 'replaced') {
      const [first, ...others] = rows;
      rows = [[...first!.slice(0, 5), `${first![5]}1`, ...first!.slice(6)] as RealKline, ...others];
    }
    const micro = period.from >= MICROSECONDS_FROM;
    const csv = Buffer.from(`${rows.map((k) => archiveLine(k, micro)).join('\n')}\n`);
    const zip = writeZip(name.replace(/\.zip$/, '.csv'), csv);
    const sha = createHash('sha256').update(defect?.kind === 'checksum' ? Buffer.concat([zip, Buffer.from('x')]) : zip).digest('hex');
    const file = { zip, checksum: `${sha}  ${name}\n` };
    this.cache.set(name, file);
    return file;
  }
}

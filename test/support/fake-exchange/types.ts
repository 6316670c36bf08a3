// Public types of the fake exchange. Kept apart from the server so tests and helpers can import
// them without pulling in node:http.
import type { ArchiveDefect, ArchiveOptions } from './archive.ts';
import type { Fault } from './faults.ts';

/** The 12-field wire row of GET /api/v3/klines, exactly as Binance sends it. */
export type RealKline = [
  openTime: number,
  open: string,
  high: string,
  low: string,
  close: string,
  volume: string,
  closeTime: number,
  quoteVolume: string,
  trades: number,
  takerBuyBaseVolume: string,
  takerBuyQuoteVolume: string,
  ignore: string,
];

export type SymbolStatus = 'TRADING' | 'BREAK' | 'HALT' | 'END_OF_DAY' | 'CANCEL_ONLY';

/** A half-open window [from, to) of candle OPEN times (epoch ms). */
export interface TimeWindow {
  from: number;
  to: number;
}

export interface FakeSymbol {
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  /** Epoch ms; no candle opens before this (rounded up to the interval grid). */
  listedAt: number;
  /** No candle opens at/after this; exchangeInfo status becomes 'BREAK' once now() >= delistedAt. */
  delistedAt?: number;
  /** Trading halts: no candle opens inside these windows. */
  halts?: TimeWindow[];
  /** Explicit exchangeInfo status, overriding the derived one. */
  status?: SymbolStatus;
  /** A removed pair: answers -1121 everywhere and is absent from exchangeInfo/ticker lists. */
  removed?: boolean;
  /**
   * exchangeInfo's `permissionSets` (default [['SPOT']]); a leveraged token has [['LEVERAGED']]. `permissions` is
   * sent empty, as Binance has since 2024.
   */
  permissionSets?: string[][];
  /** The ticker's 24 h quoteVolume as sent (a decimal string), instead of the sum of its generated 1h candles. */
  quoteVolume24h?: string;
  /** Real candles served instead of generated ones, per interval (e.g. { '1h': loadRealKlines(...) }). */
  replay?: Record<string, RealKline[]>;
}

export type RateLimitInterval = 'SECOND' | 'MINUTE' | 'HOUR' | 'DAY';

export interface RateLimitSpec {
  interval: RateLimitInterval;
  intervalNum: number;
  limit: number;
}

export interface FakeExchangeOptions {
  /** Initial server time (ms). The server clock is frozen unless advanced. Default 2024-06-01T00:30Z. */
  now?: number;
  /** Delay added before each response (ms). Default 0. */
  latencyMs?: number;
  /** Default: BTCUSDT and ETHUSDT listed 2017-08-17 04:00 UTC (their real first candle). */
  symbols?: FakeSymbol[];
  /** Exchange-wide windows with no candles for any symbol. */
  outages?: TimeWindow[];
  /** REQUEST_WEIGHT limit, per client address. Default MINUTE/1/6000. */
  rateLimit?: RateLimitSpec;
  /** Wall clock for weight windows and bans (default Date.now); NOT the server time. */
  realClock?: () => number;
  /** The bulk archive served under /data/spot/ (publication lags). */
  archive?: ArchiveOptions;
  /** TCP port to listen on (default 0 = any free port). Host is always 127.0.0.1. */
  port?: number;
}

export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  /** HTTP status sent, or 0 when no response was sent (reset/hang faults). */
  status: number;
  weight: number;
  /** Wall-clock ms (realClock) at arrival. */
  at: number;
  /** The client's address (the socket's remote address): weight, 429s and bans are counted per address. */
  address: string;
  /**
   * A klines request answered (200, no fault): the open times of the first and last candle it carried, and how many
   * — every candle the series has between them, so the candles fetched twice can be counted (klines-fetched.ts).
   */
  klines?: { first: number | null; last: number | null; count: number };
}

/** Cumulative rate-limit counters; not cleared by resetRequests() so "never banned" can be asserted. */
export interface RateLimitStats {
  /** Number of 429 answers produced by the weight limit (injected faults not included). */
  throttled: number;
  /** Number of 418 answers produced by the ban logic (injected faults not included). */
  banned: number;
}

export interface FakeExchange {
  /** http://127.0.0.1:<port> */
  url: string;
  now(): number;
  setNow(ms: number): void;
  advance(ms: number): void;
  /** Every request, in arrival order. */
  requests: RequestRecord[];
  klineRequests(symbol?: string, interval?: string): RequestRecord[];
  resetRequests(): void;
  /** Every address's counters summed, or one address's (zeros for an address never seen). */
  rateLimitStats(address?: string): RateLimitStats;
  addSymbol(s: FakeSymbol): void;
  setLatency(ms: number): void;
  setRateLimit(r: RateLimitSpec): void;
  injectFault(f: Fault): void;
  clearFaults(): void;
  /**
   * Exactly the CLOSED candles (close time < now()) the server would serve for open times in
   * [fromOpen, toOpenExclusive), oldest first, with their final values.
   */
  expectedKlines(symbol: string, interval: string, fromOpen: number, toOpenExclusive: number): RealKline[];
  /** The bulk archive (/data/spot/…): defects, publication lags, real files replayed. */
  archive: {
    inject(defect: ArchiveDefect): void;
    clearDefects(): void;
    setOptions(options: ArchiveOptions): void;
    serveRealFiles(names: readonly string[]): void;
  };
  /** The archive requests (zips and CHECKSUMs), in arrival order. */
  archiveRequests(): RequestRecord[];
  /** Closes the server and destroys open sockets (including hung ones). */
  close(): Promise<void>;
}

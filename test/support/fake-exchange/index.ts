// Public entry point of the fake Binance exchange used by the test suite and benchmarks.
export { createFakeExchange, DEFAULT_NOW } from './server.ts';
export { loadRealKlines, realKlinesDir, type RealKlinesName } from './real-klines.ts';
export { BINANCE_LAUNCH, defaultSymbols, usdtSymbol } from './default-symbols.ts';
export { syntheticSymbols } from './synthetic-symbols.ts';
export { INTERVALS, type Interval } from './intervals.ts';
export type { Fault, FaultKind } from './faults.ts';
export type {
  FakeExchange, FakeExchangeOptions, FakeSymbol, RateLimitSpec, RateLimitStats, RealKline, RequestRecord, SymbolStatus, TimeWindow,
} from './types.ts';
export { MICROSECONDS_FROM, archiveInterval, type ArchiveDefect, type ArchiveOptions } from './archive.ts';

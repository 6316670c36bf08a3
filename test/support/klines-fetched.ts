// Candles fetched more than once, counted from the fake exchange's request log: each answered klines request records
// the first and last open time it carried and how many candles (test/support/fake-exchange/server.ts). On a series
// without holes (a full grid: every slot has its candle, as the synthetic symbols listed for good have) an answer
// carries every slot between the two, so the candles fetched are the union of those spans, slot by slot.
const SLOT_MS: Record<string, number> = { '1s': 1000, '1m': 60_000, '3m': 180_000, '5m': 300_000, '15m': 900_000, '30m': 1_800_000, '1h': 3_600_000, '2h': 7_200_000, '4h': 14_400_000, '1d': 86_400_000 };

export interface KlineAnswer {
  readonly path: string;
  readonly status: number;
  readonly symbol?: string | undefined;
  readonly interval?: string | undefined;
  readonly query?: Record<string, string>;
  readonly klines?: { readonly first: number | null; readonly last: number | null; readonly count: number } | undefined;
}

export interface Fetched {
  /** Candles carried by the answers, counted once per answer. */
  readonly candles: number;
  /** Distinct candles among them. */
  readonly distinct: number;
  /** Candles carried by more than one answer (candles − distinct). */
  readonly twice: number;
}

/** Per series (`SYMBOL interval`) and in all; throws for an answer that is not a full span of its grid (holes). */
export function klinesFetched(records: readonly KlineAnswer[]): Fetched & { readonly bySeries: ReadonlyMap<string, Fetched> } {
  const spans = new Map<string, Array<{ first: number; last: number }>>();
  const counts = new Map<string, number>();
  for (const r of records) {
    if (r.path !== '/api/v3/klines' || r.status !== 200 || !r.klines || r.klines.count === 0) continue;
    const symbol = r.symbol ?? r.query?.symbol;
    const interval = r.interval ?? r.query?.interval;
    const slot = interval === undefined ? undefined : SLOT_MS[interval];
    const { first, last, count } = r.klines;
    if (symbol === undefined || slot === undefined || first === null || last === null) throw new Error(`a klines answer without its series: ${JSON.stringify(r)}`);
    if ((last - first) / slot + 1 !== count) throw new Error(`${symbol} ${interval}: an answer of ${count} candles from ${first} to ${last} is not a full grid span`);
    const key = `${symbol} ${interval}`;
    spans.set(key, [...(spans.get(key) ?? []), { first, last }]);
    counts.set(key, (counts.get(key) ?? 0) + count);
  }
  const bySeries = new Map<string, Fetched>();
  for (const [key, list] of spans) {
    const slot = SLOT_MS[key.split(' ')[1] as string] as number;
    list.sort((a, b) => a.first - b.first);
    let distinct = 0;
    let end = Number.NEGATIVE_INFINITY;
    for (const s of list) {
      const from = Math.max(s.first, end + slot);
      if (s.last >= from) distinct += (s.last - from) / slot + 1;
      end = Math.max(end, s.last);
    }
    const candles = counts.get(key) ?? 0;
    bySeries.set(key, { candles, distinct, twice: candles - distinct });
  }
  const all = [...bySeries.values()];
  const candles = all.reduce((n, f) => n + f.candles, 0);
  const distinct = all.reduce((n, f) => n + f.distinct, 0);
  return { candles, distinct, twice: candles - distinct, bySeries };
}

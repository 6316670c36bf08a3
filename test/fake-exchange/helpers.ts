// Shared helpers for the fake-exchange tests: plain fetch against the server.
import type { FakeExchange, RealKline } from '../support/fake-exchange/index.ts';

export interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export async function get<T = unknown>(ex: FakeExchange, path: string, params: Record<string, string | number> = {}): Promise<Answer<T>> {
  const qs = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
  const res = await fetch(`${ex.url}${path}${qs ? `?${qs}` : ''}`);
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body: body as T, text };
}

/** The Binance error body of an answer. */
export function errorOf(a: Answer<unknown>): { code: number; msg: string } {
  return a.body as { code: number; msg: string };
}

export function klines(ex: FakeExchange, params: Record<string, string | number>): Promise<Answer<RealKline[]>> {
  return get<RealKline[]>(ex, '/api/v3/klines', params);
}

/** Pages like a correct client: limit 1000, next startTime = last open + 1, stop on an empty page. */
export async function pageAll(ex: FakeExchange, symbol: string, interval: string, startTime: number, endTime?: number): Promise<RealKline[]> {
  const out: RealKline[] = [];
  let start = startTime;
  for (;;) {
    const params: Record<string, string | number> = { symbol, interval, startTime: start, limit: 1000 };
    if (endTime !== undefined) params.endTime = endTime;
    const page = await klines(ex, params);
    if (page.status !== 200) throw new Error(`status ${page.status}: ${page.text}`);
    if (page.body.length === 0) return out;
    out.push(...page.body);
    start = page.body[page.body.length - 1]![0] + 1;
  }
}

export const HOUR = 3_600_000;
export const MINUTE = 60_000;
export const DAY = 86_400_000;

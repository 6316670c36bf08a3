import pRetry, { AbortError } from 'p-retry';
import type { Clock } from '../clock.js';
import type { Candle } from '../domain.js';
import { ExchangeError } from '../errors.js';
import { ignoreRunEvents, type EmitRunEvent } from '../events/run-events.js';
import { classifyNetworkError, classifyStatus, NETWORK_VERDICT, parseRetryAfter, type Verdict } from './failure-table.js';
import { NetworkError, type HttpGet, type HttpResponse } from './http-get.js';
import { MalformedResponseError, parseKlines } from './parse-klines.js';
import { DEFAULT_BUDGET, weightBudgetFrom } from './rate-limits.js';
import { RateLimitStorm } from './rate-limit-storm.js';
import { WeightLimiter, type Reservation } from './weight-limiter.js';

/** Request weights from the digest; klines cost 2 whatever the limit, so we always ask for 1000. */
export const WEIGHT = { klines: 2, exchangeInfo: 20, ping: 1, time: 1, tickerAll: 80, tickerOne: 2 } as const;
export const KLINES_PAGE_LIMIT = 1000;

/**
 * The largest body accepted, by path: a page of 1000 klines is about 200 KB and the whole exchangeInfo some tens of
 * megabytes; anything much larger is not the exchange's answer and must not fill the memory.
 */
const MAX_BODY_BYTES: Record<string, number> = { '/api/v3/klines': 8 * 2 ** 20, '/api/v3/exchangeInfo': 128 * 2 ** 20 };
const DEFAULT_MAX_BODY_BYTES = 16 * 2 ** 20;

export interface BinanceClientOptions {
  readonly baseUrl: string;
  readonly http: HttpGet;
  readonly clock: Clock;
  readonly timeoutMs: number;
  /** Retries after the first attempt for transient failures. */
  readonly retries: number;
  /** First backoff; doubles each retry (2 s, 4 s, 8 s by default), randomised ×1–2. */
  readonly retryBaseMs: number;
  /**
   * The longest the exchange may keep us waiting: a longer Retry-After, or nothing but 429s for longer, ends the
   * run (CRYPTOCOLLECT_MAX_RETRY_AFTER). Default: unbounded.
   */
  readonly maxRetryAfterMs?: number;
  /**
   * Graceful stop (first SIGINT/SIGTERM): no new request is sent and waits for budget or backoff end, but a
   * request already on the wire is let finish so its page can commit.
   */
  readonly stop?: AbortSignal;
  /** Abandons what is still on the wire (a few seconds after `stop`, so that a hung request cannot hold the exit). */
  readonly cancel?: AbortSignal;
  /** Where each request, retry, wait for budget and 429 is told (events/run-events.ts). */
  readonly emit?: EmitRunEvent;
}

const SOURCE = 'rest';

export interface ExchangeSymbol {
  readonly symbol: string;
  readonly status: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  /** `permissions` and every `permissionSets` entry, flattened (`LEVERAGED` marks a leveraged token). */
  readonly permissions: readonly string[];
}

/** One symbol's rolling 24 h statistics, as far as ranking needs them. */
export interface Ticker24h {
  readonly symbol: string;
  /** Turnover in the quote asset: the exchange's decimal string. */
  readonly quoteVolume: string;
  /** End of the statistics' window, by the exchange's clock (ms). */
  readonly closeTime: number;
}

export interface ExchangeInfo {
  readonly serverTime: number;
  readonly symbols: readonly ExchangeSymbol[];
}

/** A failed attempt, with the failure table's verdict attached for p-retry's decisions. */
class AttemptError extends Error {
  constructor(
    readonly verdict: Verdict,
    message: string,
    readonly binanceCode?: number,
    readonly status?: number,
  ) {
    super(message);
  }
}

export class BinanceClient {
  readonly limiter: WeightLimiter;
  private readonly emit: EmitRunEvent;
  private usedWeightHeader = DEFAULT_BUDGET.header;
  private readonly maxWaitMs: number;
  private readonly storm: RateLimitStorm;
  /**
   * The error after which nothing more may be sent (a ban, a refusal for longer than we wait, a 429 storm): every
   * request fails with it from then on, those waiting for budget or backoff too, without reaching the exchange.
   */
  private ended: ExchangeError | undefined;
  /** Aborted by a stop or by `ended`: wakes every wait. */
  private readonly halt = new AbortController();

  constructor(private readonly opts: BinanceClientOptions) {
    this.limiter = new WeightLimiter(DEFAULT_BUDGET, opts.clock);
    this.maxWaitMs = opts.maxRetryAfterMs ?? Number.POSITIVE_INFINITY;
    this.storm = new RateLimitStorm(this.maxWaitMs);
    this.emit = opts.emit ?? ignoreRunEvents;
    const { stop } = opts;
    if (stop?.aborted) this.halt.abort(stop.reason);
    else stop?.addEventListener('abort', () => this.halt.abort(stop.reason), { once: true });
  }

  get baseUrl(): string {
    return this.opts.baseUrl;
  }

  /**
   * Symbols' metadata, the server's clock and the live weight budget in one request. With `symbols`, an unknown
   * one makes the exchange answer -1121 for the whole request: the caller then asks for the full list.
   */
  async exchangeInfo(symbols?: readonly string[]): Promise<ExchangeInfo> {
    const query: Record<string, string> = {};
    if (symbols && symbols.length === 1) query.symbol = symbols[0] as string;
    else if (symbols && symbols.length > 1) query.symbols = JSON.stringify(symbols);
    const { info, headers } = await this.request('/api/v3/exchangeInfo', query, WEIGHT.exchangeInfo, undefined, (body, headers) => {
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw malformed('exchangeInfo is not an object');
      if (!Number.isSafeInteger((body as { serverTime?: unknown }).serverTime)) throw malformed('exchangeInfo has no serverTime');
      return { info: body as Record<string, unknown>, headers };
    });
    const budget = weightBudgetFrom(info.rateLimits);
    if (budget) {
      // The same response says how much of the live window is used already, by us and by any other process on
      // this IP: until now we could not know which header to read.
      const used = Number(headers[budget.header]);
      this.limiter.setBudget(budget, used);
      this.usedWeightHeader = budget.header;
      this.emit({ type: 'weight-budget', source: SOURCE, limit: budget.limit, windowMs: budget.windowMs, usedWeight: Number.isFinite(used) ? used : null });
    }
    const serverTime = Number(info.serverTime);
    const list = Array.isArray(info.symbols) ? (info.symbols as unknown[]) : [];
    const out: ExchangeSymbol[] = [];
    for (const s of list) {
      if (typeof s !== 'object' || s === null) continue;
      const r = s as Record<string, unknown>;
      if (typeof r.symbol !== 'string') continue;
      out.push({
        symbol: r.symbol,
        status: String(r.status ?? ''),
        baseAsset: String(r.baseAsset ?? ''),
        quoteAsset: String(r.quoteAsset ?? ''),
        permissions: permissionsOf(r),
      });
    }
    return { serverTime, symbols: out };
  }

  /**
   * Every symbol's rolling 24 h statistics in one request (weight 80; `type=MINI`: the fields ranking needs, a
   * smaller body). Entries without a decimal quoteVolume are left out rather than ranked as zero.
   */
  async ticker24h(): Promise<Ticker24h[]> {
    return this.request('/api/v3/ticker/24hr', { type: 'MINI' }, WEIGHT.tickerAll, undefined, (body) => {
      if (!Array.isArray(body)) throw malformed('ticker/24hr is not an array');
      const out: Ticker24h[] = [];
      for (const t of body as unknown[]) {
        if (typeof t !== 'object' || t === null) continue;
        const r = t as Record<string, unknown>;
        if (typeof r.symbol !== 'string' || typeof r.quoteVolume !== 'string' || !DECIMAL.test(r.quoteVolume)) continue;
        out.push({ symbol: r.symbol, quoteVolume: r.quoteVolume, closeTime: Number.isSafeInteger(r.closeTime) ? Number(r.closeTime) : 0 });
      }
      return out;
    });
  }

  /**
   * The oldest KLINES_PAGE_LIMIT klines opening at or after `startTime`, handed to `use` in the same tick as they are parsed,
   * with the answering server's clock (its Date header). No end time is sent: an answer that runs past a stretch
   * without candles shows where the next candle is, which is what makes the stretch provably empty, and near the
   * present it includes the still-open candle, which proves every candle before it closed. Only what `use` returns
   * outlives the response: a thousand parsed rows never wait in a promise chain long enough for the garbage
   * collector to promote them.
   */
  async klinesFrom<T>(symbol: string, interval: string, startTime: number, use: (candles: Candle[], answerTime: number | undefined) => T, limit = KLINES_PAGE_LIMIT): Promise<T> {
    const query = { symbol, interval, startTime: String(startTime), limit: String(limit) };
    return this.request('/api/v3/klines', query, WEIGHT.klines, symbol, (body, headers) => use(parseKlines(body), answerTimeOf(headers)));
  }

  private async request<T>(
    path: string,
    query: Record<string, string>,
    weight: number,
    symbol: string | undefined,
    parse: (body: unknown, headers: HttpResponse['headers']) => T,
  ): Promise<T> {
    const { clock, stop } = this.opts;
    const url = this.opts.baseUrl.replace(/\/+$/, '') + path;
    let attempts = 1;
    try {
      return await pRetry(() => this.attempt(path, url, query, weight, parse), {
        retries: this.opts.retries,
        // The backoff is slept in onFailedAttempt, where a stop cuts it short. Not through p-retry's `signal`: it
        // would abandon the attempt on the wire, and its page with it. A stop also ends the retrying (shouldRetry),
        // and makes waits for budget throw before anything is sent.
        minTimeout: 0,
        onFailedAttempt: async ({ error, retriesLeft, retriesConsumed }) => {
          const verdict = error instanceof AttemptError ? error.verdict : NETWORK_VERDICT;
          const jitter = Math.random() * 250;
          const now = clock.now();
          if (verdict.action === 'rate-limited') {
            const until = now + verdict.afterMs + jitter;
            this.emit({ type: 'rate-limited', source: SOURCE, status: error instanceof AttemptError ? (error.status ?? 429) : 429, until });
            if (this.storm.outlasts(now, until)) throw this.end(this.stormError(now, until));
            this.limiter.throttled(until);
          } else if (verdict.action === 'firewall') {
            this.limiter.pauseUntil(now + verdict.afterMs + jitter);
          } else if (verdict.action === 'retry' && verdict.afterMs !== undefined) {
            await clock.sleep(verdict.afterMs + jitter, this.halt.signal);
          }
          if ((verdict.action === 'retry' || verdict.action === 'firewall') && retriesLeft > 0 && !stop?.aborted) {
            // Exponential backoff, randomised ×1–2: 2 s, 4 s, 8 s… by default, at most a minute.
            const base = this.opts.retryBaseMs;
            await clock.sleep(Math.min(Math.max(base, 60_000), base * 2 ** retriesConsumed) * (1 + Math.random()), this.halt.signal);
          }
        },
        shouldConsumeRetry: ({ error }) => !(error instanceof AttemptError && error.verdict.action === 'rate-limited'),
        shouldRetry: ({ error }) => {
          if (stop?.aborted) return false;
          const action = error instanceof AttemptError ? error.verdict.action : 'retry';
          const again = action === 'retry' || action === 'rate-limited' || action === 'firewall';
          if (again) this.emit({ type: 'retry', source: SOURCE, endpoint: path, reason: error.message, attempt: attempts++ });
          return again;
        },
      });
    } catch (err) {
      if (stop?.aborted) throw stop.reason;
      throw this.toExchangeError(err, path, symbol);
    }
  }

  private async attempt<T>(
    path: string,
    url: string,
    query: Record<string, string>,
    weight: number,
    parse: (body: unknown, headers: HttpResponse['headers']) => T,
  ): Promise<T> {
    const { clock } = this.opts;
    let reserved: Reservation;
    try {
      reserved = await this.limiter.acquire(weight, this.halt.signal, (until) => this.emit({ type: 'budget-wait', source: SOURCE, until }));
    } catch (err) {
      // p-retry hands an AbortError's cause straight to the caller, without another attempt.
      if (this.ended) throw new AbortError(this.ended);
      throw err;
    }
    let res: HttpResponse;
    const sentAt = clock.now();
    try {
      const cancel = this.opts.cancel;
      res = await this.opts.http(url, query, { timeoutMs: this.opts.timeoutMs, maxBodyBytes: maxBodyBytesFor(url), ...(cancel ? { signal: cancel } : {}) });
    } catch (err) {
      this.emit({ type: 'request-answered', source: SOURCE, endpoint: path, status: 0, weight, latencyMs: clock.now() - sentAt, usedWeight: null });
      this.limiter.release(reserved);
      if (err instanceof NetworkError) throw new AttemptError(classifyNetworkError(err.code), err.message);
      throw err;
    }
    const serverUsed = Number(res.headers[this.usedWeightHeader]);
    this.emit({ type: 'request-answered', source: SOURCE, endpoint: path, status: res.status, weight, latencyMs: clock.now() - sentAt, usedWeight: Number.isFinite(serverUsed) ? serverUsed : null });
    this.limiter.noteLatency(clock.now() - sentAt);
    this.limiter.observe(serverUsed, reserved);
    if (res.status !== 429) this.storm.answered();
    let body: unknown;
    try {
      body = JSON.parse(res.body.toString('utf8'));
    } catch {
      body = undefined;
    }
    if (res.status >= 200 && res.status < 300) {
      if (body === undefined) throw new AttemptError(NETWORK_VERDICT, 'malformed JSON in the response');
      try {
        return parse(body, res.headers);
      } catch (err) {
        // A corrupt body is as transient as a dropped connection: ask again.
        if (err instanceof MalformedResponseError) throw new AttemptError(NETWORK_VERDICT, `malformed response: ${err.message}`);
        throw err;
      }
    }
    const code = typeof body === 'object' && body !== null ? (body as { code?: unknown }).code : undefined;
    const msg = typeof body === 'object' && body !== null ? (body as { msg?: unknown }).msg : undefined;
    const binanceCode = typeof code === 'number' ? code : undefined;
    const retryAfter = parseRetryAfter(res.headers['retry-after'], clock.now());
    const verdict = classifyStatus(res.status, binanceCode, retryAfter, clock.now(), this.maxWaitMs);
    const detail = typeof msg === 'string' && msg !== '' ? `HTTP ${res.status}: ${msg}` : `HTTP ${res.status}`;
    throw new AttemptError(verdict, detail, binanceCode, res.status);
  }

  /** From now on every request fails with `err` (the first such error), and nothing waits any longer. */
  private end(err: ExchangeError): ExchangeError {
    this.ended ??= err;
    this.halt.abort(this.ended);
    return this.ended;
  }

  private stormError(now: number, until: number): ExchangeError {
    const since = this.storm.startedAt ?? now;
    const cap = seconds(this.maxWaitMs);
    return new ExchangeError(
      'rate-limited-too-long',
      `the exchange has refused every request with 429 (request weight limit) for ${seconds(now - since)} s and allows requests again at ${timeOf(until)}, longer than CRYPTOCOLLECT_MAX_RETRY_AFTER (${cap} s) in all; is another program on this IP using up the budget?`,
      { since: timeOf(since), until: timeOf(until) },
    );
  }

  private toExchangeError(err: unknown, path: string, symbol: string | undefined): Error {
    if (!(err instanceof AttemptError)) {
      return err instanceof Error ? err : new Error(String(err));
    }
    const where = `${this.opts.baseUrl}${path}`;
    const v = err.verdict;
    switch (v.action) {
      case 'banned':
        return this.end(
          new ExchangeError(
            'ip-banned',
            `the exchange banned this IP for exceeding its request weight limit until ${timeOf(v.untilMs)}; wait until then before running again`,
            { until: timeOf(v.untilMs) },
          ),
        );
      case 'refused':
        return this.end(
          new ExchangeError(
            'retry-after-too-long',
            `the exchange asks to wait ${seconds(v.afterMs)} s (HTTP ${v.status} Retry-After), longer than CRYPTOCOLLECT_MAX_RETRY_AFTER (${seconds(this.maxWaitMs)} s): it allows requests again at ${timeOf(v.untilMs)}; run again after that`,
            { status: v.status, until: timeOf(v.untilMs) },
          ),
        );
      case 'restricted':
        return this.end(
          new ExchangeError(
            'restricted-location',
            `the exchange refuses requests from this location (HTTP 451); point --base-url (or BINANCE_BASE_URL) at another host, e.g. https://data-api.binance.vision (Binance market data) or https://api.binance.us (a different exchange)`,
          ),
        );
      case 'unknown-host':
        return new ExchangeError(
          'exchange-unreachable',
          `cannot reach the exchange: the host of ${this.opts.baseUrl} is not found (DNS); check --base-url / BINANCE_BASE_URL and the network`,
        );
      case 'reject':
        if (err.binanceCode === -1121) {
          return new ExchangeError('invalid-symbol', `the exchange does not know symbol ${symbol ?? '(unknown)'} (-1121 Invalid symbol)`, {
            binanceCode: -1121,
          });
        }
        return new ExchangeError('exchange-rejected', `the exchange rejected ${path}${symbol ? ` for ${symbol}` : ''}: ${err.message}`, {
          status: err.status ?? 0,
          binanceCode: err.binanceCode ?? null,
        });
      default:
        return new ExchangeError(
          'exchange-unavailable',
          `the exchange at ${where} failed after ${this.opts.retries + 1} attempts: ${err.message}`,
          { status: err.status ?? 0 },
        );
    }
  }
}

function maxBodyBytesFor(url: string): number {
  for (const [path, bytes] of Object.entries(MAX_BODY_BYTES)) if (url.endsWith(path)) return bytes;
  return DEFAULT_MAX_BODY_BYTES;
}

/** The answering server's clock from its Date header (second resolution), or undefined when it sent none. */
function answerTimeOf(headers: HttpResponse['headers']): number | undefined {
  const t = headers.date === undefined ? Number.NaN : Date.parse(headers.date);
  return Number.isFinite(t) ? t : undefined;
}

const DECIMAL = /^\d+(\.\d+)?$/;

function permissionsOf(r: Record<string, unknown>): string[] {
  const flat = [r.permissions, ...(Array.isArray(r.permissionSets) ? (r.permissionSets as unknown[]) : [])].flatMap((p) => (Array.isArray(p) ? (p as unknown[]) : []));
  return [...new Set(flat.filter((p): p is string => typeof p === 'string'))];
}

function malformed(message: string): MalformedResponseError {
  return new MalformedResponseError(message);
}

/** ISO 8601 UTC, or words for a time past the last date there is (a Retry-After of 1e400 seconds). */
function timeOf(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? 'a time beyond any date' : date.toISOString();
}

function seconds(ms: number): string {
  return String(Math.round(ms / 1000));
}

/**
 * What to do with each way a request can fail — the one place that decides retries. Sources: the Binance digest
 * (429/418/403/451, 5xx, error codes) and ordinary network failures.
 */

export type Verdict =
  /** Transient: retry with exponential backoff, honouring Retry-After when given. */
  | { readonly action: 'retry'; readonly afterMs?: number }
  /** 429: every request pauses until Retry-After; does not consume a retry. */
  | { readonly action: 'rate-limited'; readonly afterMs: number }
  /** 403 web application firewall: pause minutes, a few times, then fail the series. */
  | { readonly action: 'firewall'; readonly afterMs: number }
  /** 418: the IP is banned; stop the whole run. */
  | { readonly action: 'banned'; readonly untilMs: number }
  /** 451: the exchange refuses this location; stop the whole run. */
  | { readonly action: 'restricted' }
  /** Any other 4xx: retrying will not help. */
  | { readonly action: 'reject' }
  /** The host name does not resolve: almost always a mistyped --base-url, which no retry fixes. */
  | { readonly action: 'unknown-host' }
  /**
   * A 429, 403 or 5xx whose Retry-After is longer than we are willing to wait: stop the whole run and say when
   * the exchange takes requests again. (Sleeping that long would only keep a cron slot busy, or overflow a timer.)
   */
  | { readonly action: 'refused'; readonly status: number; readonly afterMs: number; readonly untilMs: number };

/** Binance error codes that mean "try again" for a read (errors.md). */
const RETRYABLE_CODES = new Set([-1000, -1001, -1006, -1007, -1008]);

export const FIREWALL_PAUSE_MS = 3 * 60_000;

/**
 * `maxWaitMs` bounds the waits: a longer Retry-After ends the run, and our own default pauses (when the exchange
 * sent none) are cut to it.
 */
export function classifyStatus(
  status: number,
  binanceCode: number | undefined,
  retryAfterMs: number | undefined,
  now: number,
  maxWaitMs = Number.POSITIVE_INFINITY,
): Verdict {
  if (status === 418) return { action: 'banned', untilMs: now + (retryAfterMs ?? 120_000) };
  if (status === 451) return { action: 'restricted' };
  const waits = status === 429 || status === 403 || status >= 500;
  if (waits && retryAfterMs !== undefined && retryAfterMs > maxWaitMs) return { action: 'refused', status, afterMs: retryAfterMs, untilMs: now + retryAfterMs };
  if (status === 429) return { action: 'rate-limited', afterMs: retryAfterMs ?? Math.min(60_000, maxWaitMs) };
  if (status === 403) return { action: 'firewall', afterMs: retryAfterMs ?? Math.min(FIREWALL_PAUSE_MS, maxWaitMs) };
  if (status >= 500) return retryAfterMs === undefined ? { action: 'retry' } : { action: 'retry', afterMs: retryAfterMs };
  if (binanceCode !== undefined && RETRYABLE_CODES.has(binanceCode)) return { action: 'retry' };
  if (status === 408) return { action: 'retry' };
  return { action: 'reject' };
}

/** Network failures (reset, refused, timeout, truncated body) and malformed bodies are transient. */
export const NETWORK_VERDICT: Verdict = { action: 'retry' };

/** A request that got no complete response, by its error code. EAI_AGAIN (DNS temporarily failing) is retried. */
export function classifyNetworkError(code: string): Verdict {
  return code === 'ENOTFOUND' ? { action: 'unknown-host' } : NETWORK_VERDICT;
}

/**
 * Retry-After is seconds (Binance) or an HTTP date. Any number of seconds is taken at its word, however absurd
 * (`1e400` is Infinity): classifyStatus compares it with the longest wait we accept before anything sleeps on it.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (!Number.isNaN(seconds) && seconds >= 0 && value.trim() !== '') return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

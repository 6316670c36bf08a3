import type { Clock } from '../clock.js';
import { NetworkError, type HttpGet } from '../exchange/http-get.js';

export interface ArchiveHttp {
  readonly baseUrl: string;
  readonly http: HttpGet;
  readonly clock: Clock;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly retryBaseMs: number;
  readonly stop: AbortSignal;
}

/**
 * What a download came to: the body, "not published" (404), or a failure that outlasted the retries — `unreachable`
 * when its last attempt got no answer at all (refused, reset, DNS, timeout), not an HTTP status.
 */
export type Download =
  | { readonly ok: true; readonly body: Buffer }
  | { readonly ok: false; readonly notPublished: boolean; readonly unreachable: boolean; readonly reason: string };

/** A month of `1m` is 2–3 MB zipped, a day of `1s` 3–5 MB: anything near this is not an archive file. */
const MAX_FILE_BYTES = 256 * 2 ** 20;

/** Retried, as for the exchange (exchange/failure-table.ts): 5xx, 408, 429 and broken transports; not other 4xx. */
const retryable = (status: number): boolean => status >= 500 || status === 408 || status === 429;

/**
 * Gets one archive file. The archive spends no exchange weight, so this goes around the weight limiter, with
 * retries of its own (exponential backoff from retryBaseMs). A 404 is "not published (yet)", never an error; a
 * failure that outlasts the retries is said, not thrown: what the file would have held is left to REST.
 */
export async function downloadArchiveFile(a: ArchiveHttp, path: string): Promise<Download> {
  let reason = '';
  let unreachable = false;
  for (let attempt = 0; attempt <= a.retries; attempt++) {
    if (attempt > 0) await a.clock.sleep(a.retryBaseMs * 2 ** (attempt - 1), a.stop);
    try {
      const res = await a.http(`${a.baseUrl}${path}`, {}, { timeoutMs: a.timeoutMs, maxBodyBytes: MAX_FILE_BYTES, signal: a.stop });
      if (res.status === 200) return { ok: true, body: res.body };
      if (res.status === 404) return { ok: false, notPublished: true, unreachable: false, reason: 'not published' };
      reason = `HTTP ${res.status}`;
      unreachable = false;
      if (!retryable(res.status)) break;
    } catch (err) {
      if (a.stop.aborted) throw err;
      if (!(err instanceof NetworkError)) throw err;
      reason = err.message;
      unreachable = true;
    }
  }
  return { ok: false, notPublished: false, unreachable, reason };
}

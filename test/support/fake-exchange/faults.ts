// Injected failures for exchange-client tests: each fault hits the next `times` requests matching
// its path/symbol (or every one for `forMs` from its first hit), then is used up. Faults are checked
// after the IP-ban check and before the weight limit, and consume no weight.
import { ApiError, errorForCode, ipBanned, restrictedLocation, tooMuchWeight } from './errors.ts';
import type { RateLimitSpec } from './types.ts';

export type FaultKind =
  | 'status500' | 'status502' | 'status503'
  | 'reset' | 'hang' | 'truncated' | 'badjson'
  | 'status429' | 'status418' | 'status403' | 'status451'
  | 'binanceError'
  | 'empty' | 'omit' | 'lagging' | 'endless';

export interface Fault {
  /** Exact request path, e.g. '/api/v3/klines'; any path when absent. */
  path?: string;
  /** Matches the request's `symbol` query parameter; any when absent. */
  symbol?: string;
  /** How many matching requests it hits (default 1). */
  times?: number;
  /** How many matching requests it lets through first (default 0). */
  after?: number;
  /** Hits only every Nth matching request (e.g. 50: a 2 % fault rate), `times` of them (default 1: every one). */
  every?: number;
  kind: FaultKind;
  /** Retry-After for status429/status418/status403/status503 (defaults 1 s, 120 s, none, none). */
  retryAfterSec?: number;
  /** Instead of `times`: hits every matching request for this long (wall-clock ms) from its first hit, e.g. a 429 storm. */
  forMs?: number;
  /** Binance error code for 'binanceError', e.g. -1001 or -1008 (default -1001). */
  code?: number;
  /**
   * 'omit': a faulty edge node's answer, missing the candles that open in this window [from, to) but otherwise
   * right. ('empty' is a broken proxy's `200 []`; 'lagging' a server whose clock is `lagMs` behind; 'endless' a
   * 200 whose body never ends.)
   */
  window?: { from: number; to: number };
  /** 'lagging': how far the answering server's clock is behind the exchange's (default 120 s). */
  lagMs?: number;
}

interface ActiveFault {
  fault: Fault;
  /** For a `forMs` fault, once it has hit: when it ends (wall ms). */
  until?: number;
  left: number;
  skip: number;
  seen: number;
}

export class FaultQueue {
  private active: ActiveFault[] = [];

  constructor(private readonly clock: () => number = Date.now) {}

  private live(a: ActiveFault): boolean {
    if (a.fault.forMs === undefined) return a.left > 0;
    return a.until === undefined || this.clock() < a.until;
  }

  add(f: Fault): void {
    this.active.push({ fault: f, left: f.times ?? 1, skip: f.after ?? 0, seen: 0 });
  }

  clear(): void {
    this.active = [];
  }

  /** The first live fault matching the request, consuming one of its hits (or of the requests it lets through). */
  take(path: string, symbol: string | undefined): Fault | undefined {
    const hit = this.active.find(
      (a) => this.live(a) && (a.fault.path === undefined || a.fault.path === path) && (a.fault.symbol === undefined || a.fault.symbol === symbol),
    );
    if (!hit) return undefined;
    if (hit.skip > 0) {
      hit.skip -= 1;
      return undefined;
    }
    hit.seen += 1;
    if (hit.seen % (hit.fault.every ?? 1) !== 0) return undefined;
    hit.left -= 1;
    if (hit.fault.forMs !== undefined) hit.until ??= this.clock() + hit.fault.forMs;
    this.active = this.active.filter((a) => this.live(a));
    return hit.fault;
  }
}

/** A canned HTTP answer. */
export interface CannedResponse {
  status: number;
  body: string;
  contentType?: string;
  headers?: Record<string, string>;
}

const HTML = 'text/html';
const BAD_GATEWAY =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n';
const WAF_FORBIDDEN =
  '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">\n<HTML><HEAD><TITLE>ERROR: The request could not be satisfied</TITLE></HEAD><BODY>\n<H1>403 ERROR</H1>\n<H2>The request could not be satisfied.</H2>\n<HR noshade size="1px">\nRequest blocked.\n</BODY></HTML>';

const fromError = (e: ApiError, headers?: Record<string, string>): CannedResponse =>
  headers ? { status: e.status, body: e.body(), headers } : { status: e.status, body: e.body() };

/**
 * The response of a status-type fault. 'reset', 'hang', 'truncated' and 'badjson' are transport
 * level ('endless' too), and 'omit' and 'lagging' alter a real answer: the server itself handles them, so they return undefined here.
 */
export function cannedFaultResponse(f: Fault, wallNow: number, limit: RateLimitSpec): CannedResponse | undefined {
  const retry = (sec: number | undefined): Record<string, string> | undefined =>
    sec === undefined ? undefined : { 'Retry-After': String(sec) };
  switch (f.kind) {
    case 'status500':
      return fromError(new ApiError(500, -1000, 'An unknown error occurred while processing the request.'));
    case 'status502':
      return { status: 502, body: BAD_GATEWAY, contentType: HTML };
    case 'status503': {
      const r: CannedResponse = { status: 503, body: JSON.stringify({ code: -1008, msg: 'Service Unavailable.' }) };
      const h = retry(f.retryAfterSec);
      if (h) r.headers = h;
      return r;
    }
    case 'status429': {
      const sec = f.retryAfterSec ?? 1;
      return fromError(tooMuchWeight(limit.limit, limit.intervalNum, limit.interval), { 'Retry-After': String(sec) });
    }
    case 'status418': {
      const sec = f.retryAfterSec ?? 120;
      return fromError(ipBanned(wallNow + sec * 1000), { 'Retry-After': String(sec) });
    }
    case 'status403': {
      const r: CannedResponse = { status: 403, body: WAF_FORBIDDEN, contentType: HTML };
      const h = retry(f.retryAfterSec);
      if (h) r.headers = h;
      return r;
    }
    case 'status451':
      return fromError(restrictedLocation());
    case 'binanceError':
      return fromError(errorForCode(f.code ?? -1001));
    case 'empty':
      return { status: 200, body: '[]' };
    case 'reset':
    case 'hang':
    case 'truncated':
    case 'badjson':
    case 'omit':
    case 'lagging':
    case 'endless':
      return undefined;
  }
}

// createFakeExchange: a Binance-compatible HTTP server on plain node:http for tests and benchmarks.
// Request pipeline: record → IP-ban check (418) → injected fault → weight limit (429) → route.
// The weight budget, its headers, 429s and bans are per client address (the socket's remote address), as Binance
// keeps them per IP: clients bound to 127.0.0.2 and 127.0.0.3 each have their own.
// The server clock (now) is frozen unless a test moves it, so candle data is deterministic; weight
// windows and bans use a separate wall clock (realClock) that tests can also inject.
import { FakeArchive } from './archive.ts';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { defaultSymbols } from './default-symbols.ts';
import { ApiError, ipBanned, tooMuchWeight } from './errors.ts';
import { EXCHANGE_INFO_WEIGHT, exchangeInfoEndpoint } from './exchange-info-endpoint.ts';
import { cannedFaultResponse, FaultQueue, type CannedResponse, type Fault } from './faults.ts';
import { isInterval } from './intervals.ts';
import { IpBan } from './ip-ban.ts';
import { closedKlines } from './kline-selection.ts';
import { KLINES_WEIGHT, klinesEndpoint } from './klines-endpoint.ts';
import { Market } from './market.ts';
import type { Query } from './params.ts';
import { tickerEndpoint, tickerWeight } from './ticker-endpoint.ts';
import type { FakeExchange, FakeExchangeOptions, RateLimitSpec, RateLimitStats, RealKline, RequestRecord } from './types.ts';
import { WeightWindow } from './weight-window.ts';

export const DEFAULT_NOW = Date.UTC(2024, 5, 1, 0, 30);
const JSON_TYPE = 'application/json;charset=UTF-8';
const NOT_FOUND = '<html><body><h2>404 Not found</h2></body></html>';
/** Any non-JSON payload; mimics a proxy error page slipping through with status 200. */
const BAD_JSON = '<html><head><title>Bad Gateway</title></head><body>upstream sent garbage</body></html>';

interface ClientBudget {
  readonly weights: WeightWindow;
  readonly ban: IpBan;
  readonly stats: RateLimitStats;
}

interface Route {
  weight(q: Query): number;
  handle(q: Query): unknown;
}

export async function createFakeExchange(opts: FakeExchangeOptions = {}): Promise<FakeExchange> {
  let serverNow = opts.now ?? DEFAULT_NOW;
  let latencyMs = opts.latencyMs ?? 0;
  const clock = opts.realClock ?? Date.now;
  const market = new Market(opts.symbols ?? defaultSymbols(), opts.outages ?? []);
  const archive = new FakeArchive(market, opts.archive);
  let spec: RateLimitSpec = opts.rateLimit ?? { interval: 'MINUTE', intervalNum: 1, limit: 6000 };
  /** Each client address's weight window, ban state and rate-limit counters, made at its first request. */
  const clients = new Map<string, ClientBudget>();
  const budgetOf = (address: string): ClientBudget => {
    let b = clients.get(address);
    if (b === undefined) {
      b = { weights: new WeightWindow(spec, clock), ban: new IpBan(clock), stats: { throttled: 0, banned: 0 } };
      clients.set(address, b);
    }
    return b;
  };
  const faults = new FaultQueue(clock);
  const requests: RequestRecord[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const routes: Record<string, Route> = {
    '/api/v3/ping': { weight: () => 1, handle: () => ({}) },
    '/api/v3/time': { weight: () => 1, handle: () => ({ serverTime: serverNow }) },
    '/api/v3/exchangeInfo': {
      weight: () => EXCHANGE_INFO_WEIGHT,
      handle: (q) => exchangeInfoEndpoint(market, q, serverNow, spec),
    },
    '/api/v3/ticker/24hr': { weight: tickerWeight, handle: (q) => tickerEndpoint(market, q, serverNow) },
    '/api/v3/klines': { weight: () => KLINES_WEIGHT, handle: (q) => klinesEndpoint(market, q, serverNow) },
  };
  /** The answering server's clock: the exchange's, unless a 'lagging' fault makes this one lag behind. */
  const dateHeader = (at: number): Record<string, string> => ({ Date: new Date(at).toUTCString() });

  /** Runs fn after the configured latency; timers are tracked so close() can cancel them. */
  function later(fn: () => void): void {
    if (latencyMs <= 0) return fn();
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, latencyMs);
    timers.add(t);
  }

  function send(res: ServerResponse, record: RequestRecord, r: CannedResponse, at = serverNow): void {
    record.status = r.status;
    // Weight headers reflect the window at decision time, like Binance reports it.
    const headers = { 'Content-Type': r.contentType ?? JSON_TYPE, ...dateHeader(at), ...budgetOf(record.address).weights.headers(), ...r.headers };
    later(() => {
      if (res.destroyed) return;
      res.writeHead(r.status, headers);
      res.end(r.body);
    });
  }

  /** Routes the request and renders the answer (200 JSON, Binance error, or 404); a klines answer's span goes in `record`. */
  function answer(path: string, q: Query, record?: RequestRecord): CannedResponse {
    const route = routes[path];
    if (!route) return { status: 404, body: NOT_FOUND, contentType: 'text/html' };
    try {
      const body = route.handle(q);
      if (record && path === '/api/v3/klines' && Array.isArray(body)) {
        const rows = body as RealKline[];
        const first = rows[0];
        const last = rows[rows.length - 1];
        record.klines = first && last ? { first: first[0], last: last[0], count: rows.length } : { first: null, last: null, count: 0 };
      }
      return { status: 200, body: JSON.stringify(body) };
    } catch (e) {
      if (e instanceof ApiError) return { status: e.status, body: e.body() };
      throw e;
    }
  }

  /** A klines answer as of server time `at`, keeping only the rows `keep` accepts (other paths: the real answer). */
  function klinesAnswer(path: string, q: Query, at: number, keep: (k: RealKline) => boolean = () => true): CannedResponse {
    if (path !== '/api/v3/klines') return answer(path, q);
    try {
      return { status: 200, body: JSON.stringify(klinesEndpoint(market, q, at).filter(keep)) };
    } catch (e) {
      if (e instanceof ApiError) return { status: e.status, body: e.body() };
      throw e;
    }
  }

  function applyTransportFault(fault: Fault, req: IncomingMessage, res: ServerResponse, record: RequestRecord, path: string, q: Query): void {
    switch (fault.kind) {
      case 'hang':
        return; // never answered; close() destroys the socket
      case 'reset':
        return later(() => req.socket.destroy());
      case 'badjson':
        return send(res, record, { status: 200, body: BAD_JSON });
      case 'endless': {
        record.status = 200;
        return later(() => {
          if (res.destroyed) return;
          res.writeHead(200, { 'Content-Type': JSON_TYPE, ...dateHeader(serverNow), ...budgetOf(record.address).weights.headers() });
          res.write('[');
          const chunk = ' '.repeat(64 * 1024);
          const t = setInterval(() => {
            if (res.destroyed) {
              clearInterval(t);
              timers.delete(t);
            } else {
              res.write(chunk);
            }
          }, 1);
          timers.add(t);
        });
      }
      case 'omit': {
        const w = fault.window ?? { from: 0, to: 0 };
        return send(res, record, klinesAnswer(path, q, serverNow, (k) => k[0] < w.from || k[0] >= w.to));
      }
      case 'lagging': {
        const at = serverNow - (fault.lagMs ?? 120_000);
        return send(res, record, klinesAnswer(path, q, at), at);
      }
      case 'truncated': {
        const full = answer(path, q);
        const body = Buffer.from(full.body);
        record.status = full.status;
        const headers = { 'Content-Type': JSON_TYPE, ...dateHeader(serverNow), ...budgetOf(record.address).weights.headers(), 'Content-Length': String(body.length) };
        return later(() => {
          if (res.destroyed) return;
          res.writeHead(full.status, headers);
          // Half the promised bytes, then drop the connection once they are flushed.
          res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.destroy());
        });
      }
      default:
        throw new Error(`not a transport fault: ${fault.kind}`);
    }
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const q: Query = Object.fromEntries(url.searchParams);
    // The archive is another host in reality (data.binance.vision): no weight, no ban, no injected REST fault.
    const file = archive.answer(path, serverNow);
    if (file) {
      requests.push({ method: req.method ?? 'GET', path, query: q, status: file.status, weight: 0, at: clock(), address: req.socket.remoteAddress ?? '' });
      return later(() => {
        if (res.destroyed) return;
        res.writeHead(file.status, { 'Content-Type': file.contentType, 'Content-Length': String(file.body.length), ...dateHeader(serverNow) });
        res.end(file.body);
      });
    }
    const route = routes[path];
    let weight = 1;
    try {
      weight = route ? route.weight(q) : 1;
    } catch {
      weight = 1;
    }
    const address = req.socket.remoteAddress ?? '';
    const record: RequestRecord = { method: req.method ?? 'GET', path, query: q, status: 0, weight, at: clock(), address };
    requests.push(record);
    const { weights, ban, stats } = budgetOf(address);

    const verdict = ban.check();
    if (verdict.banned) {
      stats.banned += 1;
      const e = ipBanned(verdict.until);
      return send(res, record, { status: e.status, body: e.body(), headers: { 'Retry-After': String(verdict.retryAfterSec) } });
    }

    const fault = faults.take(path, q.symbol);
    if (fault) {
      const canned = cannedFaultResponse(fault, clock(), spec);
      return canned ? send(res, record, canned) : applyTransportFault(fault, req, res, record, path, q);
    }

    if (!weights.tryConsume(weight)) {
      stats.throttled += 1;
      ban.throttled(weights.windowEnd());
      const { limit, intervalNum, interval } = weights.spec;
      const e = tooMuchWeight(limit, intervalNum, interval);
      return send(res, record, { status: 429, body: e.body(), headers: { 'Retry-After': String(weights.retryAfterSec()) } });
    }

    send(res, record, answer(path, q, record));
  }

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (e) {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(String(e instanceof Error ? e.stack : e));
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    now: () => serverNow,
    setNow: (ms) => {
      serverNow = ms;
    },
    advance: (ms) => {
      serverNow += ms;
    },
    requests,
    klineRequests: (symbol, interval) =>
      requests.filter(
        (r) => r.path === '/api/v3/klines' && (symbol === undefined || r.query.symbol === symbol) && (interval === undefined || r.query.interval === interval),
      ),
    resetRequests: () => {
      requests.length = 0;
    },
    rateLimitStats: (address) => {
      const of = address === undefined ? [...clients.values()] : [clients.get(address)].filter((b) => b !== undefined);
      return { throttled: of.reduce((n, b) => n + b.stats.throttled, 0), banned: of.reduce((n, b) => n + b.stats.banned, 0) };
    },
    addSymbol: (s) => {
      market.add(s);
      archive.forget(s.symbol);
    },
    archive,
    archiveRequests: () => requests.filter((r) => r.path.startsWith('/data/')),
    setLatency: (ms) => {
      latencyMs = ms;
    },
    setRateLimit: (r: RateLimitSpec) => {
      spec = r;
      for (const b of clients.values()) b.weights.setSpec(r);
    },
    injectFault: (f) => faults.add(f),
    clearFaults: () => faults.clear(),
    expectedKlines: (symbol, interval, fromOpen, toOpenExclusive): RealKline[] => {
      const s = market.get(symbol);
      if (!s) throw new Error(`expectedKlines: unknown symbol ${symbol}`);
      if (!isInterval(interval)) throw new Error(`expectedKlines: invalid interval ${interval}`);
      return closedKlines(market.seriesFor(s, interval), fromOpen, toOpenExclusive, serverNow);
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

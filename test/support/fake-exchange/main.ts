// Standalone fake exchange for benchmarks and manual use. Prints its URL on stdout, then serves
// until SIGINT/SIGTERM.
//   node --import tsx test/support/fake-exchange/main.ts --port 0 --latency 50 --symbols 100
// Options: --port N (0 = any), --latency MS, --symbols N (synthetic universe; default BTCUSDT+ETHUSDT),
//          --now MS|ISO (server time, frozen), --live (server time follows the wall clock, from --now or the
//          current time),
//          --weight-limit N (REQUEST_WEIGHT per window, default 6000), --weight-window UNIT:N (default MINUTE:1,
//          e.g. SECOND:5 for a compressed window), --all-listed (every synthetic symbol listed at launch, never
//          delisted: full-length series), --stats-file PATH (on exit, writes every request as JSON lines, a klines
//          answer with the span of open times it carried),
//          --fault kind=hang,path=/api/v3/klines,every=50,times=1000000 (a Fault, faults.ts; repeatable).
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createFakeExchange } from './server.ts';
import { syntheticSymbols } from './synthetic-symbols.ts';
import { BINANCE_LAUNCH } from './default-symbols.ts';
import type { Fault } from './faults.ts';
import type { FakeExchangeOptions, RateLimitInterval } from './types.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    latency: { type: 'string', default: '0' },
    symbols: { type: 'string' },
    now: { type: 'string' },
    live: { type: 'boolean', default: false },
    'weight-limit': { type: 'string', default: '6000' },
    'weight-window': { type: 'string', default: 'MINUTE:1' },
    'all-listed': { type: 'boolean', default: false },
    'stats-file': { type: 'string' },
    fault: { type: 'string', multiple: true },
  },
});

/** `kind=hang,path=/api/v3/klines,every=50,times=1000` as a Fault. */
function parseFault(spec: string): Fault {
  const f: Record<string, string | number> = {};
  for (const part of spec.split(',')) {
    const [k = '', v = ''] = part.split('=');
    f[k] = /^\d+$/.test(v) ? Number(v) : v;
  }
  if (typeof f.kind !== 'string') throw new Error(`--fault: no kind in ${spec}`);
  return f as unknown as Fault;
}

function parseTime(s: string): number {
  const t = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
  if (!Number.isFinite(t)) throw new Error(`--now: not a time: ${s}`);
  return t;
}

const [unit = 'MINUTE', num = '1'] = values['weight-window'].split(':');
if (!['SECOND', 'MINUTE', 'HOUR', 'DAY'].includes(unit)) throw new Error(`--weight-window: unknown unit ${unit}`);
const opts: FakeExchangeOptions = {
  port: Number(values.port),
  latencyMs: Number(values.latency),
  rateLimit: { interval: unit as RateLimitInterval, intervalNum: Number(num), limit: Number(values['weight-limit']) },
};
if (values.symbols !== undefined) {
  const symbols = syntheticSymbols(Number(values.symbols));
  opts.symbols = values['all-listed'] ? symbols.map(({ delistedAt: _d, halts: _h, ...s }) => ({ ...s, listedAt: BINANCE_LAUNCH })) : symbols;
}
if (values.now !== undefined) opts.now = parseTime(values.now);
else if (values.live) opts.now = Date.now();

const exchange = await createFakeExchange(opts);
for (const spec of values.fault ?? []) exchange.injectFault(parseFault(spec));
if (values.live) {
  const start = exchange.now();
  const wallStart = Date.now();
  setInterval(() => exchange.setNow(start + (Date.now() - wallStart)), 100).unref();
}
process.stdout.write(`${exchange.url}\n`);

const stop = (): void => {
  const statsFile = values['stats-file'];
  if (statsFile) {
    const lines = exchange.requests.map((r) =>
      JSON.stringify({ path: r.path, status: r.status, weight: r.weight, at: r.at, address: r.address, symbol: r.query.symbol, interval: r.query.interval, klines: r.klines }),
    );
    writeFileSync(statsFile, lines.join('\n') + '\n');
  }
  void exchange.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

// Standalone fake exchange for benchmarks and manual use. Prints its URL on stdout, then serves
// until SIGINT/SIGTERM.
//   node --import tsx test/support/fake-exchange/main.ts --port 0 --latency 50 --symbols 100
// Options: --port N (0 = any), --latency MS, --symbols N (synthetic universe; default BTCUSDT+ETHUSDT),
//          --now MS|ISO (server time, frozen), --live (server time follows the wall clock, from --now or the
//          current time),
//          --weight-limit N (REQUEST_WEIGHT per minute, default 6000).
import { parseArgs } from 'node:util';
import { createFakeExchange } from './server.ts';
import { syntheticSymbols } from './synthetic-symbols.ts';
import type { FakeExchangeOptions } from './types.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    latency: { type: 'string', default: '0' },
    symbols: { type: 'string' },
    now: { type: 'string' },
    live: { type: 'boolean', default: false },
    'weight-limit': { type: 'string', default: '6000' },
  },
});

function parseTime(s: string): number {
  const t = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
  if (!Number.isFinite(t)) throw new Error(`--now: not a time: ${s}`);
  return t;
}

const opts: FakeExchangeOptions = {
  port: Number(values.port),
  latencyMs: Number(values.latency),
  rateLimit: { interval: 'MINUTE', intervalNum: 1, limit: Number(values['weight-limit']) },
};
if (values.symbols !== undefined) opts.symbols = syntheticSymbols(Number(values.symbols));
if (values.now !== undefined) opts.now = parseTime(values.now);
else if (values.live) opts.now = Date.now();

const exchange = await createFakeExchange(opts);
if (values.live) {
  const start = exchange.now();
  const wallStart = Date.now();
  setInterval(() => exchange.setNow(start + (Date.now() - wallStart)), 100).unref();
}
process.stdout.write(`${exchange.url}\n`);

const stop = (): void => {
  void exchange.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

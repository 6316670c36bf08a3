import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { createFakeExchange, type FakeExchange } from '../support/fake-exchange/index.ts';
import { errorOf, get, klines, type Answer } from './helpers.ts';

let ex: FakeExchange;
before(async () => {
  ex = await createFakeExchange();
});
after(() => ex.close());

const KLINES = { symbol: 'BTCUSDT', interval: '1h', limit: 50 };

/** Raw HTTP GET that reports what actually arrived on the wire, even when the body is cut short. */
function raw(path: string): Promise<{ status?: number; headers?: Record<string, unknown>; body: string; error?: string }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let status: number | undefined;
    let headers: Record<string, unknown> | undefined;
    const req = request(`${ex.url}${path}`, { agent: false }, (res) => {
      status = res.statusCode;
      headers = res.headers;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status, headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', (e) => resolve({ status, headers, body: Buffer.concat(chunks).toString(), error: e.message }));
    });
    req.on('error', (e) => resolve({ status, headers, body: Buffer.concat(chunks).toString(), error: (e as NodeJS.ErrnoException).code ?? e.message }));
    req.end();
  });
}

test('status faults hit `times` matching requests, then normal service resumes', async () => {
  ex.injectFault({ path: '/api/v3/klines', kind: 'status500', times: 2 });
  assert.equal((await get(ex, '/api/v3/ping')).status, 200); // other paths unaffected
  assert.equal((await klines(ex, KLINES)).status, 500);
  const second = await klines(ex, KLINES);
  assert.equal(second.status, 500);
  assert.equal(typeof errorOf(second).code, 'number');
  assert.equal((await klines(ex, KLINES)).status, 200);
});

test('a `forMs` fault hits every matching request from its first hit until the time has passed', async () => {
  let wall = 1_000_000;
  const storm = await createFakeExchange({ realClock: () => wall });
  try {
    storm.injectFault({ path: '/api/v3/klines', kind: 'status429', retryAfterSec: 2, forMs: 5_000 });
    wall += 60_000; // its time starts at its first hit, not when it was injected
    for (let i = 0; i < 25; i++) {
      const answer = await klines(storm, KLINES);
      assert.equal(answer.status, 429);
      assert.equal(answer.headers.get('retry-after'), '2');
      wall += 199;
    }
    wall += 25; // 5 s after the first hit
    assert.equal((await klines(storm, KLINES)).status, 200);
    assert.deepEqual(storm.rateLimitStats(), { throttled: 0, banned: 0 }); // injected, not the weight limit's
  } finally {
    await storm.close();
  }
});

test('symbol filter and clearFaults', async () => {
  ex.injectFault({ symbol: 'ETHUSDT', kind: 'status503', times: 5 });
  assert.equal((await klines(ex, KLINES)).status, 200);
  assert.equal((await klines(ex, { ...KLINES, symbol: 'ETHUSDT' })).status, 503);
  ex.clearFaults();
  assert.equal((await klines(ex, { ...KLINES, symbol: 'ETHUSDT' })).status, 200);
});

test('502 is an HTML gateway page; 403 is the WAF page', async () => {
  ex.injectFault({ kind: 'status502' });
  const bad = await klines(ex, KLINES);
  assert.equal(bad.status, 502);
  assert.match(bad.text, /502 Bad Gateway/);
  ex.injectFault({ kind: 'status403', retryAfterSec: 300 });
  const waf = await klines(ex, KLINES);
  assert.equal(waf.status, 403);
  assert.equal(waf.headers.get('retry-after'), '300');
});

test('429 and 418 faults carry -1003 and Retry-After', async () => {
  ex.injectFault({ kind: 'status429', retryAfterSec: 7 });
  const r429 = await klines(ex, KLINES);
  assert.equal(r429.status, 429);
  assert.equal(r429.headers.get('retry-after'), '7');
  assert.equal(errorOf(r429).code, -1003);
  ex.injectFault({ kind: 'status418' });
  const r418 = await klines(ex, KLINES);
  assert.equal(r418.status, 418);
  assert.equal(r418.headers.get('retry-after'), '120');
  assert.match(errorOf(r418).msg, /IP banned until \d+/);
  // Injected throttling does not count as the server's own.
  assert.deepEqual(ex.rateLimitStats(), { throttled: 0, banned: 0 });
});

test('451 restricted location body', async () => {
  ex.injectFault({ kind: 'status451' });
  const r = await klines(ex, KLINES);
  assert.equal(r.status, 451);
  assert.deepEqual(r.body, {
    code: 0,
    msg: "Service unavailable from a restricted location according to 'b. Eligibility' in https://www.binance.com/en/terms. Please contact customer service if you believe you received this message in error.",
  });
});

test('binanceError codes', async () => {
  ex.injectFault({ kind: 'binanceError', code: -1008 });
  const busy = await klines(ex, KLINES);
  assert.equal(busy.status, 503);
  assert.equal(errorOf(busy).code, -1008);
  ex.injectFault({ kind: 'binanceError', code: -1001 });
  const disc = await klines(ex, KLINES);
  assert.equal(disc.status, 500);
  assert.deepEqual(disc.body, { code: -1001, msg: 'Internal error; unable to process your request. Please try again.' });
});

test('badjson answers 200 with a body that is not JSON', async () => {
  ex.injectFault({ kind: 'badjson' });
  const r = await klines(ex, KLINES);
  assert.equal(r.status, 200);
  assert.equal(r.body, undefined);
  assert.throws(() => JSON.parse(r.text));
});

test('reset destroys the connection before any answer', async () => {
  ex.injectFault({ kind: 'reset' });
  await assert.rejects(fetch(`${ex.url}/api/v3/klines?symbol=BTCUSDT&interval=1h`));
  assert.equal(ex.requests[ex.requests.length - 1]!.status, 0);
  assert.equal((await klines(ex, KLINES)).status, 200);
});

test('truncated sends the full Content-Length but only half the body', async () => {
  ex.injectFault({ kind: 'truncated' });
  const r = await raw('/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=50');
  assert.equal(r.status, 200);
  const promised = Number(r.headers!['content-length']);
  assert.ok(promised > 1000);
  assert.ok(r.body.length < promised);
  assert.ok(r.error, 'the client sees an error');
  ex.injectFault({ kind: 'truncated' });
  await assert.rejects(async () => (await fetch(`${ex.url}/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=50`)).json());
});

test('hang never answers; the client times out and close() still completes', async () => {
  const hanging = await createFakeExchange();
  hanging.injectFault({ kind: 'hang' });
  await assert.rejects(fetch(`${hanging.url}/api/v3/ping`, { signal: AbortSignal.timeout(200) }), /abort|timeout/i);
  // Another client request is left hanging while close() runs.
  hanging.injectFault({ kind: 'hang' });
  const pending = fetch(`${hanging.url}/api/v3/ping`).then(
    () => 'answered',
    () => 'failed',
  );
  await new Promise((r) => setTimeout(r, 50));
  await hanging.close();
  assert.equal(await pending, 'failed');
});

test('latency delays responses: no answer until that much time has passed', async (t) => {
  // Mocked timers move only when the test says so: the assertion is about what is sent when, not about how busy
  // the machine is.
  t.mock.timers.enable({ apis: ['setTimeout'] });
  ex.setLatency(150);
  try {
    const arrived = ex.requests.length + 1;
    const seen: { answer?: Answer } = {};
    const pending = get(ex, '/api/v3/ping').then((a) => (seen.answer = a));
    while (ex.requests.length < arrived) await new Promise((r) => setImmediate(r));
    await settle();
    t.mock.timers.tick(149);
    await settle();
    assert.equal(seen.answer, undefined, 'answered before the latency had passed');
    t.mock.timers.tick(1);
    assert.equal((await pending).status, 200);
  } finally {
    ex.setLatency(0);
  }
});

/** Lets the sockets and the server's handlers run everything they can now. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

test('answers carry the server clock in their Date header', async () => {
  const r = await get(ex, '/api/v3/ping');
  assert.equal(r.headers.get('date'), new Date(ex.now()).toUTCString());
});

test('after lets the first matching requests through', async () => {
  ex.injectFault({ path: '/api/v3/klines', kind: 'status500', after: 2 });
  assert.equal((await klines(ex, KLINES)).status, 200);
  assert.equal((await klines(ex, KLINES)).status, 200);
  assert.equal((await klines(ex, KLINES)).status, 500);
  assert.equal((await klines(ex, KLINES)).status, 200);
});

test('empty is a proxy answering 200 []', async () => {
  ex.injectFault({ kind: 'empty' });
  const r = await klines(ex, KLINES);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, []);
});

test('omit leaves the candles opening in a window out of an otherwise right answer', async () => {
  const from = ex.now() - 10 * 3_600_000;
  const full = await klines(ex, { ...KLINES, startTime: from, limit: 8 });
  ex.injectFault({ kind: 'omit', window: { from: from + 2 * 3_600_000, to: from + 4 * 3_600_000 } });
  const cut = await klines(ex, { ...KLINES, startTime: from, limit: 8 });
  assert.deepEqual(cut.body, full.body.filter((k) => k[0] < from + 2 * 3_600_000 || k[0] >= from + 4 * 3_600_000));
});

test('lagging answers as a server whose clock is behind: its open candle, its Date', async () => {
  const lagMs = 2 * 3_600_000;
  ex.injectFault({ kind: 'lagging', lagMs });
  const r = await klines(ex, { ...KLINES, startTime: ex.now() - 5 * 3_600_000 });
  const newest = r.body[r.body.length - 1]!;
  assert.equal(r.headers.get('date'), new Date(ex.now() - lagMs).toUTCString());
  assert.equal(newest[0], Math.floor((ex.now() - lagMs) / 3_600_000) * 3_600_000);
  assert.ok(newest[6] >= ex.now() - lagMs, 'the newest candle is still open on that server');
});

test('endless sends a 200 whose body never ends', async () => {
  ex.injectFault({ kind: 'endless' });
  const controller = new AbortController();
  const res = await fetch(`${ex.url}/api/v3/klines?symbol=BTCUSDT&interval=1h`, { signal: controller.signal });
  assert.equal(res.status, 200);
  const reader = res.body!.getReader();
  let bytes = 0;
  while (bytes < 1_000_000) bytes += (await reader.read()).value?.length ?? 0;
  controller.abort();
  assert.ok(bytes >= 1_000_000);
});

test('every hits only every Nth matching request', async () => {
  ex.injectFault({ path: '/api/v3/klines', kind: 'status500', every: 3, times: 2 });
  const statuses = [];
  for (let i = 0; i < 8; i++) statuses.push((await klines(ex, KLINES)).status);
  assert.deepEqual(statuses, [200, 200, 500, 200, 200, 500, 200, 200]);
});

// How long the exchange may keep a run waiting, through the real CLI: a Retry-After beyond
// CRYPTOCOLLECT_MAX_RETRY_AFTER, or 429s back to back for longer than it, end the run with one line saying when the
// exchange takes requests again (exit 1), send nothing more and leave what is stored as it was.
import assert from 'node:assert/strict';
import { before, beforeEach, describe, it } from 'node:test';
import { type FaultKind } from '../support/fake-exchange/index.ts';
import { jsonOf, startCli, type CliResult } from '../support/run-cli.ts';
import { scenario } from '../support/scenario.ts';
import { storedKlines } from '../support/stored-rows.ts';
import { type Target } from '../support/targets.ts';

const NOW = Date.UTC(2024, 5, 1, 0, 30);
const STORED_SINCE = Date.UTC(2024, 4, 1);
const SINCE = Date.UTC(2024, 0, 1);
const KLINES = '/api/v3/klines';
const CONCURRENCY = 8;

/** The CLI, killed if it has not exited after a minute: before the bounds, these runs never ended. */
async function runBounded(target: Target, args: string[]): Promise<CliResult> {
  const { child, done } = startCli(target, args);
  const deadline = setTimeout(() => child.kill('SIGKILL'), 60_000);
  try {
    return await done;
  } finally {
    clearTimeout(deadline);
  }
}

describe('bounded waits for the exchange', () => {
  const scene = scenario({ db: 'postgres', exchange: { now: NOW } });
  let stored: Awaited<ReturnType<typeof storedKlines>>;
  before(async () => {
    const first = await runBounded(scene.target, ['backfill', '--since', new Date(STORED_SINCE).toISOString(), '--symbols', 'BTCUSDT', '--interval', '1h']);
    assert.equal(first.code, 0, first.stderr);
    stored = await storedKlines(scene.target, 'BTCUSDT', '1h');
    assert.deepEqual(stored, scene.fake.expectedKlines('BTCUSDT', '1h', STORED_SINCE, NOW));
  });
  beforeEach(() => {
    scene.fake.clearFaults();
    scene.fake.resetRequests();
  });

  const backfill = (env: Record<string, string> = {}, ...extra: string[]) =>
    runBounded({ ...scene.target, env }, ['backfill', '--since', new Date(SINCE).toISOString(), '--symbols', 'BTCUSDT,ETHUSDT', '--interval', '1h', ...extra]);

  const untouched = async (): Promise<void> => {
    assert.deepEqual(await storedKlines(scene.target, 'BTCUSDT', '1h'), stored);
    assert.deepEqual(await storedKlines(scene.target, 'ETHUSDT', '1h'), []);
  };

  /** The one stderr line, and the time it names as an ISO 8601 UTC string matched by `pattern`'s group. */
  const oneLine = (res: CliResult, pattern: RegExp): string => {
    const lines = res.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, res.stderr);
    const m = pattern.exec(lines[0] ?? '');
    assert.ok(m, lines[0]);
    return m[1] ?? '';
  };

  const cases: Array<{ kind: FaultKind; status: number; line: RegExp }> = [
    { kind: 'status429', status: 429, line: /^cryptocollect: the exchange asks to wait 1000000000 s \(HTTP 429 Retry-After\), longer than CRYPTOCOLLECT_MAX_RETRY_AFTER \(300 s\): it allows requests again at (\S+); run again after that$/ },
    { kind: 'status403', status: 403, line: /^cryptocollect: the exchange asks to wait 1000000000 s \(HTTP 403 Retry-After\), longer than CRYPTOCOLLECT_MAX_RETRY_AFTER \(300 s\): it allows requests again at (\S+); run again after that$/ },
    { kind: 'status503', status: 503, line: /^cryptocollect: the exchange asks to wait 1000000000 s \(HTTP 503 Retry-After\), longer than CRYPTOCOLLECT_MAX_RETRY_AFTER \(300 s\): it allows requests again at (\S+); run again after that$/ },
    { kind: 'status418', status: 418, line: /^cryptocollect: the exchange banned this IP for exceeding its request weight limit until (\S+); wait until then before running again$/ },
  ];
  for (const { kind, status, line } of cases) {
    it(`a ${status} asking to wait 10⁹ s ends the run: exit 1, one line naming when, nothing more sent or stored`, async () => {
      scene.fake.injectFault({ path: KLINES, kind, retryAfterSec: 1e9, times: 1000 });
      const res = await backfill();
      assert.equal(res.code, 1, res.stderr);
      const when = oneLine(res, line);
      const refused = scene.fake.klineRequests()[0]?.at ?? Number.NaN;
      // The time named is the refusal's plus 10⁹ s (give or take the answer's way back).
      assert.ok(Math.abs(Date.parse(when) - (refused + 1e12)) < 5_000, `${when} for a refusal at ${new Date(refused).toISOString()}`);
      assert.match(when, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.doesNotMatch(res.stderr, /TimeoutOverflowWarning/);
      // Only the requests already on the wire when the first answer came.
      assert.ok(scene.fake.klineRequests().length <= CONCURRENCY, `${scene.fake.klineRequests().length} kline requests`);
      await untouched();
    });
  }

  it('with --json the refusal is the one JSON document, with its code and exit code', async () => {
    scene.fake.injectFault({ path: KLINES, kind: 'status429', retryAfterSec: 1e9, times: 1000 });
    const res = await backfill({}, '--json');
    assert.equal(res.code, 1, res.stderr);
    const out = jsonOf<{ error: { code: string; message: string; exit_code: number } }>(res);
    assert.equal(out.error.code, 'retry-after-too-long');
    assert.equal(out.error.exit_code, 1);
    assert.match(out.error.message, /it allows requests again at \S+Z; run again after that$/);
    await untouched();
  });

  it('429 after 429 for longer than CRYPTOCOLLECT_MAX_RETRY_AFTER ends the run: exit 1, one line, few requests', async () => {
    scene.fake.injectFault({ path: KLINES, kind: 'status429', retryAfterSec: 1, forMs: 600_000 });
    const res = await backfill({ CRYPTOCOLLECT_MAX_RETRY_AFTER: '3' });
    assert.equal(res.code, 1, res.stderr);
    oneLine(
      res,
      /^cryptocollect: the exchange has refused every request with 429 \(request weight limit\) for \d+ s and allows requests again at (\S+Z), longer than CRYPTOCOLLECT_MAX_RETRY_AFTER \(3 s\) in all; is another program on this IP using up the budget\?$/,
    );
    // Each 1 s pause lets the pages on the wire (here each series' first page) be asked again, three or four times
    // within the 3 s.
    const asked = scene.fake.klineRequests().length;
    assert.ok(asked >= 2 && asked <= 5 * CONCURRENCY, `${asked} kline requests`);
    assert.equal(scene.fake.klineRequests().filter((r) => r.status !== 429).length, 0);
    await untouched();
  });

  it('an invalid CRYPTOCOLLECT_MAX_RETRY_AFTER is a usage error: exit 2, one line, no request', async () => {
    const res = await backfill({ CRYPTOCOLLECT_MAX_RETRY_AFTER: '5m' });
    assert.equal(res.code, 2, res.stderr);
    assert.equal(res.stderr, 'cryptocollect: invalid configuration: CRYPTOCOLLECT_MAX_RETRY_AFTER="5m" is not a whole number from 1 to 86400 seconds\n');
    assert.equal(scene.fake.requests.length, 0);
  });

  // Last: it stores the rest of both series.
  it('a 429 storm shorter than the bound is waited out: exit 0, every row exact', async () => {
    scene.fake.injectFault({ path: KLINES, kind: 'status429', retryAfterSec: 1, forMs: 2_000 });
    const res = await backfill({ CRYPTOCOLLECT_MAX_RETRY_AFTER: '10' }, '--json');
    assert.equal(res.code, 0, res.stderr);
    assert.ok(jsonOf<{ rate_limited: number }>(res).rate_limited >= 1);
    for (const symbol of ['BTCUSDT', 'ETHUSDT']) assert.deepEqual(await storedKlines(scene.target, symbol, '1h'), scene.fake.expectedKlines(symbol, '1h', SINCE, NOW));
  });
});

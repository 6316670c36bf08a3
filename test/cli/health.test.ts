// Knowing it is healthy, through the CLI on PostgreSQL (none of it differs by store): status --check and gaps --check
// judge each condition (lag, gaps, the last run of each command) and ignore untracked and delisted series; the
// metrics file passes promtool and says what the run documents and status say; JSON log lines each parse, carry the
// run id and never the database password; --on-failure gets a partial run's document, is not run on success, and a
// hook that hangs is cut off without changing the run's exit code; and the installed program (the bundle) does the
// same as the sources.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { usdtSymbol } from '../support/fake-exchange/index.ts';
import { scenario } from '../support/scenario.ts';
import { runCli } from '../support/run-cli.ts';
import { query } from '../support/stored-rows.ts';
import type { Target } from '../support/targets.ts';
import { documentOf, runTarget } from '../contract/run-in-process.ts';

const MIN = 60_000;
const H = 60 * MIN;
// The local clock is the check's (like status' lag): the exchange's clock is set to it, to the minute.
const REAL = Math.floor(Date.now() / MIN) * MIN;
const iso = (t: number) => new Date(t).toISOString();

interface Problem {
  kind: string;
  symbol?: string;
  interval?: string;
  command?: string;
  message: string;
  max_lag_seconds?: number;
  lag_seconds?: number;
}
interface Report {
  healthy: boolean;
  series: Array<{ symbol: string; interval: string }>;
  problems: Problem[];
}
interface RunDoc {
  run_id: number;
  status: string;
  requests: number;
  weight: number;
  retries: number;
  rate_limited: number;
  candles_written: number;
  duration_seconds: number;
}

describe('health: status --check, gaps --check, metrics, JSON logs, --on-failure', { concurrency: false }, () => {
  const scene = scenario({ exchange: { now: REAL, symbols: [usdtSymbol('BTCUSDT'), usdtSymbol('ETHUSDT'), usdtSymbol('SOLUSDT', undefined, { delistedAt: REAL - 3 * H })] } });
  let target: Target;
  let dir: string;
  const run = (args: string[], env: Record<string, string> = {}) => runTarget({ ...target, env: { ...target.env, ...env } }, args);
  const check = async (args: string[] = []) => {
    const res = await run(['status', '--check', '--json', ...args]);
    return { code: res.code, report: documentOf<Report>(res) };
  };

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cc-health-'));
    target = await scene.makeTarget('postgres');
    const res = await run(['backfill', '--since', iso(REAL - 2 * 24 * H), '--symbols', 'BTCUSDT,ETHUSDT', '--intervals', '5m,1d', '--quiet']);
    assert.equal(res.code, 0, res.stderr);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('passes when every series is current and without gaps and the last runs succeeded: exit 0, one OK line, nothing under --quiet', async () => {
    const text = await run(['status', '--check']);
    assert.deepEqual([text.code, text.stdout, text.stderr], [0, 'OK: 4 series current, no gap, last runs succeeded\n', '']);
    const quiet = await run(['status', '--check', '--quiet']);
    assert.deepEqual([quiet.code, quiet.stdout, quiet.stderr], [0, '', '']);
    const { code, report } = await check();
    assert.equal(code, 0);
    assert.equal(report.healthy, true);
    assert.deepEqual(report.problems, []);
    assert.equal(report.series.length, 4);
  });

  it('a database that collects nothing is not healthy: most likely the wrong one', async () => {
    const empty = await scene.makeTarget('postgres');
    const res = await runTarget(empty, ['status', '--check']);
    assert.deepEqual(
      [res.code, res.stdout],
      [5, 'UNHEALTHY: 1 problem\nno active series: this database collects nothing (start one with `cryptocollect backfill --since <date>`)\n'],
    );
  });

  it('a gap fails status --check and gaps --check (exit 5, a line for the series); untracking the series clears it', async () => {
    await query(target, `delete from candles where symbol = 'BTCUSDT' and interval = '5m' and open_time >= $1 and open_time < $2`, [iso(REAL - 24 * H), iso(REAL - 24 * H + 15 * MIN)]);
    const text = await run(['status', '--check']);
    assert.equal(text.code, 5, text.stderr);
    assert.equal(text.stdout, 'UNHEALTHY: 1 problem\nBTCUSDT 5m: 1 gap, 3 candles missing\n');
    const gaps = await run(['gaps', '--check']);
    assert.deepEqual([gaps.code, gaps.stdout], [5, 'UNHEALTHY: 1 problem\nBTCUSDT 5m: 1 gap, 3 candles missing\n']);
    const { report } = await check();
    assert.deepEqual(
      report.problems.map((p) => [p.kind, p.symbol, p.interval]),
      [['gaps', 'BTCUSDT', '5m']],
    );

    const untrack = await run(['untrack', '--symbols', 'BTCUSDT', '--interval', '5m', '--quiet']);
    assert.equal(untrack.code, 0, untrack.stderr);
    const cleared = await check();
    assert.deepEqual([cleared.code, cleared.report.problems, cleared.report.series.length], [0, [], 3]);
    assert.deepEqual([(await run(['gaps', '--check', '--quiet'])).code], [0]);
  });

  it('a series behind the next close plus the grace fails; a delisted one is ignored; a fixed --max-lag applies to every series', async () => {
    scene.fake.setNow(REAL - 6 * H);
    const stale = await run(['backfill', '--since', iso(REAL - 24 * H), '--symbols', 'SOLUSDT', '--interval', '5m', '--quiet']);
    assert.equal(stale.code, 0, stale.stderr);
    scene.fake.setNow(REAL);
    const { code, report } = await check();
    assert.equal(code, 5);
    const [lag, ...others] = report.problems;
    assert.deepEqual(others, []);
    // Collected up to its last closed 5m candle six hours ago: allowed 5 minutes (the next candle) + 1h15m.
    assert.deepEqual([lag?.kind, lag?.symbol, lag?.interval, lag?.max_lag_seconds], ['lag', 'SOLUSDT', '5m', 300 + 4500]);
    assert.ok((lag?.lag_seconds ?? 0) >= 6 * 3600, JSON.stringify(lag));
    assert.match(lag?.message ?? '', /^SOLUSDT 5m: 6h( \d+m)? behind \(allowed 1h 20m\), collected until /);

    // The daily series is up to a day "behind" by construction: only a fixed allowance shorter than that flags it.
    const fixed = await check(['--max-lag', '1m']);
    assert.equal(fixed.code, 5);
    assert.ok(fixed.report.problems.some((p) => p.kind === 'lag' && p.interval === '1d'));

    // The exchange stopped trading SOLUSDT three hours ago: forward collects what it still serves and marks it.
    const forward = await run(['forward', '--quiet']);
    assert.equal(forward.code, 0, forward.stderr);
    const [sol] = await query<{ delisted_status: string }>(target, `select delisted_status from series where symbol = 'SOLUSDT'`);
    assert.equal(sol?.delisted_status, 'BREAK');
    const delisted = await check();
    assert.deepEqual([delisted.code, delisted.report.problems], [0, []]);
  });

  it('a partial run fails the check until that command succeeds again; --on-failure gets its document; a hanging hook is cut off', async () => {
    const hookOut = path.join(dir, 'hook.json');
    scene.fake.injectFault({ path: '/api/v3/klines', symbol: 'ETHUSDT', kind: 'status500', times: 1000 });
    const partial = await run(
      ['backfill', '--since', iso(REAL - 24 * H), '--symbols', 'BTCUSDT,ETHUSDT', '--interval', '15m', '--json', '--on-failure', `cat > '${hookOut}'`],
      { CRYPTOCOLLECT_RETRIES: '0', DATABASE_URL: withPassword(target.databaseUrl) },
    );
    assert.equal(partial.code, 3, partial.stderr);
    const doc = documentOf<RunDoc>(partial);
    assert.equal(doc.status, 'partial');
    const hooked = readFileSync(hookOut, 'utf8');
    assert.deepEqual(JSON.parse(hooked), doc);
    assert.doesNotMatch(hooked, /hunter2|postgres:\/\//);

    const { code, report } = await check();
    assert.equal(code, 5);
    const runProblem = report.problems.find((p) => p.kind === 'run');
    assert.equal(runProblem?.command, 'backfill');
    assert.match(runProblem?.message ?? '', new RegExp(`^backfill: the last run \\(#${doc.run_id}, .+\\) was partial: ETHUSDT 15m: `));

    // The same hook hanging: terminated after CRYPTOCOLLECT_ON_FAILURE_TIMEOUT, its process group with it; the run's
    // own exit code stands.
    const pidFile = path.join(dir, 'hook.pid');
    const hung = await run(
      ['backfill', '--since', iso(REAL - 24 * H), '--symbols', 'ETHUSDT', '--interval', '15m', '--quiet', '--on-failure', `sleep 30 & echo $! > '${pidFile}'; wait`],
      { CRYPTOCOLLECT_RETRIES: '0', CRYPTOCOLLECT_ON_FAILURE_TIMEOUT: '1' },
    );
    assert.equal(hung.code, 1, hung.stderr);
    assert.match(hung.stderr, /^cryptocollect: the --on-failure command took longer than 1 s and was terminated$/m);
    assert.equal(running(Number(readFileSync(pidFile, 'utf8'))), false, "the hook's child was left running");

    // A run that fails before it has a document (the exchange unreachable): the hook gets the error document.
    const errorOut = path.join(dir, 'error.json');
    const unreachable = await run(['forward', '--quiet', '--on-failure', `cat > '${errorOut}'`], { BINANCE_BASE_URL: 'http://127.0.0.1:1', CRYPTOCOLLECT_RETRIES: '0' });
    assert.equal(unreachable.code, 1, unreachable.stderr);
    const errorDoc = JSON.parse(readFileSync(errorOut, 'utf8')) as { error: { code: string; exit_code: number; message: string } };
    assert.match(errorDoc.error.code, /^exchange-unavailable|exchange-unreachable$/);
    assert.equal(errorDoc.error.exit_code, 1);
    assert.equal(unreachable.stderr, `cryptocollect: ${errorDoc.error.message}\n`);

    scene.fake.clearFaults();
    // A success runs no hook, and clears the backfill's verdict (the 15m series are complete now).
    const marker = path.join(dir, 'not-called');
    const ok = await run(['backfill', '--since', iso(REAL - 24 * H), '--symbols', 'BTCUSDT,ETHUSDT', '--interval', '15m', '--quiet', '--on-failure', `touch '${marker}'`]);
    assert.deepEqual([ok.code, ok.stdout, ok.stderr], [0, '', '']);
    assert.equal(existsSync(marker), false);
    assert.deepEqual((await check()).report.problems, []);
  });

  it('the metrics file passes promtool and holds every command\'s last run and every active series, as the documents say', async () => {
    const file = path.join(dir, 'cryptocollect.prom');
    const backfill = documentOf<RunDoc>(await run(['backfill', '--since', iso(REAL - 24 * H), '--symbols', 'ETHUSDT', '--interval', '1h', '--json']));
    // Written by a forward: the backfill's figures come from the database, the forward's from its own run.
    const forwardRes = await run(['forward', '--json', '--metrics-file', file]);
    assert.equal(forwardRes.code, 0, forwardRes.stderr);
    const forward = documentOf<RunDoc>(forwardRes);
    const text = readFileSync(file, 'utf8');
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(lint.error, undefined, 'promtool is not installed (apt-get install prometheus)');
    assert.deepEqual([lint.status, lint.stdout, lint.stderr], [0, '', ''], text);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
      'no temporary file left beside it',
    );

    const value = (name: string, labels: Record<string, string>): number | undefined => {
      const want = Object.entries(labels)
        .map(([k, v]) => `${k}="${v}"`)
        .sort();
      for (const line of text.split('\n')) {
        const m = /^(\w+)\{([^}]*)\} (\S+)$/.exec(line);
        if (m?.[1] === name && (m[2] ?? '').split(',').sort().join(',') === want.join(',')) return Number(m[3]);
      }
      return undefined;
    };
    const status = documentOf<{ series: Array<{ symbol: string; interval: string; state: string; candles: number; gaps: number; gap_candles: number; collected_until: string }>; runs: Array<{ id: number; duration_seconds: number }> }>(
      await run(['status', '--json', '--runs', '50']),
    );
    for (const [command, doc] of [
      ['backfill', backfill],
      ['forward', forward],
    ] as const) {
      assert.equal(value('cryptocollect_last_run_id', { command }), doc.run_id);
      assert.equal(value('cryptocollect_last_run_success', { command }), 1);
      assert.equal(value('cryptocollect_last_run_candles_written', { command }), doc.candles_written);
      assert.equal(value('cryptocollect_last_run_weight', { command }), doc.weight);
      assert.equal(value('cryptocollect_last_run_retries', { command }), doc.retries);
      assert.equal(value('cryptocollect_last_run_rate_limited', { command }), doc.rate_limited);
      // The run record's duration, to the millisecond as status lists it (the document has it to the microsecond).
      assert.equal(value('cryptocollect_last_run_duration_seconds', { command }), status.runs.find((r) => r.id === doc.run_id)?.duration_seconds);
      assert.ok(Math.abs((value('cryptocollect_last_run_duration_seconds', { command }) ?? NaN) - doc.duration_seconds) < 0.001);
      const outcomes = ['2xx', '3xx', '4xx', '5xx', 'error'].map((outcome) => value('cryptocollect_last_run_requests', { command, outcome }) ?? NaN);
      assert.deepEqual([outcomes.reduce((a, b) => a + b, 0), outcomes[0]], [doc.requests, doc.requests]);
    }
    const runs = await query<{ command: string; status: string; n: number }>(target, 'select command, status, count(*)::int as n from runs group by 1, 2');
    for (const r of runs) assert.equal(value('cryptocollect_runs_total', { command: r.command, status: r.status }), r.n);

    const active = status.series.filter((s) => s.state === 'active');
    assert.equal(active.length, 6);
    for (const s of active) {
      const labels = { symbol: s.symbol, interval: s.interval };
      assert.equal(value('cryptocollect_series_candles', labels), s.candles, `${s.symbol} ${s.interval}`);
      assert.equal(value('cryptocollect_series_gaps', labels), s.gaps);
      assert.equal(value('cryptocollect_series_gap_candles', labels), s.gap_candles);
      assert.equal(value('cryptocollect_series_collected_until_timestamp_seconds', labels), Date.parse(s.collected_until) / 1000);
    }
    // The untracked and the delisted series are not there.
    assert.equal(value('cryptocollect_series_candles', { symbol: 'BTCUSDT', interval: '5m' }), undefined);
    assert.equal(value('cryptocollect_series_candles', { symbol: 'SOLUSDT', interval: '5m' }), undefined);
  });

  it('--log-format json: every stderr line is a JSON object with the run id, none holds the password; errors too', async () => {
    const url = withPassword(target.databaseUrl);
    const res = await run(['backfill', '--since', iso(REAL - 24 * H), '--symbols', 'ETHUSDT', '--interval', '30m', '--json', '--log-format', 'json', '--log-level', 'debug'], {
      DATABASE_URL: url,
    });
    assert.equal(res.code, 0, res.stderr);
    const doc = documentOf<RunDoc>(res);
    const lines = res.stderr.trimEnd().split('\n');
    const entries = lines.map((l) => JSON.parse(l) as { time: string; level: string; event: string; run_id: number | null; msg: string });
    for (const e of entries) {
      assert.deepEqual(Object.keys(e).slice(0, 4).sort(), ['event', 'level', 'run_id', 'time'], JSON.stringify(e));
      assert.ok(Number.isFinite(Date.parse(e.time)));
    }
    assert.doesNotMatch(res.stderr, /hunter2/);
    const started = entries.findIndex((e) => e.event === 'run-started');
    assert.ok(started >= 0, res.stderr);
    assert.ok(entries.slice(0, started).every((e) => e.run_id === null));
    assert.ok(entries.slice(started).every((e) => e.run_id === doc.run_id), res.stderr);
    const events = new Set(entries.map((e) => e.event));
    for (const event of ['phase', 'request-answered', 'run-started', 'series-planned', 'page-written', 'series-finished', 'run-finished']) assert.ok(events.has(event), event);
    assert.equal(entries.filter((e) => e.event === 'request-answered').length, doc.requests);

    // An error of the command, and one of the parser, are JSON lines too.
    const failed = await run(['forward', '--symbols', 'XRPUSDT', '--log-format', 'json'], { DATABASE_URL: url });
    const parser = await run(['status', '--no-such-flag'], { CRYPTOCOLLECT_LOG_FORMAT: 'json' });
    for (const [r, code] of [
      [failed, 2],
      [parser, 2],
    ] as const) {
      assert.equal(r.code, code);
      const [line, ...rest] = r.stderr.trimEnd().split('\n').map((l) => JSON.parse(l) as { level: string; event: string; code: string; exit_code: number; msg: string });
      assert.deepEqual(rest, []);
      assert.deepEqual([line?.level, line?.event, line?.code, line?.exit_code], ['error', 'error', 'usage', 2], r.stderr);
    }
    assert.doesNotMatch(failed.stderr, /hunter2/);
  });

  // The tests above run the CLI in this process, from the sources; users run the bundle (dist/bin), which loads
  // prom-client, pino and the hook's runner lazily and differently (a CommonJS package's exports only as its default).
  it('the installed program, spawned as cron runs it, writes the metrics file and JSON logs and runs the hook', async () => {
    const file = path.join(dir, 'spawned.prom');
    const hookOut = path.join(dir, 'spawned-hook.json');
    scene.fake.injectFault({ path: '/api/v3/klines', symbol: 'ETHUSDT', kind: 'status500', times: 1000 });
    const res = await runCli({ ...target, env: { ...target.env, CRYPTOCOLLECT_RETRIES: '0' } }, [
      'backfill', '--since', iso(REAL - 6 * H), '--symbols', 'BTCUSDT,ETHUSDT', '--interval', '1m',
      '--quiet', '--metrics-file', file, '--log-format', 'json', '--on-failure', `cat > '${hookOut}'`,
    ]);
    scene.fake.clearFaults();
    assert.equal(res.code, 3, res.stderr);
    // --quiet is silent on success only: a partial run says so.
    assert.match(res.stdout, /^backfill partial: 360 candles written to 2 series/m);
    const entries = res.stderr.trimEnd().split('\n').map((l) => JSON.parse(l) as { event: string; run_id: number | null });
    const finished = entries.find((e) => e.event === 'run-finished');
    assert.ok(finished?.run_id, res.stderr);
    const text = readFileSync(file, 'utf8');
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.deepEqual([lint.status, lint.stdout, lint.stderr], [0, '', ''], text);
    assert.match(text, /^cryptocollect_last_run_success\{command="backfill"\} 0$/m);
    const hooked = JSON.parse(readFileSync(hookOut, 'utf8')) as { run_id: number; status: string };
    assert.deepEqual([hooked.run_id, hooked.status], [finished.run_id, 'partial']);
  });
});

/** The test cluster trusts local connections: any password works, and none may show. */
function withPassword(url: string | undefined): string {
  const u = new URL(url ?? '');
  u.password = 'hunter2';
  return u.toString();
}

/** Whether the process runs (a zombie does not: it awaits only its reaping). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

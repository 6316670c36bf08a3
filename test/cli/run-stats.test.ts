// status's run statistics over a window (--window, default 24h), on both stores, read-only: from runs made by the
// real CLI and runs written into the table with known times, counts, success rate and durations are those of the
// stored rows.
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { documentOf, runTarget } from '../contract/run-in-process.ts';
import { describeOnEachDb } from '../support/describe-on-each-db.ts';
import { usdtSymbol } from '../support/fake-exchange/index.ts';
import { scenario } from '../support/scenario.ts';
import { query, releaseStore } from '../support/stored-rows.ts';

const NOW = Date.UTC(2024, 5, 1, 0, 30, 30);

interface Stats {
  runs: number;
  success: number;
  partial: number;
  failed: number;
  interrupted: number;
  running: number;
  success_rate: number | null;
  avg_duration_seconds: number | null;
  max_duration_seconds: number | null;
  candles_written: number;
}
interface RunStatsJson {
  window_seconds: number;
  since: string;
  commands: Array<Stats & { command: string }>;
  total: Stats;
}

// Runs written with known times relative to the database's clock: [command, status, started hours ago, seconds it took (null: no end), candles].
const PLANTED: Array<[string, string, number, number | null, number]> = [
  ['forward', 'success', 1, 12.5, 100],
  ['forward', 'failed', 2, 30, 0],
  ['forward', 'partial', 3, 2.25, 40],
  ['forward', 'interrupted', 4, null, 5],
  ['forward', 'running', 0.5, null, 7],
  ['gaps', 'success', 5, 4, 3],
  // Outside the default 24 hours, inside 2 days.
  ['backfill', 'success', 30, 600, 90_000],
];

describeOnEachDb('run statistics', (kind) => {
  const scene = scenario({ db: kind, exchange: { now: NOW, symbols: [usdtSymbol('BTCUSDT')] } });
  const run = async (args: string[]) => {
    await releaseStore(scene.target.dataDir);
    return runTarget(scene.target, args);
  };

  before(async () => {
    // One real run: the counters the CLI recorded are part of the figures.
    const res = await run(['backfill', '--since', '2024-05-31', '--symbols', 'BTCUSDT']);
    assert.equal(res.code, 0, res.stderr);
    for (const [command, status, hoursAgo, seconds, candles] of PLANTED) {
      await query(
        scene.target,
        `insert into runs (command, args, status, started_at, finished_at, candles_written, series_results, pid, host)
         values ($1, '{}', $2, now() - $3 * interval '1 hour', now() - $3 * interval '1 hour' + $4 * interval '1 second', $5, '[]', null, null)`,
        [command, status, hoursAgo, seconds, candles],
      );
    }
  });

  it('per command and in all, over the last 24 hours by default: from the stored rows', async () => {
    const res = await run(['status', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const stats = documentOf<{ run_stats: RunStatsJson }>(res).run_stats;
    const [real] = await query<{ seconds: number; candles: string }>(
      scene.target,
      `select extract(epoch from finished_at - started_at)::float8 as seconds, candles_written::text as candles from runs where pid is not null`,
    );
    const realSeconds = Math.round(Number(real?.seconds) * 1000) / 1000;
    const realCandles = Number(real?.candles);
    assert.ok(realCandles > 0);
    assert.equal(stats.window_seconds, 86_400);
    assert.deepEqual(
      stats.commands.map((c) => c.command),
      ['backfill', 'forward', 'gaps'],
    );
    const [backfill, forward, gaps] = stats.commands;
    assert.deepEqual(backfill, {
      command: 'backfill',
      runs: 1,
      success: 1,
      partial: 0,
      failed: 0,
      interrupted: 0,
      running: 0,
      success_rate: 1,
      avg_duration_seconds: realSeconds,
      max_duration_seconds: realSeconds,
      candles_written: realCandles,
    });
    // Five forwards: four ended (one of them without an end time: no duration), one succeeded.
    assert.deepEqual(forward, {
      command: 'forward',
      runs: 5,
      success: 1,
      partial: 1,
      failed: 1,
      interrupted: 1,
      running: 1,
      success_rate: 0.25,
      avg_duration_seconds: Math.round(((12.5 + 30 + 2.25) / 3) * 1000) / 1000,
      max_duration_seconds: 30,
      candles_written: 152,
    });
    assert.deepEqual(gaps, { command: 'gaps', runs: 1, success: 1, partial: 0, failed: 0, interrupted: 0, running: 0, success_rate: 1, avg_duration_seconds: 4, max_duration_seconds: 4, candles_written: 3 });
    assert.deepEqual(stats.total, {
      runs: 7,
      success: 3,
      partial: 1,
      failed: 1,
      interrupted: 1,
      running: 1,
      success_rate: 0.5,
      avg_duration_seconds: Math.round(((realSeconds + 12.5 + 30 + 2.25 + 4) / 5) * 1000) / 1000,
      max_duration_seconds: Math.max(30, realSeconds),
      candles_written: realCandles + 155,
    });
    // The window's start is the database's now less 24 hours: before every run in it, after the 30-hour-old one.
    const [bounds] = await query<{ newest_out: Date; oldest_in: Date }>(
      scene.target,
      `select max(started_at) filter (where started_at < now() - interval '24 hours') as newest_out, min(started_at) filter (where started_at >= now() - interval '24 hours') as oldest_in from runs`,
    );
    const since = Date.parse(stats.since);
    assert.ok(since > (bounds?.newest_out.getTime() ?? Infinity) && since <= (bounds?.oldest_in.getTime() ?? -Infinity), stats.since);
  });

  it('--window 2d takes in the older backfill; the human table shows the same figures', async () => {
    const res = await run(['status', '--json', '--window', '2d']);
    assert.equal(res.code, 0, res.stderr);
    const stats = documentOf<{ run_stats: RunStatsJson }>(res).run_stats;
    assert.equal(stats.window_seconds, 172_800);
    assert.equal(stats.commands.find((c) => c.command === 'backfill')?.runs, 2);
    assert.equal(stats.commands.find((c) => c.command === 'backfill')?.max_duration_seconds, 600);
    assert.equal(stats.total.runs, 8);

    const human = await run(['status', '--window', '2d']);
    assert.equal(human.code, 0, human.stderr);
    const lines = human.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('Runs in the last 48h (since '));
    assert.notEqual(at, -1, human.stdout);
    assert.deepEqual(lines[at + 1]?.trim().split(/\s{2,}/), ['command', 'runs', 'success', 'problems', 'avg', 'longest', 'candles']);
    const row = (name: string) => lines.slice(at + 3).find((l) => l.startsWith(`${name} `))?.trim().split(/\s{2,}/);
    // forward: 1 of 4 ended runs succeeded; partial, failed and interrupted are the problems; 14.917 s on average, shown to the second.
    assert.deepEqual(row('forward'), ['forward', '5', '25.00%', '3', '15s', '30s', '152']);
    assert.deepEqual(row('gaps'), ['gaps', '1', '100.00%', '0', '4.0s', '4.0s', '3']);
    assert.deepEqual(row('all')?.slice(0, 4), ['all', '8', '57.14%', '3']);
    assert.match(human.stdout, /^1 run still running \(not in the success rate\)\.$/m);
  });

  it('--window takes durations only', async () => {
    const res = await run(['status', '--window', '24']);
    assert.equal(res.code, 2);
    assert.equal(res.stderr, 'cryptocollect: --window "24" is not a duration such as 24h, 90m, 7d or 1d12h (units s m h d w)\n');
  });
});

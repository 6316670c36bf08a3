// `npm run bench`: the real CLI against the fake exchange (in its own process, with a realistic latency) and a
// fresh PostgreSQL database per scenario, next to the floor (floor.ts) on the same exchange and server. Prints a
// table and writes test/bench/results/latest.json. Not part of the test suite: timing goals live here.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Table from 'cli-table3';
import pg from 'pg';
import { startPostgresCluster, type PostgresCluster } from '../support/postgres-cluster.ts';
import { syntheticSymbols } from '../support/fake-exchange/index.ts';
import { generateCandle } from '../support/fake-exchange/candle-generator.ts';
import { profileFor } from '../support/fake-exchange/symbol-profile.ts';
import { BIN as OWN_BIN } from '../support/run-cli.ts';
import { klinesFetched, type KlineAnswer } from '../support/klines-fetched.ts';
import { copyCeiling } from './copy-ceiling.ts';
import { quietServer } from './quiet-server.ts';
import { timeEmbeddedRestPages, timePageWrites } from './page-write.ts';

/** BENCH_BIN=<other checkout>/bin/cryptocollect.js times another build against the same exchange and scenarios. */
const BIN = process.env.BENCH_BIN ?? OWN_BIN;
/** BENCH_CLI_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof": node options for each CLI run (a profile of the CLI alone). */
const CLI_NODE_ARGS = (process.env.BENCH_CLI_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
/** BENCH_ONLY=deep,budget runs only the scenarios named (headline, noop, deep, archive, archivepglite, bulk, bulkrest, pagewrite, budget, workers, pglite, hangs, deephangs, deepsince, generator, export). */
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : null;
const wanted = (name: string): boolean => ONLY === null || ONLY.has(name);

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const CONCURRENCY = 8;
const NOW = '2024-11-01T00:30:00Z';
const HOUR = 3_600_000;
const MINUTE = 60_000;

type FakeRecord = KlineAnswer & { path: string; status: number; weight: number; at: number; address: string };

interface FakeProcess {
  url: string;
  stop(): Promise<FakeRecord[]>;
}

async function startFake(args: string[]): Promise<FakeProcess> {
  const statsFile = path.join(await mkdtemp(path.join(tmpdir(), 'cc-bench-')), 'requests.jsonl');
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/fake-exchange/main.ts', '--port', '0', '--latency', String(LATENCY_MS), '--now', NOW, '--stats-file', statsFile, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').once('data', (d: string) => resolve(d.trim()));
    child.once('exit', (code) => reject(new Error(`fake exchange exited (${code})`)));
  });
  return {
    url,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      const text = await readFile(statsFile, 'utf8');
      await rm(path.dirname(statsFile), { recursive: true, force: true });
      return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as FakeRecord);
    },
  };
}

interface Measured {
  code: number | null;
  wallMs: number;
  /** Date.now() at exit: to set beside the fake's log of requests. */
  exitedAt: number;
  peakRssMb: number;
  stdout: string;
  stderr: string;
}

/** Runs a command, timing it from spawn to exit and sampling its peak RSS (VmHWM) from /proc. */
async function measure(args: string[], env: NodeJS.ProcessEnv, onSpawn?: (child: ReturnType<typeof spawn>) => void): Promise<Measured> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  onSpawn?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  let peakKb = 0;
  const sample = async (): Promise<void> => {
    try {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      const m = /VmHWM:\s+(\d+) kB/.exec(status);
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
    } catch {
      // The process has exited.
    }
  };
  const timer = setInterval(() => void sample(), 20);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearInterval(timer);
  return { code, wallMs: performance.now() - started, exitedAt: Date.now(), peakRssMb: peakKb / 1024, stdout, stderr };
}

async function createDatabase(cluster: PostgresCluster, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  await admin.query(`drop database if exists ${name}`);
  await admin.query(`create database ${name}`);
  await admin.end();
  return cluster.url.replace(/\/postgres$/, `/${name}`);
}

async function storedBytesPerCandle(url: string): Promise<{ candles: number; bytesPerCandle: number }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query('vacuum analyze candle_data, irregular_candles');
  const r = await c.query<{ n: string; bytes: string }>(`select (select count(*) from candle_data)::text as n, (pg_total_relation_size('candle_data') + pg_total_relation_size('irregular_candles'))::text as bytes`);
  await c.end();
  const n = Number(r.rows[0]?.n ?? 0);
  return { candles: n, bytesPerCandle: n === 0 ? 0 : Number(r.rows[0]?.bytes ?? 0) / n };
}

interface WeightUse {
  requests: number;
  weight: number;
  peakWindow: number;
  /** Mean weight per full window over the limit, while the run spanned several windows. */
  utilisation: number | null;
  throttled: number;
  /** Where each 429 landed: ms into its window, and the weight its window had used before it. */
  throttledAt: string[];
  banned: number;
  /** Requests never answered (hung). */
  hung: number;
}

function weightUse(reqs: Array<{ path: string; status: number; weight: number; at: number }>, windowMs: number, limit: number): WeightUse {
  const per = new Map<number, number>();
  for (const r of reqs) per.set(Math.floor(r.at / windowMs), (per.get(Math.floor(r.at / windowMs)) ?? 0) + r.weight);
  const windows = [...per.keys()].sort((a, b) => a - b);
  const full = windows.slice(1, -1).map((w) => per.get(w) ?? 0);
  return {
    requests: reqs.length,
    weight: reqs.reduce((n, r) => n + r.weight, 0),
    peakWindow: Math.max(0, ...per.values()),
    utilisation: full.length >= 2 ? full.reduce((a, b) => a + b, 0) / (full.length * limit) : null,
    throttled: reqs.filter((r) => r.status === 429).length,
    throttledAt: throttledAt(reqs, windowMs),
    banned: reqs.filter((r) => r.status === 418).length,
    hung: reqs.filter((r) => r.status === 0).length,
  };
}

function throttledAt(reqs: Array<{ status: number; weight: number; at: number }>, windowMs: number): string[] {
  const used = new Map<number, number>();
  const out: string[] = [];
  for (const r of reqs) {
    const w = Math.floor(r.at / windowMs);
    if (r.status === 429) out.push(`+${r.at - w * windowMs} ms, after ${used.get(w) ?? 0}`);
    else used.set(w, (used.get(w) ?? 0) + r.weight);
  }
  return out;
}

interface Row {
  scenario: string;
  database: string;
  exitCode: number | null;
  wallS: number;
  floorS: number | null;
  ratio: number | null;
  candles: number;
  candlesPerS: number;
  requests: number;
  weight: string;
  peakRssMb: number;
  bytesPerCandle: number | null;
  floorBytesPerCandle: number | null;
  notes: string;
}

const rows: Row[] = [];
const cluster = process.env.CRYPTOCOLLECT_TEST_PG_URL ? null : await startPostgresCluster();
const clusterHandle = cluster ?? ({ url: process.env.CRYPTOCOLLECT_TEST_PG_URL as string } as PostgresCluster);
const dataDir = await mkdtemp(path.join(tmpdir(), 'cc-bench-data-'));

/** The floor on a fake exchange of its own (same options), so request counts and weight windows stay apart. */
async function floor(fakeArgs: string[], jobs: object[], dbName: string): Promise<{ ms: number; candles: number; requests: number; bytes: number }> {
  const fake = await startFake(fakeArgs);
  try {
    const url = await createDatabase(clusterHandle, dbName);
    const res = await measure(['--import', 'tsx', 'test/bench/floor.ts', fake.url, url, String(CONCURRENCY), JSON.stringify(jobs)], {});
    if (res.code !== 0) throw new Error(`floor failed: ${res.stderr}`);
    return JSON.parse(res.stdout) as { ms: number; candles: number; requests: number; bytes: number };
  } finally {
    await fake.stop();
  }
}

/** The scenarios time REST (`source`: rest) unless they say otherwise; the archive is the fake's too, never the real one. */
function cli(fakeUrl: string, args: string[], databaseUrl: string | undefined, source: 'rest' | 'auto' = 'rest', extra: NodeJS.ProcessEnv = {}, onSpawn?: (child: ReturnType<typeof spawn>) => void): Promise<Measured> {
  const env: NodeJS.ProcessEnv = {
    ...extra,
    BINANCE_BASE_URL: fakeUrl,
    BINANCE_ARCHIVE_URL: fakeUrl,
    CRYPTOCOLLECT_SOURCE: source,
    CRYPTOCOLLECT_DATA_DIR: dataDir,
    CRYPTOCOLLECT_CONCURRENCY: String(CONCURRENCY),
  };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  else delete process.env.DATABASE_URL;
  return measure([...CLI_NODE_ARGS, BIN, ...args, '--json', '--quiet'], env, onSpawn);
}

/** The stored candles of a database as one digest (every value, in order), to compare two databases' results. */
async function candlesDigest(url: string): Promise<{ candles: number; digest: string; claims: number; behind: number }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ n: string; digest: string }>(
      `select count(*)::text as n, md5(string_agg(md5(row(symbol, interval, open_time, close_time, open, high, low, close, volume, quote_volume, trades, taker_buy_base_volume, taker_buy_quote_volume)::text), '' order by symbol, interval, open_time)) as digest from candles`,
    );
    // Every watermark at the newest closed slot, and no claim left behind.
    const w = await c.query<{ behind: string; claims: string }>(
      `select (select count(*) from series where collected_until is distinct from date_trunc(case interval when '1m' then 'minute' else 'hour' end, $1::timestamptz))::text as behind,
              (select count(*) from series_claims)::text as claims`,
      [NOW],
    );
    return { candles: Number(r.rows[0]?.n ?? 0), digest: r.rows[0]?.digest ?? '', claims: Number(w.rows[0]?.claims ?? 0), behind: Number(w.rows[0]?.behind ?? 0) };
  } finally {
    await c.end();
  }
}

async function countStored(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return Number((await c.query<{ n: string }>('select count(*)::text as n from candle_data')).rows[0]?.n ?? 0);
  } catch {
    // Not migrated yet: the workers have just started.
    return 0;
  } finally {
    await c.end();
  }
}

try {
  // 1 + 4: the headline job, then a no-op re-run on the complete database.
  if (wanted('headline') || wanted('noop')) {
    const fakeArgs = ['--symbols', '100', '--all-listed'];
    const fake = await startFake(fakeArgs);
    const symbols = await listSymbols(fake.url);
    const since = Date.UTC(2024, 0, 1);
    const until = Date.parse('2024-11-01T00:00:00Z');
    const jobs = symbols.map((symbol) => ({ symbol, interval: '1h', from: since, to: until, slotMs: HOUR }));
    const f = await floor(fakeArgs, jobs, 'bench_floor_headline');
    const db = await createDatabase(clusterHandle, 'bench_headline');
    const args = ['backfill', '--since', '2024-01-01', '--symbols', symbols.join(','), '--interval', '1h'];
    // Its dry run first, on an exchange of its own (the run's weight windows stay its own): the plan vs the run.
    const fakeDry = await startFake(fakeArgs);
    const dry = await cli(fakeDry.url, [...args, '--dry-run'], db);
    await fakeDry.stop();
    const planned = JSON.parse(dry.stdout) as { requests: number; weight: number };
    await quietServer(clusterHandle.url);
    const run = await cli(fake.url, args, db);
    const made = JSON.parse(run.stdout) as { requests: number; weight: number };
    const stored = await storedBytesPerCandle(db);
    const use = weightUse(await fake.stop(), 60_000, 6000);
    const estimate = `dry run: ${planned.requests} requests, weight ${planned.weight} planned; ${made.requests}, ${made.weight} made (${(dry.wallMs / 1000).toFixed(2)} s)`;
    rows.push(row('headline: 100 × 1h × 2024-01-01→now', 'postgres', run, f, stored, use, estimate));

    const fake2 = await startFake(['--symbols', '100', '--all-listed']);
    const noop = await cli(fake2.url, args, db);
    const use2 = weightUse(await fake2.stop(), 60_000, 6000);
    rows.push(row('no-op re-run of the headline', 'postgres', noop, null, { candles: 0, bytesPerCandle: 0 }, use2, `${(use2.requests / 100).toFixed(2)} requests/series`));
  }
  // 2: one deep series.
  if (wanted('deep')) {
    const fake = await startFake([]);
    const since = Date.UTC(2023, 10, 1);
    const until = Date.parse('2024-11-01T00:30:00Z');
    const f = await floor([], [{ symbol: 'BTCUSDT', interval: '1m', from: since, to: until, slotMs: MINUTE }], 'bench_floor_deep');
    const db = await createDatabase(clusterHandle, 'bench_deep');
    const run = await cli(fake.url, ['backfill', '--since', '2023-11-01', '--symbols', 'BTCUSDT', '--interval', '1m'], db);
    const stored = await storedBytesPerCandle(db);
    rows.push(row('deep: 1 × 1m × one year', 'postgres', run, f, stored, weightUse(await fake.stop(), 60_000, 6000), ''));
  }
  // The same deep job from the fake archive (`--source auto`: 11 monthly files, the last days' daily ones, REST for
  // the rest), next to the REST run above and its floor.
  if (wanted('archive')) {
    const fake = await startFake([]);
    const db = await createDatabase(clusterHandle, 'bench_archive');
    // The real archive is a CDN: building and deflating its files costs this machine nothing. The fake builds a file
    // on first request (half the run's CPU when timed), so it builds them all before the clock starts.
    const warmed = await warmArchive(fake.url, ['BTCUSDT'], '1m', Date.UTC(2023, 10, 1), Date.parse(NOW));
    const run = await cli(fake.url, ['backfill', '--since', '2023-11-01', '--symbols', 'BTCUSDT', '--interval', '1m'], db, 'auto');
    const stored = await storedBytesPerCandle(db);
    const requests = (await fake.stop()).slice(warmed);
    const files = requests.filter((r) => r.path.startsWith('/data/') && r.path.endsWith('.zip') && r.status === 200).length;
    rows.push(row('archive: 1 × 1m × one year (auto)', 'postgres', run, null, stored, weightUse(requests, 60_000, 6000), `${files} archive files, ${(stored.candles / (run.wallMs / 1000)).toFixed(0)} candles/s end to end`));  }
  // The same deep job from the fake archive into a new embedded data directory (the archive's COPY as a blob).
  if (wanted('archivepglite')) {
    const fake = await startFake([]);
    const warmed = await warmArchive(fake.url, ['BTCUSDT'], '1m', Date.UTC(2023, 10, 1), Date.parse(NOW));
    await rm(dataDir, { recursive: true, force: true });
    const run = await cli(fake.url, ['backfill', '--since', '2023-11-01', '--symbols', 'BTCUSDT', '--interval', '1m'], undefined, 'auto');
    const requests = (await fake.stop()).slice(warmed);
    const files = requests.filter((r) => r.path.startsWith('/data/') && r.path.endsWith('.zip') && r.status === 200).length;
    const candles = (JSON.parse(run.stdout) as { candles_written: number }).candles_written;
    rows.push(row('archive: 1 × 1m × one year (auto) on the embedded database', 'pglite', run, null, { candles, bytesPerCandle: 0 }, weightUse(requests, 60_000, 6000), `${files} archive files, ${(candles / (run.wallMs / 1000)).toFixed(0)} candles/s end to end`));
  }
  // The issue's bulk job: 20 symbols × 1m × two years (≈ 21 M candles) from the fake archive (`--source auto`), the
  // COPY ceiling for the same rows on the same server (copy-ceiling.ts), and the same job via REST only at the real
  // budget's rate (6,000 weight a minute, in windows of 6 s). BENCH_BULK_SYMBOLS and BENCH_BULK_MONTHS make it
  // smaller (the REST run alone takes some 7 minutes at full size).
  if (wanted('bulk') || wanted('bulkrest')) {
    const n = Number(process.env.BENCH_BULK_SYMBOLS ?? 20);
    const months = Number(process.env.BENCH_BULK_MONTHS ?? 24);
    const until = Date.parse(NOW);
    const sinceDate = new Date(Date.UTC(2024, 10 - months, 1));
    const since = sinceDate.toISOString().slice(0, 10);
    const job = `${n} × 1m × ${months} months`;
    if (wanted('bulk')) {
      const fake = await startFake(['--symbols', String(n), '--all-listed']);
      const symbols = await listSymbols(fake.url);
      const db = await createDatabase(clusterHandle, 'bench_bulk');
      const warmStarted = performance.now();
      const warmed = await warmArchive(fake.url, symbols, '1m', sinceDate.getTime(), until);
      process.stderr.write(`bulk: the fake built ${warmed} archive files in ${((performance.now() - warmStarted) / 1000).toFixed(1)} s\n`);
      const run = await cli(fake.url, ['backfill', '--since', since, '--symbols', symbols.join(','), '--interval', '1m'], db, 'auto');
      const stored = await storedBytesPerCandle(db);
      const requests = (await fake.stop()).slice(warmed);
      const files = requests.filter((r) => r.path.startsWith('/data/') && r.path.endsWith('.zip') && r.status === 200).length;
      const ceiling = await copyCeiling(db, [{ parallel: 1, format: 'text' }, { parallel: 2, format: 'text' }, { parallel: 1, format: 'binary' }, { parallel: 2, format: 'binary' }]);
      const best = (format: string): number => Math.min(...ceiling.filter((c) => c.format === format).map((c) => c.ms));
      rows.push(row(`bulk: ${job} from the archive (auto)`, 'postgres', run, null, stored, weightUse(requests, 60_000, 6000), `${files} archive files; ${(best('text') / run.wallMs).toFixed(2)}× the text COPY ceiling, ${(best('binary') / run.wallMs).toFixed(2)}× the binary one`));
      for (const c of ceiling) {
        const wallS = c.ms / 1000;
        rows.push({ scenario: `COPY ceiling: the same rows, ${c.format}, ${c.parallel} connection${c.parallel > 1 ? 's' : ''}`, database: 'postgres', exitCode: 0, wallS, floorS: null, ratio: null, candles: c.candles, candlesPerS: c.candles / wallS, requests: 0, weight: '-', peakRssMb: 0, bytesPerCandle: null, floorBytesPerCandle: null, notes: `plain COPY FROM STDIN of prepared ${c.format} rows into a keyed table` });
      }
    }
    if (wanted('bulkrest')) {
      const fake = await startFake(['--symbols', String(n), '--all-listed', '--weight-window', 'SECOND:6', '--weight-limit', '600']);
      const symbols = await listSymbols(fake.url);
      const db = await createDatabase(clusterHandle, 'bench_bulkrest');
      const run = await cli(fake.url, ['backfill', '--since', since, '--symbols', symbols.join(','), '--interval', '1m'], db);
      const stored = await storedBytesPerCandle(db);
      const use = weightUse(await fake.stop(), 6000, 600);
      rows.push(row(`bulk: ${job} via REST (6,000 weight/min)`, 'postgres', run, null, stored, use, `utilisation ${((use.utilisation ?? 0) * 100).toFixed(1)}%, ${use.throttled}×429`));
    }
  }
  // 3: the headline job under a tight budget advertised by the exchange (300 weight per 5 s).
  if (wanted('budget')) {
    const limit = 300;
    const windowMs = 5000;
    const fake = await startFake(['--symbols', '100', '--all-listed', '--weight-window', 'SECOND:5', '--weight-limit', String(limit)]);
    const symbols = await listSymbols(fake.url);
    const db = await createDatabase(clusterHandle, 'bench_budget');
    const run = await cli(fake.url, ['backfill', '--since', '2024-01-01', '--symbols', symbols.join(','), '--interval', '1h'], db);
    const stored = await storedBytesPerCandle(db);
    const use = weightUse(await fake.stop(), windowMs, limit);
    // The floor here is the budget itself: every request's weight at exactly the advertised rate.
    const floorMs = ((use.weight - 20) / limit) * windowMs;
    rows.push(
      row('budget-bound headline (300 weight / 5 s)', 'postgres', run, { ms: floorMs, candles: stored.candles, requests: use.requests, bytes: 0 }, stored, use, `utilisation ${((use.utilisation ?? 0) * 100).toFixed(1)}%, ${use.throttled}×429${use.throttled > 0 ? ` (${use.throttledAt.join('; ')})` : ''}, ${use.banned}×418`),
    );
  }
  // 3b: 1, 2 and 4 workers on one database, each on its own loopback address with the fake's per-address budget
  // binding (20 weight per 1 s window), on the headline job and on the deep series; then 4 with one killed (kill -9)
  // once a third of the candles are stored. Throughput is against 1 worker's × N (linear); fetched twice is counted
  // from the fake's log of each kline answer's span; exact compares every stored value with the 1-worker result,
  // every watermark with the newest closed slot. Workers belong on hosts of their own; here all four share this
  // machine with the database and the exchange, and the budget is what they may spend together without the machine
  // binding instead: at 40 a second each, one worker takes 23% of two cores, and four would ask for 92%
  // (BENCH_WORKERS_LIMIT=40 runs that).
  if (wanted('workers')) {
    const limit = Number(process.env.BENCH_WORKERS_LIMIT ?? 20);
    const symbols = syntheticSymbols(100).map((x) => x.symbol);
    const jobs = [
      { name: 'headline', args: ['backfill', '--since', '2024-01-01', '--symbols', symbols.join(','), '--interval', '1h'] },
      { name: 'deep', args: ['backfill', '--since', '2023-11-01', '--symbols', 'BTCUSDT', '--interval', '1m'] },
    ];
    for (const job of jobs) {
      let single: { wallS: number; fetchS: number; candles: number; digest: string } | null = null;
      for (const [n, kill] of [
        [1, false],
        [2, false],
        [4, false],
        [4, true],
      ] as const) {
        const fake = await startFake(['--symbols', '100', '--all-listed', '--weight-window', 'SECOND:1', '--weight-limit', String(limit)]);
        const db = await createDatabase(clusterHandle, `bench_workers_${job.name}_${n}${kill ? '_kill' : ''}`);
        const children: Array<ReturnType<typeof spawn>> = [];
        const startedAt = Date.now();
        const started = performance.now();
        const runs = Array.from({ length: n }, (_, i) => cli(fake.url, job.args, db, 'rest', { CRYPTOCOLLECT_LOCAL_ADDRESS: `127.0.0.${i + 2}` }, (c) => (children[i] = c)));
        let killedAt = 0;
        if (kill) {
          const expected = single?.candles ?? 0;
          while ((await countStored(db)) < expected / 3) await new Promise((r) => setTimeout(r, 100));
          children[0]?.kill('SIGKILL');
          killedAt = await countStored(db);
        }
        const measured = await Promise.all(runs);
        const wallS = (performance.now() - started) / 1000;
        const records = await fake.stop();
        const fetched = klinesFetched(records);
        const result = await candlesDigest(db);
        const exitCodes = measured.map((m) => m.code);
        const survivors = kill ? measured.slice(1) : measured;
        const ok = survivors.every((m) => m.code === 0) && (!kill || measured[0]?.code === null);
        // The fetching itself, from the first kline request to the last (each worker's start-up and end are the same
        // whatever the number of workers, and run side by side).
        const klineTimes = records.filter((r) => r.path === '/api/v3/klines').map((r) => r.at);
        const fetchS = (Math.max(...klineTimes) - Math.min(...klineTimes)) / 1000;
        if (!kill && n === 1) single = { wallS, fetchS, candles: result.candles, digest: result.digest };
        const exact = single !== null && result.digest === single.digest && result.candles === single.candles && result.behind === 0 && result.claims === 0;
        const linear = single && !kill ? single.wallS / (n * wallS) : null;
        const fetchLinear = single && !kill ? single.fetchS / (n * fetchS) : null;
        const perAddress = [...new Set(records.map((r) => r.address))].sort().map((a) => records.filter((r) => r.address === a && r.path === '/api/v3/klines').length);
        // Start-up: from the spawn to each worker's first kline request (the slowest worker); tail: from the last
        // kline answer to the last exit. Both are per worker and do not shrink with more workers.
        const firstKline = [...new Set(records.map((r) => r.address))].map((a) => Math.min(...records.filter((r) => r.address === a && r.path === '/api/v3/klines').map((r) => r.at)));
        const startUpS = (Math.max(...firstKline) - startedAt) / 1000;
        const tailS = (Math.max(...measured.map((m) => m.exitedAt)) - Math.max(...klineTimes)) / 1000;
        const killedKlines = kill ? records.filter((r) => r.address === '127.0.0.2' && r.path === '/api/v3/klines').length : 0;
        rows.push({
          scenario: `workers: ${job.name}, ${n} worker${n > 1 ? 's' : ''}${kill ? ', one killed (kill -9) at a third' : ''}`,
          database: 'postgres',
          exitCode: ok ? 0 : 1,
          wallS,
          floorS: null,
          ratio: null,
          candles: result.candles,
          candlesPerS: result.candles / wallS,
          requests: records.length,
          weight: `${records.reduce((w, r) => w + r.weight, 0)} (${limit}/s per address)`,
          peakRssMb: Math.max(...measured.map((m) => m.peakRssMb)),
          bytesPerCandle: null,
          floorBytesPerCandle: null,
          notes:
            `${linear === null || fetchLinear === null ? '' : `${linear.toFixed(2)}× linear (fetching ${fetchS.toFixed(1)} s: ${fetchLinear.toFixed(2)}×); `}start-up ${startUpS.toFixed(2)} s, tail ${tailS.toFixed(2)} s; fetched twice: ${fetched.twice} candles; exact: ${exact ? 'yes' : 'NO'}; kline requests per worker: ${perAddress.join('/')}` +
            `${kill ? `; killed at ${killedAt} candles stored, after its ${killedKlines} kline requests (a page in flight or waiting is at most ${3 * CONCURRENCY} pages)` : ''}; exits ${exitCodes.join('/')}`,
        });
      }
    }
  }
  // 5: the headline job on the embedded database (PGlite).
  if (wanted('pglite')) {
    await quietServer(clusterHandle.url);
    const fake = await startFake(['--symbols', '100', '--all-listed']);
    const symbols = await listSymbols(fake.url);
    await rm(dataDir, { recursive: true, force: true });
    const run = await cli(fake.url, ['backfill', '--since', '2024-01-01', '--symbols', symbols.join(','), '--interval', '1h'], undefined);
    const use = weightUse(await fake.stop(), 60_000, 6000);
    const pgRow = rows[0];
    rows.push(row('headline on the embedded database', 'pglite', run, null, { candles: pgRow?.candles ?? 0, bytesPerCandle: 0 }, use, pgRow ? `${(run.wallMs / 1000 / pgRow.wallS).toFixed(2)}× the PostgreSQL run` : ''));
  }
  // 6: the headline job while 2 % of the kline requests hang (never answered: each is given up after --timeout 5).
  if (wanted('hangs')) {
    const fake = await startFake(['--symbols', '100', '--all-listed', '--fault', 'kind=hang,path=/api/v3/klines,every=50,times=1000000']);
    const symbols = await listSymbols(fake.url);
    const db = await createDatabase(clusterHandle, 'bench_hangs');
    const run = await cli(fake.url, ['backfill', '--since', '2024-01-01', '--symbols', symbols.join(','), '--interval', '1h', '--timeout', '5'], db);
    const stored = await storedBytesPerCandle(db);
    const use = weightUse(await fake.stop(), 60_000, 6000);
    rows.push(row('headline, 2% of requests hanging (--timeout 5)', 'postgres', run, null, stored, use, `${use.hung} hung`));
  }
  // 6b: the deep job with 2 % of its requests hanging: the pages after a hung one must not wait for it.
  if (wanted('deephangs')) {
    const fake = await startFake(['--fault', 'kind=hang,path=/api/v3/klines,every=50,times=1000000']);
    const db = await createDatabase(clusterHandle, 'bench_deephangs');
    const run = await cli(fake.url, ['backfill', '--since', '2023-11-01', '--symbols', 'BTCUSDT', '--interval', '1m', '--timeout', '5'], db);
    const stored = await storedBytesPerCandle(db);
    const use = weightUse(await fake.stop(), 60_000, 6000);
    rows.push(row('deep, 2% of requests hanging (--timeout 5)', 'postgres', run, null, stored, use, `${use.hung} hung`));
  }
  // 7: 1s candles from 2017 up to an hour after a listing years later: what a long range with nothing in it costs.
  if (wanted('deepsince')) {
    const fake = await startFake(['--symbols', '8']);
    const late = syntheticSymbols(8).find((x) => x.listedAt > Date.UTC(2019, 0, 1) && x.delistedAt === undefined);
    if (!late) throw new Error('no symbol listed after 2019 among the first 8');
    const db = await createDatabase(clusterHandle, 'bench_deepsince');
    const until = new Date(late.listedAt + HOUR).toISOString();
    const run = await cli(fake.url, ['backfill', '--since', '2017-01-01', '--until', until, '--symbols', late.symbol, '--interval', '1s'], db);
    const stored = await storedBytesPerCandle(db);
    const use = weightUse(await fake.stop(), 60_000, 6000);
    rows.push(row(`1s from 2017 to an hour after ${late.symbol}'s listing (${new Date(late.listedAt).toISOString().slice(0, 10)})`, 'postgres', run, null, stored, use, ''));
  }
  // 8: the fake exchange's own cost: every test that backfills minutes generates them, so a year of 1m candles for
  // one symbol must stay cheap (goal: under 5 s; the exit column says 1 when it is not met).
  // One month of 1m written as a page: as columns (REST's way) against COPY into the staging table (the archive's).
  if (wanted('pagewrite')) {
    const db = await createDatabase(clusterHandle, 'bench_pagewrite');
    const t = await timePageWrites(db, 8);
    for (const [name, ms] of [
      ['one page, columns (unnest)', t.columnsMs],
      ['one page, COPY straight into candle_data, as the archive’s', t.bulkMs],
      ['pages of 1,000, columns, as REST’s until 2026-12-02', t.restColumnsMs],
      ['pages of 1,000, COPY straight into candle_data, as REST’s', t.restCopyMs],
    ] as const) {
      rows.push({ scenario: `page write: a month of 1m (${t.candles.toLocaleString('en-US')}), ${name}`, database: 'postgres', exitCode: 0, wallS: ms / 1000, floorS: null, ratio: null, candles: t.candles, candlesPerS: t.candles / (ms / 1000), requests: 0, weight: '-', peakRssMb: 0, bytesPerCandle: null, floorBytesPerCandle: null, notes: 'in-process, median of 8 months, candles prepared before the clock' });
    }
    const embeddedDir = await mkdtemp(path.join(tmpdir(), 'cc-bench-pagewrite-'));
    try {
      const e = await timeEmbeddedRestPages(embeddedDir, 8);
      rows.push({ scenario: `page write: a month of 1m (${e.candles.toLocaleString('en-US')}), pages of 1,000, COPY straight into candle_data, as REST’s`, database: 'pglite', exitCode: 0, wallS: e.ms / 1000, floorS: null, ratio: null, candles: e.candles, candlesPerS: e.candles / (e.ms / 1000), requests: 0, weight: '-', peakRssMb: 0, bytesPerCandle: null, floorBytesPerCandle: null, notes: `in-process, median of 8 months, ${(e.ms / Math.ceil(e.candles / 1000)).toFixed(1)} ms a page` });
    } finally {
      await rm(embeddedDir, { recursive: true, force: true });
    }
  }
  if (wanted('generator')) {
    const p = profileFor('BTCUSDT', 'BTC', 'USDT');
    const n = 525_600;
    const started = performance.now();
    for (let i = 0; i < n; i++) generateCandle(p, '1m', Date.UTC(2023, 0, 1) + i * MINUTE);
    const wallMs = performance.now() - started;
    const run: Measured = { code: wallMs < 5_000 ? 0 : 1, wallMs, exitedAt: Date.now(), peakRssMb: process.memoryUsage().rss / 2 ** 20, stdout: JSON.stringify({ candles_written: n }), stderr: '' };
    rows.push(row('fake exchange: generate a year of 1m candles (goal < 5 s)', '-', run, null, { candles: n, bytesPerCandle: 0 }, weightUse([], MINUTE, 6000), 'in-process, no database'));
  }
  // 9: export of a deep series (two years of 1m, 1,052,000 candles) in each format: wall time and peak RSS, which
  // must not grow with the export (keyset pages of 10,000; Parquet row groups of 50,000).
  if (wanted('export')) {
    const fake = await startFake([]);
    const db = await createDatabase(clusterHandle, 'bench_export');
    const fill = await cli(fake.url, ['backfill', '--since', '2022-11-01', '--until', '2024-11-01', '--symbols', 'BTCUSDT', '--interval', '1m'], db);
    await fake.stop();
    if (fill.code !== 0) throw new Error(`export bench: backfill failed: ${fill.stderr}`);
    const outDir = await mkdtemp(path.join(tmpdir(), 'cc-bench-export-'));
    try {
      for (const format of ['csv', 'jsonl', 'parquet']) {
        const file = path.join(outDir, `candles.${format}`);
        const run = await cli(fake.url, ['export', '--format', format, '--output', file], db);
        const doc = JSON.parse(run.stdout) as { rows: number; bytes: number };
        const wallS = run.wallMs / 1000;
        rows.push({
          scenario: `export --format ${format}: 1 × 1m × two years`,
          database: 'postgres',
          exitCode: run.code,
          wallS,
          floorS: null,
          ratio: null,
          candles: doc.rows,
          candlesPerS: doc.rows / wallS,
          requests: 0,
          weight: '-',
          peakRssMb: run.peakRssMb,
          bytesPerCandle: doc.bytes / doc.rows,
          floorBytesPerCandle: null,
          notes: `file ${(doc.bytes / 2 ** 20).toFixed(1)} MiB (B/candle: the file's)`,
        });
        await rm(file, { force: true });
      }
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  }
} finally {
  await cluster?.stop();
  await rm(dataDir, { recursive: true, force: true });
}

function row(
  scenario: string,
  database: string,
  run: Measured,
  f: { ms: number; candles: number; requests: number; bytes: number } | null,
  stored: { candles: number; bytesPerCandle: number },
  use: WeightUse,
  notes: string,
): Row {
  let written = stored.candles;
  try {
    written = (JSON.parse(run.stdout) as { candles_written: number }).candles_written;
  } catch {
    notes = `${notes} stdout not JSON: ${run.stderr.trim().slice(0, 200)}`;
  }
  const wallS = run.wallMs / 1000;
  return {
    scenario,
    database,
    exitCode: run.code,
    wallS,
    floorS: f ? f.ms / 1000 : null,
    ratio: f ? run.wallMs / f.ms : null,
    candles: written,
    candlesPerS: written / wallS,
    requests: use.requests,
    weight: `${use.weight} (peak ${use.peakWindow}/window)`,
    peakRssMb: run.peakRssMb,
    bytesPerCandle: stored.bytesPerCandle || null,
    floorBytesPerCandle: f && f.candles > 0 && f.bytes > 0 ? f.bytes / f.candles : null,
    notes: notes.trim(),
  };
}

/**
 * Asks for the CHECKSUM of every file the archive run will read (complete months, then the days of the month not
 * published monthly yet), so that the fake has built them; returns how many requests that took.
 */
async function warmArchive(url: string, symbols: readonly string[], interval: string, from: number, now: number): Promise<number> {
  const paths: string[] = [];
  for (const symbol of symbols) {
    let month = new Date(from);
    for (; Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1) + 3 * 24 * HOUR <= now; month = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1))) {
      paths.push(`/data/spot/monthly/klines/${symbol}/${interval}/${symbol}-${interval}-${month.toISOString().slice(0, 7)}.zip.CHECKSUM`);
    }
    for (let day = month.getTime(); day + 24 * HOUR + 12 * HOUR <= now; day += 24 * HOUR) {
      paths.push(`/data/spot/daily/klines/${symbol}/${interval}/${symbol}-${interval}-${new Date(day).toISOString().slice(0, 10)}.zip.CHECKSUM`);
    }
  }
  // A few at a time: the fake's latency would otherwise dominate; it builds one file at a time anyway.
  const queue = [...paths];
  await Promise.all(Array.from({ length: 4 }, async () => {
    for (let p = queue.shift(); p !== undefined; p = queue.shift()) {
      // A kept-alive connection the busy fake let time out resets: ask again.
      for (let attempt = 1; ; attempt++) {
        try {
          await (await fetch(`${url}${p}`)).arrayBuffer();
          break;
        } catch (err) {
          if (attempt === 3) throw err;
        }
      }
    }
  }));
  return paths.length;
}

async function listSymbols(url: string): Promise<string[]> {
  const info = (await (await fetch(`${url}/api/v3/exchangeInfo`)).json()) as { symbols: Array<{ symbol: string }> };
  return info.symbols.map((s) => s.symbol);
}

const fmt = (n: number | null, d = 2): string => (n === null ? '-' : n.toFixed(d));
const table = new Table({
  head: ['scenario', 'db', 'exit', 'wall s', 'floor s', 'ratio', 'candles', 'candles/s', 'requests', 'weight', 'peak RSS MB', 'B/candle', 'floor B/candle', 'notes'],
  style: { head: [], border: [] },
});
for (const r of rows) {
  table.push([r.scenario, r.database, String(r.exitCode), fmt(r.wallS), fmt(r.floorS), fmt(r.ratio), r.candles.toLocaleString('en-US'), Math.round(r.candlesPerS).toLocaleString('en-US'), r.requests, r.weight, fmt(r.peakRssMb, 0), fmt(r.bytesPerCandle, 1), fmt(r.floorBytesPerCandle, 1), r.notes]);
}
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, fake latency ${LATENCY_MS} ms, concurrency ${CONCURRENCY}`;
process.stdout.write(`${table.toString()}\n${machine}\n`);
const outDir = path.join(ROOT, 'test/bench/results');
await mkdir(outDir, { recursive: true });
await writeFile(path.join(outDir, 'latest.json'), `${JSON.stringify({ at: new Date().toISOString(), machine, rows }, null, 2)}\n`);

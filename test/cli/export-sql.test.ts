// Getting the data out: `export` in every format, read back (CSV and JSON Lines parsed, Parquet by DuckDB), equals the
// stored candles value for value — real recorded klines, the irregular candles of the 2018-02-08 halt, and a series
// long enough to take several keyset pages — on both stores; its filters; --output is atomic. `sql` runs one
// read-only statement on either store and refuses anything that would write, changing nothing.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runTarget, targetEnv, type InProcessResult } from '../contract/run-in-process.ts';
import { describeOnEachDb } from '../support/describe-on-each-db.ts';
import { loadRealKlines, type FakeExchangeOptions, type RealKline } from '../support/fake-exchange/index.ts';
import { BIN } from '../support/run-cli.ts';
import { scenario } from '../support/scenario.ts';
import { canonicalDecimal, readParquet } from '../support/read-parquet.ts';
import { query, releaseStore } from '../support/stored-rows.ts';

const H = 3_600_000;
const kline = (open: number, close: number, o: string, h: string, l: string, c: string, trades = 100): RealKline => [
  open, o, h, l, c, '10.00000000', close, '80500.00000000', trades, '5.00000000', '40250.00000000', '0',
];
const regular = (open: number, close: number, trades = 100): RealKline => kline(open, close, '8000.00000000', '8100.00000000', '7900.00000000', '8050.00000000', trades);

// BTCUSDT around the 2018-02-08 halt (as test/cli/storage.test.ts): a candle cut short, off-grid opens, a candle 1 ms
// longer than an hour, a trade count past 2^31 − 1, and a high and low with fewer decimals than the open.
const t0 = Date.UTC(2018, 1, 8);
const offGrid = Date.UTC(2018, 1, 9, 9, 28, 14, 789);
const t5 = Date.UTC(2018, 1, 11, 1);
const HALT: RealKline[] = [
  regular(t0, t0 + H - 1),
  regular(t0 + H, Date.UTC(2018, 1, 8, 1, 28, 14, 788)),
  regular(offGrid, offGrid + H - 1),
  regular(offGrid + H, offGrid + 2 * H - 1, 3_000_000_000),
  regular(Date.UTC(2018, 1, 11), Date.UTC(2018, 1, 11, 1)),
  kline(t5, t5 + H - 1, '8000.00000000', '8100.5', '7900', '8050.00000000'),
  regular(t5 + H, t5 + 2 * H - 1),
];
// A low with 9 decimals: stored exactly, but more than Parquet's DECIMAL(38,8) holds.
const oddOpen = Date.UTC(2024, 0, 1);
const ODD: RealKline[] = [kline(oddOpen, oddOpen + H - 1, '1.00000000', '2.00000000', '0.123456789', '1.50000000')];

const ADA = loadRealKlines('ADABTC-1m');
const EXCHANGE: FakeExchangeOptions = {
  now: Date.UTC(2024, 4, 1, 0, 30),
  symbols: [
    // Samples with nothing after them: the exchange serves such a pair as one no longer trading.
    { symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', listedAt: Date.UTC(2017, 7, 17), status: 'BREAK', replay: { '1h': HALT } },
    { symbol: 'ADABTC', baseAsset: 'ADA', quoteAsset: 'BTC', listedAt: Date.UTC(2017, 7, 17), status: 'BREAK', replay: { '1m': ADA } },
    { symbol: 'ODDUSDT', baseAsset: 'ODD', quoteAsset: 'USDT', listedAt: Date.UTC(2017, 7, 17), status: 'BREAK', replay: { '1h': ODD } },
    // Generated candles: a week and a half-hour of 1m is 10,110 candles, more than one keyset page (10,000).
    { symbol: 'ETHUSDT', baseAsset: 'ETH', quoteAsset: 'USDT', listedAt: Date.UTC(2017, 7, 17) },
  ],
};
const ETH_CANDLES = 7 * 1440 + 30;

const HEADER = 'symbol,interval,open_time,close_time,open,high,low,close,volume,quote_volume,trades,taker_buy_base_volume,taker_buy_quote_volume';
const DECIMALS = [4, 5, 6, 7, 8, 9, 11, 12];

/** The candles relation as text, in export's order (symbol, interval, open time): times as epoch ms digits. */
async function stored(target: Parameters<typeof query>[0], symbols: readonly string[]): Promise<string[][]> {
  const rows = await query<Record<string, string>>(
    target,
    `select symbol, interval, (extract(epoch from open_time) * 1000)::int8::text as o, (extract(epoch from close_time) * 1000)::int8::text as c,
            open::text, high::text, low::text, close::text, volume::text, quote_volume::text, trades::text,
            taker_buy_base_volume::text as tb, taker_buy_quote_volume::text as tq
       from candles where symbol = any($1) order by symbol, open_time`,
    [symbols],
  );
  return rows.map((r) => [r.symbol, r.interval, r.o, r.c, r.open, r.high, r.low, r.close, r.volume, r.quote_volume, r.trades, r.tb, r.tq].map(String));
}

const ms = (iso: string): string => String(Date.parse(iso));
const fromCsv = (text: string): string[][] =>
  text
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','))
    .map((f) => f.map((v, i) => (i === 2 || i === 3 ? ms(v) : v)));
const fromJsonl = (text: string): string[][] =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .map((o) => {
      assert.equal(typeof o.trades, 'number');
      assert.ok(DECIMALS.every((i) => typeof Object.values(o)[i] === 'string'), 'decimals are strings');
      return Object.values(o).map((v, i) => (i === 2 || i === 3 ? ms(String(v)) : String(v)));
    });
const canonical = (rows: string[][]): string[][] => rows.map((r) => r.map((v, i) => (DECIMALS.includes(i) ? canonicalDecimal(v) : v)));
const oneLine = (res: InProcessResult): string => {
  assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
  return res.stderr.trim();
};

describeOnEachDb('export and sql', (kind) => {
  const scene = scenario({ db: kind, exchange: EXCHANGE });
  let out: string;
  // In this process (no CLI child to start), with the test's own handle on an embedded store closed first.
  const cli = async (args: string[]): Promise<InProcessResult> => {
    await releaseStore(scene.target.dataDir);
    return runTarget(scene.target, args);
  };

  before(async () => {
    out = await mkdtemp(path.join(tmpdir(), 'cc-export-'));
    for (const args of [
      ['--symbols', 'BTCUSDT', '--interval', '1h', '--since', '2018-02-08', '--until', '2018-02-12'],
      ['--symbols', 'ADABTC', '--interval', '1m', '--since', '2021-11-27', '--until', '2021-11-29'],
      ['--symbols', 'ODDUSDT', '--interval', '1h', '--since', '2024-01-01', '--until', '2024-01-02'],
      ['--symbols', 'ETHUSDT', '--interval', '1m', '--since', '2024-01-01', '--until', '2024-01-08T00:30'],
    ]) {
      const res = await scene.run(['backfill', ...args, '--quiet']);
      assert.equal(res.code, 0, res.stderr);
    }
  });
  after(() => rm(out, { recursive: true, force: true }));

  it('writes csv, jsonl and parquet that read back as the stored candles, value for value', async () => {
    const symbols = ['ADABTC', 'BTCUSDT', 'ETHUSDT'];
    const expected = await stored(scene.target, symbols);
    assert.equal(expected.length, ADA.length + HALT.length + ETH_CANDLES);
    // The irregular values are the view's: cut short, off-grid, 1 ms too long, past 2^31 − 1, fewer decimals.
    assert.ok(expected.some((r) => r[5] === '8100.5' && r[6] === '7900'));
    assert.ok(expected.some((r) => r[10] === '3000000000'));
    const select = ['--symbols', symbols.join(',')];

    const csv = await cli(['export', '--format', 'csv', ...select, '--output', path.join(out, 'all.csv')]);
    assert.equal(csv.code, 0, csv.stderr);
    assert.equal(csv.stderr, '');
    const csvText = await readFile(path.join(out, 'all.csv'), 'utf8');
    assert.equal(csvText.split('\n')[0], HEADER);
    assert.deepEqual(fromCsv(csvText), expected);
    // To stdout: the same bytes, and nothing else.
    const piped = await cli(['export', '--format', 'csv', ...select]);
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stdout, csvText);

    const jsonl = await cli(['export', '--format', 'jsonl', ...select, '--output', path.join(out, 'all.jsonl'), '--json']);
    assert.equal(jsonl.code, 0, jsonl.stderr);
    const file = path.join(out, 'all.jsonl');
    assert.deepEqual(JSON.parse(jsonl.stdout), { format: 'jsonl', file, rows: expected.length, series: 3, bytes: (await stat(file)).size });
    const jsonlText = await readFile(file, 'utf8');
    assert.deepEqual(Object.keys(JSON.parse(jsonlText.split('\n')[0] ?? '{}') as object).join(','), HEADER);
    assert.deepEqual(fromJsonl(jsonlText), expected);

    const parquet = await cli(['export', '--format', 'parquet', ...select, '--output', path.join(out, 'all.parquet')]);
    assert.equal(parquet.code, 0, parquet.stderr);
    assert.match(parquet.stdout, new RegExp(`^exported ${expected.length.toLocaleString('en-US')} candles of 3 series to .*all\\.parquet \\(parquet, `));
    const back = await readParquet(path.join(out, 'all.parquet'));
    assert.deepEqual(Object.keys(back.types).join(','), HEADER);
    assert.equal(back.types.open, 'DECIMAL(38,8)');
    // DECIMAL(38,8) holds each value exactly; it spells every one with 8 decimals (8100.5 as 8100.50000000).
    assert.deepEqual(canonical(back.rows), canonical(expected));
    assert.ok(back.rows.some((r) => r[5] === '8100.50000000' && r[6] === '7900.00000000'));
  });

  it('narrows by --symbols, --interval and the half-open [--since, --until)', async () => {
    const res = await cli(['export', '--format', 'jsonl', '--symbols', 'ADABTC', '--interval', '1m', '--since', '2021-11-27T00:03:00Z', '--until', '2021-11-27T00:07']);
    assert.equal(res.code, 0, res.stderr);
    const rows = fromJsonl(res.stdout);
    const all = await stored(scene.target, ['ADABTC']);
    const from = Date.UTC(2021, 10, 27, 0, 3);
    assert.deepEqual(rows, all.filter((r) => Number(r[2]) >= from && Number(r[2]) < from + 4 * 60_000));
    assert.equal(rows.length, 4);

    const hourly = await cli(['export', '--format', 'csv', '--interval', '1h', '--since', '2018-02-09T09:28:14.789Z']);
    assert.equal(hourly.code, 0, hourly.stderr);
    assert.deepEqual(
      fromCsv(hourly.stdout).map((r) => `${r[0]} ${new Date(Number(r[2])).toISOString()}`),
      [...HALT.slice(2).map((k) => `BTCUSDT ${new Date(k[0]).toISOString()}`), `ODDUSDT ${new Date(oddOpen).toISOString()}`],
    );
  });

  it('--output is atomic: a failed export leaves the file that was there and no other', async () => {
    await writeFile(path.join(out, 'odd.parquet'), 'before');
    const res = await cli(['export', '--format', 'parquet', '--symbols', 'ODDUSDT', '--output', path.join(out, 'odd.parquet')]);
    assert.equal(res.code, 1);
    assert.match(oneLine(res), /^cryptocollect: ODDUSDT 1h 2024-01-01T00:00:00\.000Z low: 0\.123456789 has 9 decimals, .*export this series as csv or jsonl/);
    assert.equal(await readFile(path.join(out, 'odd.parquet'), 'utf8'), 'before');
    assert.deepEqual((await readdir(out)).filter((f) => f.includes('odd')), ['odd.parquet']);
    // CSV keeps it as stored.
    const csv = await cli(['export', '--format', 'csv', '--symbols', 'ODDUSDT', '--output', path.join(out, 'odd.csv')]);
    assert.equal(csv.code, 0, csv.stderr);
    assert.equal((await readFile(path.join(out, 'odd.csv'), 'utf8')).split('\n')[1]?.split(',')[6], '0.123456789');
  });

  it('sql prints one statement’s rows exactly, as json, csv or a table', async () => {
    const statement = `select symbol, interval, count(*) as candles, min(low) as low, max(trades) as trades from candles group by 1, 2 order by 1, 2`;
    const want = await query<Record<string, string>>(
      scene.target,
      `select symbol, interval, count(*)::text as candles, min(low)::text as low, max(trades)::text as trades from candles group by 1, 2 order by 1, 2`,
    );
    const json = await cli(['sql', statement, '--json']);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), { columns: ['symbol', 'interval', 'candles', 'low', 'trades'], rows: want.map((r) => Object.values(r)) });
    assert.ok(want.some((r) => r.low?.startsWith('0.0000') === true && r.low.length === 10), 'a tiny BTC-quoted price, its scale kept');

    const csv = await cli(['sql', statement, '--format', 'csv']);
    assert.equal(csv.code, 0, csv.stderr);
    assert.equal(csv.stdout, `symbol,interval,candles,low,trades\n${want.map((r) => Object.values(r).join(',')).join('\n')}\n`);

    const table = await cli(['sql', "select 'BTCUSDT' as symbol, 16541.77000000 as open, null as missing, now() as t"]);
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.split('\n');
    assert.match(lines[0] ?? '', /^symbol +open +missing +t$/);
    assert.match(lines[2] ?? '', /^BTCUSDT {2}16541\.77000000 +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+\+00$/);
    assert.equal(lines[3], '(1 row)');
  });

  it('sql refuses whatever would write, and a second statement, and changes nothing', async () => {
    const counts = `select (select count(*) from candles)::text as candles, (select count(*) from runs)::text as runs,
                           (select last_value from runs_id_seq)::text as seq, to_regclass('public.scratch')::text as scratch`;
    const before = await query(scene.target, counts);
    for (const statement of [
      'delete from candles',
      "update series set symbol = 'X'",
      'create table scratch (x int)',
      'select * from series for update',
      "select nextval('runs_id_seq')",
      'select 1; delete from candles',
      'commit; set default_transaction_read_only = off; delete from candles',
    ]) {
      const res = await cli(['sql', statement]);
      assert.equal(res.code, 2, `${statement}: ${res.stderr}`);
      assert.match(oneLine(res), /^cryptocollect: refused: sql runs one (read-only statement, and this one would write \(cannot execute .* in a read-only transaction\)|statement at a time, and this is several)/, statement);
      assert.equal(res.stdout, '');
    }
    assert.deepEqual(await query(scene.target, counts), before);
  });
});

describe('export and sql: bad input, the reader going away', () => {
  const scene = scenario({ db: 'postgres', exchange: EXCHANGE });
  before(async () => {
    const res = await scene.run(['backfill', '--symbols', 'ETHUSDT', '--interval', '1m', '--since', '2024-01-01', '--until', '2024-01-08T00:30', '--quiet']);
    assert.equal(res.code, 0, res.stderr);
  });

  it('bad input is one line and exit 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['export', '--format', 'xlsx'], /option '--format <format>' argument 'xlsx' is invalid/],
      [['export'], /required option '--format <format>' not specified/],
      [['export', '--format', 'csv', '--since', '2024-02-01', '--until', '2024-01-01'], /--until 2024-01-01 is not after --since 2024-02-01/],
      [['export', '--format', 'csv', '--json'], /--json needs --output/],
      [['export', '--format', 'csv', '--symbols', 'BTCUSDT'], /no series in .* matches the selection/],
      [['export', '--format', 'csv', '--output', '/nonexistent-dir/x.csv'], /cannot write --output \/nonexistent-dir\/x\.csv: its folder does not exist/],
      [['sql', ' '], /the statement is empty/],
      [['sql', 'select 1', '--json', '--format', 'csv'], /--json .* does not go with --format csv/],
      [['sql', 'select * from no_such_table'], /the statement failed: relation "no_such_table" does not exist \(SQLSTATE 42P01\)/],
    ];
    for (const [args, message] of cases) {
      const res = await runTarget(scene.target, args);
      assert.equal(res.code, 2, `${args.join(' ')}: ${res.stderr}`);
      assert.match(res.stderr, /^cryptocollect: [^\n]+\n$/, args.join(' '));
      assert.match(res.stderr, message, args.join(' '));
    }
  });

  it('a reader that closes stdout early (| head) ends the export quietly, exit 0', async () => {
    const child = spawn(process.execPath, [BIN, 'export', '--format', 'csv'], { env: { PATH: process.env.PATH, ...targetEnv(scene.target) } as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const first = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(String(d))));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    assert.ok(first.startsWith(`${HEADER}\n`));
    assert.equal(stderr, '');
    assert.equal(code, 0);
  });
});

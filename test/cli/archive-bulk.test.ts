// The archive path at bulk speed, and what must hold around it (PostgreSQL: the behaviour does not differ by store,
// which test/db/copy-in.test.ts and the embedded half of archive.test.ts cover):
// - a CLI killed with SIGKILL in the middle of writing an archive month, run again, stores every candle exactly as
//   REST would, downloads again only the files whose pages were in flight, and records provenance once per file;
// - a COPY the server refuses ends the run with the documented line and exit code;
// - `gaps --verify` finds the file the archive replaced since, row by row, and changes nothing;
// - `--dry-run` plans the files and what is left to REST, as the run then does;
// - an archive that answers 404 to everything, or not at all, leaves the run to REST without a word.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonOf, runCli, type CliResult } from '../support/run-cli.ts';
import type { RealKline } from '../support/fake-exchange/index.ts';
import { scenario } from '../support/scenario.ts';
import { query, storedKlines } from '../support/stored-rows.ts';
import { hourlyKline } from '../support/hourly-kline.ts';

const DAY = 86_400_000;
// 2024-05-10 03:00: the monthly files of January to April are out, the daily ones of 1–8 May (9 May's is expected
// 12 h after its day): 12 files, then REST for 9 May and the three hours of the 10th.
const NOW = Date.UTC(2024, 4, 10, 3);
const SINCE = Date.UTC(2024, 0, 1);
const AUTO = { CRYPTOCOLLECT_SOURCE: 'auto' };
const BACKFILL = ['backfill', '--since', '2024-01-01', '--symbols', 'BTCUSDT', '--interval', '1m', '--json'];
const MONTHS = ['2024-01', '2024-02', '2024-03', '2024-04'].map((m) => `BTCUSDT-1m-${m}.zip`);
const DAYS = [1, 2, 3, 4, 5, 6, 7, 8].map((d) => `BTCUSDT-1m-2024-05-0${d}.zip`);

const zipsAsked = (requests: ReadonlyArray<{ path: string; status: number }>): string[] =>
  requests.filter((r) => r.path.endsWith('.zip') && r.status === 200).map((r) => r.path.slice(r.path.lastIndexOf('/') + 1)).sort();

interface Sources {
  series: Array<{ candles: number; candles_by_source: { archive: number; rest: number }; archive_files: number; gaps: number }>;
}

describe('archive in bulk on postgres', () => {
  const scene = scenario({ db: 'postgres', fresh: 'each', env: AUTO, exchange: { now: NOW } });
  const expected = (): ReturnType<typeof scene.fake.expectedKlines> => scene.fake.expectedKlines('BTCUSDT', '1m', SINCE, NOW);
  const inDb = async <T>(text: string): Promise<T[]> => query<T>(scene.target, text);

  it('killed with SIGKILL while writing March, a second run stores exactly the rest: provenance once per file, finished files not downloaded again', async () => {
    // March's statement stops in the middle of its transaction (its rows copied and inserted, not committed).
    await inDb(`create function cc_hold_march() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from new_rows where open_time >= '2024-03-01' and open_time < '2024-04-01') then perform pg_sleep(120); end if;
        return null;
      end $$`);
    await inDb('create trigger cc_hold_march after insert on candle_data referencing new table as new_rows for each statement execute function cc_hold_march()');
    const first = await scene.start(BACKFILL);
    const exited = first.done.then(() => true);
    const holding = async (): Promise<boolean> =>
      (await inDb<{ n: number }>(`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event = 'PgSleep'`))[0]!.n === 1;
    while (!(await holding())) {
      assert.equal(await Promise.race([exited, new Promise<false>((r) => setTimeout(() => r(false), 20))]), false, 'the run ended before it wrote March');
    }
    first.child.kill('SIGKILL');
    assert.equal((await first.done).signal, 'SIGKILL');
    const firstZips = zipsAsked(scene.fake.archiveRequests());
    // The held statement dies with its transaction: nothing of March was committed.
    await inDb(`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and wait_event = 'PgSleep'`);
    while ((await inDb<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()'))[0]!.n > 0) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await inDb('drop trigger cc_hold_march on candle_data');

    // Whole files and their provenance, nothing else: January and February (written in order before March), and
    // April if it was written out of turn while March was still being read; March not at all.
    const all = expected();
    const provenance = async (): Promise<Array<[string, number, number]>> =>
      (await inDb<{ file_name: string; from_time: Date; to_time: Date }>('select file_name, from_time, to_time from archive_provenance order by from_time')).map((p) => [p.file_name, p.from_time.getTime(), p.to_time.getTime()]);
    const monthStart = (m: number): number => Date.UTC(2024, m, 1);
    const everyFile: Array<[string, number, number]> = [
      ...MONTHS.map((f, m): [string, number, number] => [f, monthStart(m), monthStart(m + 1)]),
      ...DAYS.map((f, d): [string, number, number] => [f, Date.UTC(2024, 4, 1) + d * DAY, Date.UTC(2024, 4, 1) + (d + 1) * DAY]),
    ];
    const kept = await provenance();
    assert.deepEqual(kept.slice(0, 2), everyFile.slice(0, 2));
    assert.ok(!kept.some(([f]) => f === MONTHS[2]), 'nothing of March was committed');
    assert.deepEqual(kept, everyFile.filter(([f]) => kept.some(([k]) => k === f)), 'each stored file whole, as a file would store it');
    const storedBefore = all.filter((k) => kept.some(([, from, to]) => k[0] >= from && k[0] < to));
    assert.deepEqual(await storedKlines(scene.target, 'BTCUSDT', '1m'), storedBefore);
    assert.ok(firstZips.includes(MONTHS[2]!), `March was downloaded before the kill: ${firstZips.join(', ')}`);

    scene.fake.resetRequests();
    const second = await scene.run(BACKFILL);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(await storedKlines(scene.target, 'BTCUSDT', '1m'), all);
    // Only what was not committed is read again: March (in flight), and what was not stored after it.
    assert.deepEqual(zipsAsked(scene.fake.archiveRequests()), everyFile.map(([f]) => f).filter((f) => !kept.some(([k]) => k === f)).sort());
    assert.equal(jsonOf<{ candles_written: number }>(second).candles_written, all.length - storedBefore.length);
    assert.deepEqual(await provenance(), everyFile);
    const [s] = jsonOf<Sources>(await scene.run(['status', '--json'])).series;
    assert.deepEqual(s?.candles_by_source, { archive: all.filter((k) => k[0] < Date.UTC(2024, 4, 9)).length, rest: 1440 + 180 });
    assert.equal(s?.archive_files, 12);
    assert.equal(s?.gaps, 0);
    assert.deepEqual((await inDb<{ n: number }>('select count(*)::int as n from exchange_empty'))[0], { n: 0 });
    assert.deepEqual((await inDb<{ status: string }>('select status from runs order by id')).map((r) => r.status), ['interrupted', 'success']);
  });

  it('a COPY the server refuses (disk full) ends the run with the documented line and exit code, nothing half stored', async () => {
    // A trigger on candle_data raises disk full for each row a COPY (an archive page, copied straight in) brings, so
    // the COPY itself fails; any other insert goes through.
    await inDb(`create function cc_full() returns trigger language plpgsql as $$
      begin
        if current_query() ilike 'copy%' then raise exception 'injected: no space left' using errcode = '53100'; end if;
        return new;
      end $$`);
    await inDb(`create trigger cc_full before insert on candle_data for each row execute function cc_full()`);
    try {
      const res = await scene.run(BACKFILL);
      const line = 'storing BTCUSDT 1m candles failed: the database server is out of disk space (injected: no space left)';
      assert.equal(res.stderr, `cryptocollect: ${line}\n`);
      assert.equal(res.code, 1);
      assert.deepEqual(jsonOf(res), { error: { code: 'database-disk-full', message: line, exit_code: 1, details: { sqlstate: '53100', transient: false } } });
      assert.deepEqual(await inDb('select count(*)::int as n from candle_data'), [{ n: 0 }]);
      assert.deepEqual(await inDb('select count(*)::int as n from archive_provenance'), [{ n: 0 }]);
    } finally {
      await inDb('drop trigger cc_full on candle_data');
    }
  });

  it('gaps --verify: the replaced file row by row (exit 5), a file gone (exit 3), nothing changed', async () => {
    const res = await scene.run(['backfill', '--since', '2024-04-01', '--symbols', 'BTCUSDT', '--interval', '1m']);
    assert.equal(res.code, 0, res.stderr);
    const stored = await storedKlines(scene.target, 'BTCUSDT', '1m');
    type Verify = {
      files: Array<{ symbol: string; interval: string; file: string; status: string; sha256_stored: string; sha256_now: string | null; rows_stored: number; rows_now: number | null; candles_compared: number; differences: unknown[]; reason: string | null }>;
      checked: number;
      unchanged: number;
      replaced: number;
      unverified: number;
      differing_rows: number;
    };
    const verify = async (): Promise<{ res: CliResult; doc: Verify }> => {
      const r = await scene.run(['gaps', '--verify', '--json']);
      return { res: r, doc: jsonOf<Verify>(r) };
    };

    const clean = await verify();
    assert.equal(clean.res.code, 0, clean.res.stderr);
    assert.deepEqual(clean.doc.files.map((f) => [f.file, f.status]), [MONTHS[3], ...DAYS].map((f) => [f, 'unchanged']));
    assert.deepEqual([clean.doc.checked, clean.doc.unchanged, clean.doc.replaced, clean.doc.unverified, clean.doc.differing_rows], [9, 9, 0, 0, 0]);
    assert.ok(clean.doc.files.every((f) => f.sha256_now === f.sha256_stored && f.reason === null && f.differences.length === 0));

    // The archive republishes April with its first row's volume changed (and a CHECKSUM that matches), and
    // withdraws 2 May.
    scene.fake.archive.inject({ kind: 'replaced', file: MONTHS[3]! });
    scene.fake.archive.inject({ kind: 'missing', file: DAYS[1]! });
    try {
      const { res: r, doc } = await verify();
      assert.equal(r.code, 5, r.stderr);
      assert.equal(r.stderr, '');
      const april = doc.files.find((f) => f.file === MONTHS[3]);
      const first = stored[0]!;
      assert.deepEqual(april && { ...april, sha256_stored: april.sha256_stored.length, sha256_now: april.sha256_now !== april.sha256_stored }, {
        symbol: 'BTCUSDT',
        interval: '1m',
        file: MONTHS[3],
        status: 'replaced',
        sha256_stored: 64,
        sha256_now: true,
        rows_stored: 30 * 1440,
        rows_now: 30 * 1440,
        candles_compared: 30 * 1440,
        differences: [{ open_time: '2024-04-01T00:00:00.000Z', kind: 'changed', fields: { volume: { stored: first[5], archive: `${first[5]}1` } } }],
        reason: null,
      });
      const gone = doc.files.find((f) => f.file === DAYS[1]);
      assert.deepEqual([gone?.status, gone?.reason, gone?.sha256_now, gone?.differences], ['unverified', 'no longer published (404)', null, []]);
      assert.deepEqual([doc.checked, doc.unchanged, doc.replaced, doc.unverified, doc.differing_rows], [9, 7, 1, 1, 1]);
      // Nothing was overwritten.
      assert.deepEqual(await storedKlines(scene.target, 'BTCUSDT', '1m'), stored);

      const human = await scene.run(['gaps', '--verify']);
      assert.equal(human.code, 5);
      assert.match(human.stdout, /^BTCUSDT-1m-2024-04\.zip +replaced +43,200 +1$/m);
      assert.ok(human.stdout.includes(`  2024-04-01T00:00:00.000Z changed: volume ${first[5]} → ${first[5]}1\n`), human.stdout);
      assert.match(human.stdout, /BTCUSDT-1m-2024-05-02\.zip: not verified: no longer published \(404\)/);
      assert.match(human.stdout, /9 files checked: 7 unchanged, 1 replaced, 1 not verified; 1 stored candle differ/);

      // Only the file that is gone: nothing differs, but not everything could be verified.
      scene.fake.archive.clearDefects();
      scene.fake.archive.inject({ kind: 'missing', file: DAYS[1]! });
      const partial = await verify();
      assert.equal(partial.res.code, 3, partial.res.stderr);
      assert.deepEqual([partial.doc.unchanged, partial.doc.unverified, partial.doc.differing_rows], [8, 1, 0]);
    } finally {
      scene.fake.archive.clearDefects();
    }

    const usage = await scene.run(['gaps', '--verify', '--fill']);
    assert.equal(usage.code, 2);
    assert.equal(usage.stderr, 'cryptocollect: --verify checks the archive files only: it does not go with --fill, --recheck, --check or --all\n');
  });

  it('--dry-run plans the files and what is left to REST; the run then reads those files and asks REST for the rest', async () => {
    type Plan = {
      series: Array<{ archive: Array<{ file: string; from: string; to: string; candles: number }>; rest_ranges: Array<{ from: string; to: string; candles: number }>; requests: number; weight: number; candles: number }>;
      archive_files: number;
      archive_candles: number;
      requests: number;
      weight: number;
      candles: number;
    };
    const dry = await scene.run([...BACKFILL, '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    const plan = jsonOf<Plan>(dry);
    const s = plan.series[0]!;
    const all = expected();
    assert.deepEqual(
      s.archive.map((f) => [f.file, f.from, f.candles]),
      [...MONTHS, ...DAYS].map((f, i) => {
        const from = i < 4 ? Date.UTC(2024, i, 1) : Date.UTC(2024, 4, i - 3);
        const to = i < 4 ? Date.UTC(2024, i + 1, 1) : from + DAY;
        return [f, new Date(from).toISOString(), (to - from) / 60_000];
      }),
    );
    assert.deepEqual(s.rest_ranges.map((r) => [r.from, r.candles]), [['2024-05-09T00:00:00.000Z', 1440 + 180]]);
    assert.deepEqual([s.candles, plan.candles, plan.archive_files, plan.archive_candles], [all.length, all.length, 12, all.length - 1620]);
    assert.deepEqual([s.requests, s.weight], [2, 4]);
    assert.equal(scene.fake.archiveRequests().length, 0, 'a dry run downloads nothing');
    assert.match((await scene.run(['backfill', '--since', '2024-01-01', '--symbols', 'BTCUSDT', '--interval', '1m', '--dry-run'])).stdout, /^12 archive files \(185,760 candles, no weight\), then REST:$/m);

    scene.fake.resetRequests();
    const run = await scene.run(BACKFILL);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(zipsAsked(scene.fake.archiveRequests()), s.archive.map((f) => f.file).sort());
    assert.equal(scene.fake.klineRequests('BTCUSDT', '1m').filter((r) => r.query.limit !== '1').length, s.requests);
    assert.deepEqual(await storedKlines(scene.target, 'BTCUSDT', '1m'), all);
  });

  it('an archive that answers 404 to everything, or cannot be reached, leaves everything to REST without a word; small files are left to REST', async () => {
    const args = ['backfill', '--since', '2024-05-01', '--symbols', 'BTCUSDT', '--interval', '1m', '--json'];
    const nowhere = await scene.run([...args, '--archive-url', `${scene.fake.url}/nowhere`]);
    assert.equal(nowhere.code, 0, nowhere.stderr);
    assert.equal(nowhere.stderr, '');
    const expectedMay = scene.fake.expectedKlines('BTCUSDT', '1m', Date.UTC(2024, 4, 1), NOW);
    assert.deepEqual(await storedKlines(scene.target, 'BTCUSDT', '1m'), expectedMay);
    assert.deepEqual(await inDb('select count(*)::int as n from exchange_empty'), [{ n: 0 }]);
    assert.deepEqual(await inDb('select count(*)::int as n from archive_provenance'), [{ n: 0 }]);

    // Files too small to save a REST page (a month of 1h: 744 candles) are left to REST with `auto`.
    const hourly = await scene.run(['backfill', '--since', '2024-01-01', '--symbols', 'ETHUSDT', '--interval', '1h', '--json']);
    assert.equal(hourly.code, 0, hourly.stderr);
    assert.equal(scene.fake.archiveRequests().filter((r) => r.path.includes('/ETHUSDT/')).length, 0);
    assert.deepEqual(await storedKlines(scene.target, 'ETHUSDT', '1h'), scene.fake.expectedKlines('ETHUSDT', '1h', SINCE, NOW));

    // Unreachable: once the first files (those on the wire together: three months' worth, the candles the archive
    // source holds at once) failed, the run asks the archive nothing more; REST takes the rest.
    const other = await scene.makeTarget('postgres', { ...AUTO, CRYPTOCOLLECT_RETRIES: '0' });
    const down = await runCli(other, [...BACKFILL, '--archive-url', 'http://127.0.0.1:1', '--log-format', 'json', '--log-level', 'debug']);
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(await storedKlines(other, 'BTCUSDT', '1m'), expected());
    const outcomes = down.stderr
      .split('\n')
      .filter((l) => l.includes('"archive-file"'))
      .map((l) => JSON.parse(l) as { file: string; outcome: string; reason: string | null });
    assert.deepEqual(
      outcomes.map((o) => [o.file, o.outcome, o.reason?.startsWith('not asked') ? 'not asked' : o.reason]).sort(),
      [...MONTHS.slice(0, 3).map((f) => [f, 'failed', 'connection refused']), ...[...MONTHS.slice(3), ...DAYS].map((f) => [f, 'failed', 'not asked'])].sort(),
    );
  });
});

describe('archive in bulk: rows that do not fit the compact row, and a stale irregular row', () => {
  const H = 3_600_000;
  const T0 = Date.UTC(2024, 4, 1);
  const row = (i: number, over: Partial<Record<number, string | number>> = {}): RealKline => hourlyKline(T0, i, over);
  // Two days of 1h: a candle cut short (its own close time), one whose high has fewer decimals than its open, one
  // with a low above its open (a quality finding), and one with more trades than an integer column holds.
  const ODD = Array.from({ length: 48 }, (_, i) =>
    i === 5 ? row(i, { 6: T0 + 5 * H + 1_800_000 - 1 }) : i === 7 ? row(i, { 2: '12.5' }) : i === 9 ? row(i, { 3: '10.50000000' }) : i === 30 ? row(i, { 8: 3_000_000_000 }) : row(i),
  );
  // The archive alone (`--source archive`): with REST after it, files of 1h are too small to be worth reading.
  const scene = scenario({
    db: 'postgres',
    env: { CRYPTOCOLLECT_SOURCE: 'archive' },
    exchange: { now: NOW, symbols: [{ symbol: 'ODDUSDT', baseAsset: 'ODD', quoteAsset: 'USDT', listedAt: T0, status: 'BREAK', replay: { '1h': ODD } }] },
  });

  it('stored from the daily files exactly, irregular values and findings kept; a stale irregular row is cleared when its candle is stored again', async () => {
    const args = ['backfill', '--since', '2024-05-01', '--until', '2024-05-03', '--symbols', 'ODDUSDT', '--interval', '1h'];
    const res = await scene.run(args);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(await storedKlines(scene.target, 'ODDUSDT', '1h'), ODD);
    assert.deepEqual(zipsAsked(scene.fake.archiveRequests()), ['ODDUSDT-1h-2024-05-01.zip', 'ODDUSDT-1h-2024-05-02.zip']);
    assert.equal(scene.fake.klineRequests('ODDUSDT', '1h').filter((r) => r.query.limit !== '1').length, 0, 'nothing left for REST');
    const irregular = await query<{ t: Date }>(scene.target, 'select open_time as t from irregular_candles order by 1');
    assert.deepEqual(irregular.map((r) => (r.t.getTime() - T0) / H), [5, 7, 30]);
    const findings = await query<{ t: Date; rule: string }>(scene.target, 'select open_time as t, rule from quality_findings order by 1');
    assert.deepEqual(findings.map((f) => [(f.t.getTime() - T0) / H, f.rule]), [[9, 'price-range']]);

    // A row left in irregular_candles by a delete straight from candle_data must not lend its values to the candle
    // stored again at its open time (sql/000008): the archive's page clears it.
    const [{ id } = { id: 0 }] = await query<{ id: number }>(scene.target, `select id from series where symbol = 'ODDUSDT'`);
    await query(scene.target, `insert into irregular_candles (series_id, open_time, high) values ($1, $2, '99.0')`, [id, new Date(T0 + 3 * H)]);
    await query(scene.target, 'delete from candle_data where series_id = $1 and open_time = $2', [id, new Date(T0 + 3 * H)]);
    scene.fake.resetRequests();
    const fill = await scene.run(['gaps', '--fill', '--json']);
    assert.equal(fill.code, 0, fill.stderr);
    assert.deepEqual(zipsAsked(scene.fake.archiveRequests()), ['ODDUSDT-1h-2024-05-01.zip']);
    assert.deepEqual(await storedKlines(scene.target, 'ODDUSDT', '1h'), ODD);
    assert.deepEqual((await query<{ n: number }>(scene.target, 'select count(*)::int as n from irregular_candles'))[0], { n: 3 });
  });
});

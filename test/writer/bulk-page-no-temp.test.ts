// A role without the TEMPORARY privilege (which PUBLIC has by default, and a cautious DBA may revoke) can import
// the archive's regular pages, which are copied straight into candle_data, also over candles stored already; an
// archive page that needs a temporary table (a candle that does not fit the compact row) is refused with the
// documented permission error, and nothing of it is stored. A REST page needs none, irregular candles and all.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openDatabase, type DatabaseHandle } from '../../src/db/open-database.ts';
import { ensureSeries } from '../../src/db/series-repository.ts';
import type { Candle, Series } from '../../src/domain.ts';
import { CandleCopyRowsBuilder } from '../../src/writer/candle-copy-rows.ts';
import { restCopyRows } from '../../src/writer/rest-copy-rows.ts';
import { writePage } from '../../src/writer/write-page.ts';
import { createRole, WRITER_GRANTS, type Role } from '../database-boundary/roles.ts';
import { query } from '../support/stored-rows.ts';
import { minuteCandle } from '../support/minute-candle.ts';
import { makeTarget, type Target } from '../support/targets.ts';

const T0 = Date.UTC(2024, 0, 1);
const candle = (i: number, over: Partial<Candle> = {}): Candle => minuteCandle(T0, i, over);

describe('a bulk page written by a role without TEMPORARY', () => {
  let owner: Target;
  let role: Role;
  let handle: DatabaseHandle;
  let series: Series;
  let dbName = '';
  before(async () => {
    owner = await makeTarget('postgres', 'http://127.0.0.1:1');
    const own = await openDatabase({ databaseUrl: owner.databaseUrl, dataDir: owner.dataDir, poolSize: 1 });
    [series] = (await ensureSeries(own.db, [{ symbol: 'BTCUSDT', interval: '1m', startTime: T0 }])) as [Series];
    await own.close();
    dbName = (await query<{ db: string }>(owner, 'select current_database() as db'))[0]!.db;
    await query(owner, `revoke temporary on database "${dbName}" from public`);
    role = await createRole(owner, 'cc_notemp', WRITER_GRANTS);
    handle = await openDatabase({ databaseUrl: role.target.databaseUrl, dataDir: role.target.dataDir, poolSize: 1 });
  });
  after(async () => {
    await handle.close();
    await owner.cleanup();
    await role.drop();
  });

  const page = (candles: readonly Candle[]): ReturnType<CandleCopyRowsBuilder['take']> => {
    const b = new CandleCopyRowsBuilder(series.id);
    for (const c of candles) b.push(c, '1m');
    return b.take();
  };
  const count = async (): Promise<number> => Number((await sql<{ n: number }>`select count(*)::int as n from candle_data`.execute(handle.db)).rows[0]?.n);

  it('stores a regular page, copied straight into candle_data', async () => {
    assert.equal(await writePage(handle.db, series, { candles: page([candle(0), candle(1)]), empties: [], findings: [] }), 2);
    assert.equal(await count(), 2);
  });

  it('refuses a page that needs the staging table with the permission error, storing none of it', async () => {
    const rows = page([candle(2), candle(3, { high: '101.5' })]);
    assert.deepEqual([rows.direct.count, rows.staged.count], [1, 1]);
    await assert.rejects(writePage(handle.db, series, { candles: rows, empties: [], findings: [] }), (err: unknown) => {
      const e = err as { code?: string; message?: string };
      assert.equal(e.code, 'database-permission-denied');
      assert.equal(e.message, `the database user "${role.name}" lacks a permission it needs (permission denied to create temporary tables in database "${dbName}")`);
      return true;
    });
    assert.equal(await count(), 2);
  });

  it('stores a regular archive page over candles stored already: only the new ones, with no temporary table', async () => {
    assert.equal(await writePage(handle.db, series, { candles: page([candle(1), candle(2), candle(3)]), empties: [], findings: [] }), 2);
    assert.equal(await count(), 4);
  });

  it('stores a REST page with irregular candles, over a stored one, with no temporary table', async () => {
    const candles = [candle(3), candle(4, { high: '101.5' }), candle(5, { trades: 3_000_000_000 }), candle(6)];
    const rows = restCopyRows(series.id, '1m', candles);
    assert.deepEqual([rows.direct.count, rows.staged.count], [2, 2]);
    assert.equal(await writePage(handle.db, series, { candles: rows, empties: [], findings: [] }), 3);
    const { rows: got } = await sql<{ high: string; trades: string }>`
      select high::text, trades::text from candles where symbol = 'BTCUSDT' and interval = '1m' and open_time >= ${new Date(T0 + 3 * 60_000)}::timestamptz order by open_time`.execute(handle.db);
    assert.deepEqual(got, [
      { high: '101.00000000', trades: '20' },
      { high: '101.5', trades: '21' },
      { high: '101.00000000', trades: '3000000000' },
      { high: '101.00000000', trades: '23' },
    ]);
  });
});

// A new embedded store is unpacked from the migrated template `npm run build` makes (src/db/embedded-template.ts),
// not created by initdb and the migrations at first use; an unpacking cut short (kill -9) is done again at the next
// start rather than leaving a store that never starts.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/run-cli.ts';
import { scenario } from '../support/scenario.ts';
import { query, releaseStore } from '../support/stored-rows.ts';

const NOW = Date.UTC(2024, 5, 1, 0, 30);

async function migrationFiles(): Promise<string[]> {
  return (await readdir(new URL('../../sql/', import.meta.url)))
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .map((f) => f.replace(/\.sql$/, ''))
    .sort();
}

describe('the embedded store template', () => {
  const scene = scenario({ exchange: { now: NOW } });

  it('the first command on an empty data directory unpacks a store the build migrated: every migration, none run now', async () => {
    const t = await scene.makeTarget('embedded', {}, { store: 'empty' });
    const before = Date.now();
    const res = await runCli(t, ['status', '--json']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual((JSON.parse(res.stdout) as { series: unknown[] }).series, []);
    const applied = await query<{ name: string; at: string }>(t, `select name, (extract(epoch from "timestamp"::timestamptz) * 1000)::int8::text as at from cryptocollect_migration order by name`);
    assert.deepEqual(
      applied.map((m) => m.name),
      await migrationFiles(),
    );
    for (const m of applied) assert.ok(Number(m.at) < before, `${m.name} was applied at ${new Date(Number(m.at)).toISOString()}, by this command`);
  });

  it('the unpacked store holds the one database PGlite opens, without initdb\'s two templates, and a backfill and a VACUUM work on it', async () => {
    const t = await scene.makeTarget('embedded', {}, { store: 'empty' });
    const backfill = await runCli(t, ['backfill', '--since', '2024-05-31', '--symbols', 'BTCUSDT', '--interval', '1h', '--quiet']);
    assert.equal(backfill.code, 0, backfill.stderr);
    assert.deepEqual(await query<{ datname: string }>(t, `select datname from pg_database order by datname`), [{ datname: 'postgres' }]);
    await query(t, `vacuum`);
    assert.deepEqual(await query<{ n: number }>(t, `select count(*)::int as n from candles`), [{ n: 24 }]);
  });

  it('a store whose unpacking was cut short (no PG_VERSION yet, files missing) is unpacked again and works', async () => {
    const t = await scene.makeTarget('embedded', {}, { store: 'empty' });
    const first = await runCli(t, ['status', '--json']);
    assert.equal(first.code, 0, first.stderr);
    await releaseStore(t.dataDir);
    const store = path.join(t.dataDir, 'pgdata');
    // What kill -9 during the unpacking leaves: the mark goes in last, so without it files may be missing too.
    await rm(path.join(store, 'PG_VERSION'));
    await rm(path.join(store, 'global'), { recursive: true });
    // The mark as the template holds it, not renamed yet; and the folder an older version kept it in meanwhile.
    await writeFile(path.join(store, 'PG_VERSION.packed'), '17');
    await mkdir(path.join(store, 'PG_VERSION.unpacking'));
    const backfill = await runCli(t, ['backfill', '--since', '2024-05-31', '--symbols', 'BTCUSDT', '--interval', '1h']);
    assert.equal(backfill.code, 0, backfill.stderr);
    assert.ok(existsSync(path.join(store, 'PG_VERSION')));
    assert.deepEqual([existsSync(path.join(store, 'PG_VERSION.packed')), existsSync(path.join(store, 'PG_VERSION.unpacking'))], [false, false]);
    const stored = await query<{ n: number }>(t, `select count(*)::int as n from candles`);
    assert.deepEqual(stored, [{ n: 24 }]);
  });
});

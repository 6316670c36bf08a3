// A database a newer cryptocollect upgraded is refused — one line, exit code 4 — by every command, on both stores;
// and `cryptocollect migrate` upgrades explicitly, saying from which schema to which.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { createFakeExchange, type FakeExchange } from '../support/fake-exchange/index.ts';
import { jsonOf, runCli } from '../support/run-cli.ts';
import { query } from '../support/stored-rows.ts';
import { DB_KINDS, makeTarget } from '../support/targets.ts';

const NOW = Date.UTC(2024, 5, 1, 0, 30);

async function knownMigrations(): Promise<string[]> {
  return (await readdir(new URL('../../sql/', import.meta.url)))
    .filter((f) => f.endsWith('.sql'))
    .map((f) => f.replace(/\.sql$/, ''))
    .sort();
}

describe('the schema gate and cryptocollect migrate', () => {
  let fake: FakeExchange;
  before(async () => {
    fake = await createFakeExchange({ now: NOW });
  });
  after(() => fake.close());

  for (const kind of DB_KINDS) {
    it(`${kind}: migrate reports the schema before and after, and a second migrate applies nothing`, async () => {
      const t = await makeTarget(kind, fake.url, {}, { store: 'empty' });
      try {
        const known = await knownMigrations();
        const latest = Number(known.at(-1)?.slice(0, 6));
        const first = await runCli(t, ['migrate', '--json']);
        assert.equal(first.code, 0, first.stderr);
        assert.equal(first.stderr, '');
        const doc = jsonOf<{ database: string; schema_before: number; schema_after: number; applied: string[] }>(first);
        // A new embedded store is unpacked from the template the build migrated: it is born at the latest schema.
        const born = kind === 'embedded' ? { schema_before: latest, applied: [] } : { schema_before: 0, applied: known };
        assert.deepEqual({ ...doc, database: typeof doc.database }, { database: 'string', schema_after: latest, ...born });
        const again = await runCli(t, ['migrate']);
        assert.equal(again.code, 0, again.stderr);
        assert.match(again.stdout, new RegExp(`^The schema of .* is up to date \\(schema ${latest}\\)\\.\n$`));
        const names = await query<{ name: string }>(t, 'select name from cryptocollect_migration order by name');
        assert.deepEqual(names.map((n) => n.name), known);
      } finally {
        await t.cleanup();
      }
    });

    it(`${kind}: a schema newer than this binary is refused with exit code 4 by reading and writing commands`, async () => {
      const t = await makeTarget(kind, fake.url);
      try {
        const filled = await runCli(t, ['backfill', '--since', '2024-05-30', '--symbols', 'BTCUSDT']);
        assert.equal(filled.code, 0, filled.stderr);
        const latest = Number((await knownMigrations()).at(-1)?.slice(0, 6));
        await query(t, `insert into cryptocollect_migration (name, timestamp) values ('000042_from_a_newer_release', '2030-01-01T00:00:00.000Z')`);
        const line = `this database was upgraded by a newer cryptocollect (schema 42, this one knows ${latest})`;
        for (const args of [['status'], ['gaps'], ['forward'], ['migrate'], ['backfill', '--since', '2024-05-30', '--symbols', 'ETHUSDT']]) {
          const res = await runCli(t, args);
          assert.equal(res.stderr, `cryptocollect: ${line}\n`, args.join(' '));
          assert.equal(res.code, 4, args.join(' '));
          const json = await runCli(t, [...args, '--json']);
          assert.equal(json.code, 4);
          assert.deepEqual(jsonOf(json), { error: { code: 'database-schema-too-new', message: line, exit_code: 4, details: { schema: 42, known: latest } } });
        }
        // Nothing was written: no run was started by the refused commands.
        assert.deepEqual(await query(t, 'select count(*)::int as n from runs'), [{ n: 1 }]);
      } finally {
        await t.cleanup();
      }
    });
  }

  it('a migration name this binary does not know, even below its own numbers, is a newer schema', async () => {
    const t = await makeTarget('postgres', fake.url);
    try {
      assert.equal((await runCli(t, ['migrate'])).code, 0);
      const latest = Number((await knownMigrations()).at(-1)?.slice(0, 6));
      await query(t, `insert into cryptocollect_migration (name, timestamp) values ('000003_a_branch_we_never_shipped', '2030-01-01T00:00:00.000Z')`);
      const res = await runCli(t, ['status']);
      assert.equal(res.stderr, `cryptocollect: this database was upgraded by a newer cryptocollect (schema ${latest}, this one knows ${latest})\n`);
      assert.equal(res.code, 4);
    } finally {
      await t.cleanup();
    }
  });
});

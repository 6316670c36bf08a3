// status and gaps only look: on a current schema they neither migrate nor write, so they work for a role granted
// only SELECT and on a read-only database (a standby), and show an abandoned run as it will be recorded. The
// collecting commands still need to write, and say so when they may not.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { createFakeExchange, type FakeExchange } from '../support/fake-exchange/index.ts';
import { jsonOf, runCli, type CliTarget } from '../support/run-cli.ts';
import { query } from '../support/stored-rows.ts';
import { makeTarget, type Target } from '../support/targets.ts';
import { createRole, READ_ONLY_GRANTS } from './roles.ts';

const NOW = Date.UTC(2024, 5, 1, 0, 30);
const SINCE = Date.UTC(2024, 4, 1);
/** A pid no process has (above Linux's pid_max). */
const DEAD_PID = 2 ** 22 + 1;

interface StatusDoc {
  series: Array<{ symbol: string; candles: number; candles_expected: number; gaps: number; gap_candles: number; completeness: number }>;
  runs: Array<{ id: number; status: string; error: string | null }>;
}
interface GapsDoc {
  forgotten: unknown;
  gaps: Array<{ symbol: string; interval: string; from: string; to: string; candles: number }>;
  fill: unknown;
}

describe('read-only status and gaps', () => {
  let fake: FakeExchange;
  before(async () => {
    fake = await createFakeExchange({ now: NOW });
  });
  after(() => fake.close());

  /** A backfilled series with five candles deleted (a gap) and a run left `running` by a dead process. */
  async function populated(): Promise<{ t: Target; expected: number; deadRun: number }> {
    const t = await makeTarget('postgres', fake.url);
    const res = await runCli(t, ['backfill', '--since', '2024-05-01', '--symbols', 'BTCUSDT', '--interval', '1h']);
    assert.equal(res.code, 0, res.stderr);
    await query(t, `delete from candle_data where open_time >= '2024-05-10T00:00Z' and open_time < '2024-05-10T05:00Z'`);
    const [run] = await query<{ id: number }>(
      t,
      `insert into runs (command, args, status, pid, host, series_results) values ('forward', '{}', 'running', $1, $2, '[]') returning id`,
      [DEAD_PID, hostname()],
    );
    return { t, expected: fake.expectedKlines('BTCUSDT', '1h', SINCE, NOW).length, deadRun: run?.id ?? 0 };
  }

  async function assertReads(target: CliTarget, owner: Target, expected: number, deadRun: number): Promise<void> {
    const status = await runCli(target, ['status', '--json']);
    assert.equal(status.code, 0, status.stderr);
    const doc = jsonOf<StatusDoc>(status);
    assert.deepEqual(
      doc.series.map((s) => ({ symbol: s.symbol, candles: s.candles, candles_expected: s.candles_expected, gaps: s.gaps, gap_candles: s.gap_candles })),
      [{ symbol: 'BTCUSDT', candles: expected - 5, candles_expected: expected, gaps: 1, gap_candles: 5 }],
    );
    // Shown as interrupted, as the next writing command will record it — but not written.
    assert.deepEqual(doc.runs.find((r) => r.id === deadRun), { ...doc.runs.find((r) => r.id === deadRun), status: 'interrupted' });
    assert.deepEqual(await query(owner, 'select status from runs where id = $1', [deadRun]), [{ status: 'running' }]);

    const gaps = await runCli(target, ['gaps', '--json']);
    assert.equal(gaps.code, 0, gaps.stderr);
    assert.deepEqual(jsonOf<GapsDoc>(gaps), {
      forgotten: null,
      gaps: [{ symbol: 'BTCUSDT', interval: '1h', from: '2024-05-10T00:00:00.000Z', to: '2024-05-10T04:00:00.000Z', candles: 5 }],
      exchange_empty: [],
      fill: null,
      plan: null,
    });
  }

  it('a role granted only USAGE and SELECT', async () => {
    const { t, expected, deadRun } = await populated();
    const reader = await createRole(t, 'cc_reader', READ_ONLY_GRANTS);
    try {
      await assertReads(reader.target, t, expected, deadRun);
      // A collecting command needs to write: said as such.
      const forward = await runCli(reader.target, ['forward', '--json']);
      assert.equal(forward.code, 1);
      assert.match(forward.stderr, new RegExp(`^cryptocollect: the database user "${reader.name}" lacks a permission it needs \\(permission denied for table [a-z_]+\\)\n$`));
      assert.equal(jsonOf<{ error: { code: string } }>(forward).error.code, 'database-permission-denied');
    } finally {
      await t.cleanup();
      await reader.drop();
    }
  });

  it('a database with default_transaction_read_only = on (a standby)', async () => {
    const { t, expected, deadRun } = await populated();
    try {
      const name = new URL(t.databaseUrl as string).pathname.slice(1);
      await query(t, `alter database "${name}" set default_transaction_read_only = on`);
      // The owner's own check below must be able to read it back: reads are fine on a read-only database.
      await assertReads(t, t, expected, deadRun);
      const forward = await runCli(t, ['forward', '--json']);
      assert.equal(forward.code, 1);
      assert.match(forward.stderr, /^cryptocollect: the database is read-only \(cannot execute (UPDATE|INSERT) in a read-only transaction\)\n$/);
      assert.equal(jsonOf<{ error: { code: string } }>(forward).error.code, 'database-read-only');
    } finally {
      await t.cleanup();
    }
  });

  it('an out-of-date schema: status upgrades it when it may, and says to run migrate when it may not', async () => {
    const files = (await readdir(new URL('../../sql/', import.meta.url))).filter((f) => f.endsWith('.sql'));
    const known = files.length;
    // The schema version is the highest number, not the count: numbers may be left free (reserved for a branch).
    const latest = Math.max(...files.map((f) => Number(f.slice(0, 6))));
    const fresh = await makeTarget('postgres', fake.url, {}, { store: 'empty' });
    const reader = await createRole(fresh, 'cc_reader', ['grant usage on schema public to %r']);
    try {
      const refused = await runCli(reader.target, ['status', '--json']);
      const line = `this database's schema is older than this cryptocollect's (schema 0, this one knows ${latest}) and this connection may not upgrade it (permission denied for schema public); run \`cryptocollect migrate\` as a user that may`;
      assert.equal(refused.stderr, `cryptocollect: ${line}\n`);
      assert.equal(refused.code, 1);
      assert.deepEqual(jsonOf(refused), { error: { code: 'database-permission-denied', message: line, exit_code: 1, details: { sqlstate: '42501', transient: false } } });

      const upgraded = await runCli(fresh, ['status', '--json']);
      assert.equal(upgraded.code, 0, upgraded.stderr);
      assert.deepEqual(jsonOf<StatusDoc>(upgraded).series, []);
      assert.deepEqual(await query(fresh, 'select count(*)::int as n from cryptocollect_migration'), [{ n: known }]);
    } finally {
      await fresh.cleanup();
      await reader.drop();
    }
  });
});

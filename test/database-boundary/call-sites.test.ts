// No database failure reaches a user as an "internal error": a failure injected where each command meets the
// database (ensureSeries, startRun, listSeries, loadCoverage, lockSeries) ends the real CLI with the documented
// line, exit code and --json error code — on PostgreSQL, and on the embedded store where it applies.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createFakeExchange, type FakeExchange } from '../support/fake-exchange/index.ts';
import { jsonOf, runCli, type CliResult } from '../support/run-cli.ts';
import { query } from '../support/stored-rows.ts';
import { makeTarget, type DbKind, type Target } from '../support/targets.ts';
import { createRole, WRITER_GRANTS } from './roles.ts';

const NOW = Date.UTC(2024, 5, 1, 0, 30);
const BACKFILL = ['backfill', '--since', '2024-05-01', '--symbols', 'BTCUSDT', '--interval', '1h'];

/** The SQLSTATE each injected failure raises, as the error document's details carry it. */
const SQLSTATE_OF: Record<string, string> = {
  'database-disk-full': '53100',
  'database-serialization': '40001',
  'database-permission-denied': '42501',
  'database-out-of-memory': '53200',
  'database-error': 'P0001',
};

/** Exactly one line on stderr, the exit code, and the JSON error document agreeing with both. */
function assertRefused(res: CliResult, line: string, code: string, exitCode = 1): void {
  assert.equal(res.stderr, `cryptocollect: ${line}\n`);
  assert.equal(res.code, exitCode);
  const details = { sqlstate: SQLSTATE_OF[code], transient: code === 'database-serialization' };
  assert.deepEqual(jsonOf(res), { error: { code, message: line, exit_code: exitCode, details } });
}

/** A plpgsql function that raises `sqlstate` with `message`. */
const raising = (sqlstate: string, message: string) =>
  `language plpgsql as $$ begin raise exception '${message}' using errcode = '${sqlstate}'; end $$`;

describe('a database failure at each call site is its documented line', () => {
  let fake: FakeExchange;
  before(async () => {
    fake = await createFakeExchange({ now: NOW });
  });
  after(() => fake.close());

  async function populated(kind: DbKind): Promise<Target> {
    const t = await makeTarget(kind, fake.url);
    const res = await runCli(t, BACKFILL);
    assert.equal(res.code, 0, res.stderr);
    return t;
  }

  it('ensureSeries (backfill of a new series): disk full', async () => {
    const t = await populated('postgres');
    try {
      await query(t, `create function cc_full() returns trigger ${raising('53100', 'injected: no space left')}`);
      await query(t, 'create trigger cc_full before insert on series for each row execute function cc_full()');
      const res = await runCli(t, ['backfill', '--since', '2024-05-01', '--symbols', 'ETHUSDT', '--json']);
      assertRefused(res, 'registering the series failed: the database server is out of disk space (injected: no space left)', 'database-disk-full');
      // The run was recorded, as failed with that line.
      const runs = await query<{ status: string; error: string }>(t, `select status, error from runs order by id desc limit 1`);
      assert.deepEqual(runs, [{ status: 'failed', error: 'registering the series failed: the database server is out of disk space (injected: no space left)' }]);
    } finally {
      await t.cleanup();
    }
  });

  it('startRun: a serialization failure is reported, and the INSERT is not retried', async () => {
    const t = await populated('postgres');
    try {
      // A sequence is not transactional: it counts the attempts the raised error rolls back.
      await query(t, 'create sequence cc_attempts');
      await query(t, `create function cc_conflict() returns trigger language plpgsql as $$
        begin perform nextval('cc_attempts'); raise exception 'injected: could not serialize' using errcode = '40001'; end $$`);
      await query(t, 'create trigger cc_conflict before insert on runs for each row execute function cc_conflict()');
      const res = await runCli(t, ['forward', '--json']);
      assertRefused(res, 'the database could not serialize concurrent transactions (injected: could not serialize)', 'database-serialization');
      assert.deepEqual(await query(t, 'select last_value::int as n from cc_attempts'), [{ n: 1 }]);
    } finally {
      await t.cleanup();
    }
  });

  it('listSeries (status): a role without SELECT on series', async () => {
    const t = await populated('postgres');
    const role = await createRole(t, 'cc_noseries', [...WRITER_GRANTS, 'revoke select on series from %r']);
    try {
      const res = await runCli(role.target, ['status', '--json']);
      assertRefused(res, `reading the status failed: the database user "${role.name}" lacks a permission it needs (permission denied for table series)`, 'database-permission-denied');
    } finally {
      await t.cleanup();
      await role.drop();
    }
  });

  for (const kind of ['postgres', 'embedded'] as const) {
    it(`loadCoverage (gaps, status) on ${kind}: out of memory in a function it calls`, async () => {
      const t = await populated(kind);
      try {
        await query(t, `create or replace function candle_nominal_close(open_time timestamptz, kline_interval text) returns timestamptz ${raising('53200', 'injected: out of memory')}`);
        const gaps = await runCli(t, ['gaps', '--json']);
        assertRefused(gaps, 'reading the series failed: the database server is out of memory (injected: out of memory)', 'database-out-of-memory');
        const status = await runCli(t, ['status', '--json']);
        assertRefused(status, 'reading the status failed: the database server is out of memory (injected: out of memory)', 'database-out-of-memory');
      } finally {
        await t.cleanup();
      }
    });
  }

  it('lockSeries (forward): the advisory-lock client meets a missing permission', async () => {
    const t = await populated('postgres');
    const role = await createRole(t, 'cc_nolock', WRITER_GRANTS);
    try {
      // Function privileges are the database's: the rest of the cluster keeps its advisory locks.
      await query(t, 'revoke execute on function pg_try_advisory_lock(int4, int4) from public');
      fake.advance(3 * 3_600_000);
      const res = await runCli(role.target, ['forward', '--json']);
      assertRefused(res, `the database user "${role.name}" lacks a permission it needs (permission denied for function pg_try_advisory_lock)`, 'database-permission-denied');
    } finally {
      fake.setNow(NOW);
      await t.cleanup();
      await role.drop();
    }
  });

  it('any other driver error is database-error with the driver’s message, never internal', async () => {
    const t = await populated('postgres');
    try {
      await query(t, `create function cc_odd() returns trigger ${raising('P0001', 'injected: something else')}`);
      await query(t, 'create trigger cc_odd before insert on runs for each row execute function cc_odd()');
      const res = await runCli(t, ['forward', '--json']);
      assertRefused(res, 'the database reported an error: injected: something else (SQLSTATE P0001)', 'database-error');
    } finally {
      await t.cleanup();
    }
  });
});

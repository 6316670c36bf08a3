// Flags read the same on every command: --quiet is global (before or after any command, migrate included),
// --intervals is --interval, and a missing required option says how to write the command.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runInProcess } from './run-in-process.ts';

const COMMANDS = ['backfill', 'forward', 'gaps', 'status', 'export', 'sql', 'migrate'];

describe('flags across commands', () => {
  let dataDir: string;
  // Nothing here reaches an exchange or a database: both point nowhere.
  let env: Record<string, string | undefined>;
  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'cc-flags-'));
    env = { HOME: dataDir, CRYPTOCOLLECT_DATA_DIR: dataDir, BINANCE_BASE_URL: 'http://127.0.0.1:1', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  for (const command of COMMANDS) {
    it(`${command}: --quiet is accepted after the command and before it, and its help has examples`, async () => {
      for (const args of [[command, '--quiet', '--help'], ['--quiet', command, '--help']]) {
        const res = await runInProcess(args, { env });
        assert.equal(res.code, 0, res.stderr);
        assert.match(res.stdout, /^ {2}--quiet\s/m);
        assert.match(res.stdout, /^Examples:\n( {2}cryptocollect \S.*\n)+/m);
      }
    });
  }

  for (const command of ['backfill', 'forward', 'gaps', 'status']) {
    it(`${command}: --intervals is --interval (its value checked the same way)`, async () => {
      const extra = command === 'backfill' ? ['--since', '2024-01-01', '--symbols', 'BTCUSDT'] : [];
      for (const flag of ['--interval', '--intervals']) {
        const res = await runInProcess([command, ...extra, flag, '1h,2x'], { env });
        assert.equal(res.code, 2, res.stderr);
        assert.equal(res.stderr, 'cryptocollect: --interval: "2x" is not a Binance interval; use one of 1s 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w 1M\n');
      }
      const help = await runInProcess([command, '--help'], { env });
      assert.match(help.stdout, /^ {2}--interval, --intervals <list>\s/m);
    });
  }

  it('backfill without --since: the error shows a command line that works', async () => {
    const res = await runInProcess(['backfill', '--symbols', 'BTCUSDT'], { env });
    assert.equal(res.code, 2);
    assert.equal(
      res.stderr,
      "cryptocollect: required option '--since <date>' not specified; for example: cryptocollect backfill --since 2024-01-01\n",
    );
  });

  it('--local-address not of this host: one line, the configuration error (exit 2, --json too), before anything is opened', async () => {
    const res = await runInProcess(['backfill', '--since', '2024-01-01', '--symbols', 'BTCUSDT', '--local-address', '203.0.113.254'], { env });
    assert.equal(res.code, 2);
    assert.equal(res.stderr, 'cryptocollect: invalid configuration: --local-address=203.0.113.254 is not an address of this host (none of its network interfaces has it)\n');
    const json = await runInProcess(['status', '--json'], { env: { ...env, CRYPTOCOLLECT_LOCAL_ADDRESS: '203.0.113.254' } });
    assert.equal(json.code, 2);
    assert.equal(JSON.parse(json.stdout).error.message, 'invalid configuration: CRYPTOCOLLECT_LOCAL_ADDRESS=203.0.113.254 is not an address of this host (none of its network interfaces has it)');
  });

  it('status --window: a duration', async () => {
    const res = await runInProcess(['status', '--window', '1x'], { env });
    assert.equal(res.code, 2);
    assert.equal(res.stderr, 'cryptocollect: --window "1x" is not a duration such as 24h, 90m, 7d or 1d12h (units s m h d w)\n');
  });
});

// --quiet: a command that succeeds prints nothing at all, so a cron job mails nothing; --json still prints its one
// document, and what did not succeed still says so.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createFakeExchange, usdtSymbol, type FakeExchange } from '../support/fake-exchange/index.ts';
import { makeTarget, type Target } from '../support/targets.ts';
import { documentOf, runTarget } from './run-in-process.ts';

const NOW = Date.UTC(2024, 5, 1, 0, 30, 30);

describe('--quiet', { concurrency: false }, () => {
  let fake: FakeExchange;
  let t: Target;
  before(async () => {
    fake = await createFakeExchange({ now: NOW, symbols: [usdtSymbol('BTCUSDT')] });
    t = await makeTarget('postgres', fake.url);
  });
  after(async () => {
    await t.cleanup();
    await fake.close();
  });

  it('backfill, forward, gaps, status and migrate that succeed print nothing on stdout or stderr', async () => {
    const commands = [['backfill', '--since', '2024-05-31', '--symbols', 'BTCUSDT'], ['forward'], ['gaps'], ['status'], ['migrate']];
    for (const args of commands) {
      const loud = await runTarget(t, args);
      assert.equal(loud.code, 0, loud.stderr);
      assert.notEqual(loud.stdout, '', `${args[0]} prints its result without --quiet`);
      const quiet = await runTarget(t, [...args, '--quiet']);
      assert.deepEqual([quiet.code, quiet.stdout, quiet.stderr], [0, '', ''], args[0]);
    }
  });

  it('with --json the document is printed all the same', async () => {
    const res = await runTarget(t, ['migrate', '--quiet', '--json']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(documentOf<{ applied: string[] }>(res).applied, []);
  });

  it('a run that does not succeed still prints its result', async () => {
    fake.injectFault({ path: '/api/v3/klines', kind: 'status500', times: 1000 });
    try {
      const res = await runTarget(t, ['backfill', '--since', '2024-05-31', '--symbols', 'BTCUSDT', '--interval', '1m', '--quiet']);
      assert.equal(res.code, 1, res.stderr);
      assert.match(res.stdout, /BTCUSDT\s.*1m\s.*failed/);
      assert.match(res.stdout, /^backfill failed: 0 candles written/m);
    } finally {
      fake.clearFaults();
    }
  });
});

// One clock for a run's record: its start and end both come from the database's clock, so a host whose own clock
// is hours off (here five hours slow, under libfaketime) still records a run that lasted a moment, not minus 5 hours.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { jsonOf } from '../support/run-cli.ts';
import { scenario } from '../support/scenario.ts';
import { query } from '../support/stored-rows.ts';

// .ci/run installs Debian's faketime; the library sits under the architecture's directory.
const LIBFAKETIME = readdirSync('/usr/lib')
  .map((d) => `/usr/lib/${d}/faketime/libfaketime.so.1`)
  .find((f) => existsSync(f));

describe('a host clock five hours slow', () => {
  before(() => assert.ok(LIBFAKETIME, 'libfaketime is not installed (apt-get install faketime)'));
  const scene = scenario({ db: 'postgres', exchange: { now: Date.UTC(2024, 5, 1, 0, 30) }, env: { LD_PRELOAD: LIBFAKETIME ?? '', FAKETIME: '-5h' } });

  it('records the run’s start, end and duration by the database’s clock', async () => {
    const res = await scene.run(['backfill', '--since', '2024-05-01', '--symbols', 'BTCUSDT', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const out = jsonOf<{ duration_seconds: number }>(res);
    assert.ok(out.duration_seconds >= 0, `duration ${out.duration_seconds}`);
    const [run] = await query<{ seconds: number; ends_now: boolean }>(
      scene.target,
      `select extract(epoch from finished_at - started_at)::float8 as seconds,
              finished_at between now() - interval '10 minutes' and now() as ends_now
         from runs`,
    );
    assert.equal(run?.ends_now, true, 'the end is by the database clock');
    assert.equal(run?.seconds, out.duration_seconds);
    const status = jsonOf<{ runs: Array<{ duration_seconds: number }> }>(await scene.run(['status', '--json']));
    assert.ok((status.runs[0]?.duration_seconds ?? -1) >= 0);
  });
});

// The file system of the embedded database filling up, on a private tmpfs: the run ends by itself with exit 1 and
// one "out of disk space" line naming the data directory (PGlite used to spin at 100 % CPU for ever, deaf to
// SIGTERM), a start on the still-full disk ends the same way (it used to print an error and never exit), SIGTERM is
// handled on a full disk, and once space is freed the next run resumes and the store ends exact. A first use that
// cannot unpack the store ends the same way and leaves nothing that would start half made.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { endsWithin } from '../support/ends-within.ts';
import { copyPgliteTemplate } from '../support/pglite-template.ts';
import { withPrivateTmpfs, type PrivateTmpfs } from '../support/private-tmpfs.ts';
import { jsonOf, startCli, type CliTarget } from '../support/run-cli.ts';
import { scenario } from '../support/scenario.ts';
import { releaseStore, storedKlines } from '../support/stored-rows.ts';
import { waitForKlineRequests } from '../support/wait-for-requests.ts';

const NOW = Date.UTC(2024, 5, 1, 0, 30);
const MB = 1 << 20;
/** Beside the store (about 40 MB, a 16 MB WAL segment included), 20 MB fill up a few weeks into a 1m backfill. */
const ROOM_FOR_A_FEW_WEEKS = 20 * MB;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const diskFull = (dataDir: string) =>
  `cryptocollect: the embedded database in ${escape(dataDir)} is out of disk space; free some space on its file system and run again \\(committed candles are kept\\)`;
/** All of stderr: the one line. */
const onlyDiskFull = (dataDir: string) => new RegExp(`^${diskFull(dataDir)}\n$`);

describe('the embedded database running out of disk space', () => {
  const scene = scenario({ exchange: { now: NOW } });

  /** A migrated store of its own (a copy of the run's template) on a 256 MB tmpfs of its own. */
  const onPrivateDisk = (fn: (disk: PrivateTmpfs, target: CliTarget) => Promise<void>) => () =>
    withPrivateTmpfs([{ at: '', sizeMb: 256 }], async (disk) => {
      const target = { baseUrl: scene.fake.url, dataDir: path.join(disk.dir, 'cc') };
      await mkdir(target.dataDir);
      await copyPgliteTemplate(target.dataDir);
      try {
        await fn(disk, target);
      } finally {
        await releaseStore(target.dataDir);
      }
    });
  const backfill = (since: string) => ['backfill', '--since', since, '--symbols', 'BTCUSDT', '--interval', '1m'];

  it(
    'a backfill that fills the disk ends with exit 1 and one line, so does the next start; after freeing space the next run ends exact',
    onPrivateDisk(async (disk, target) => {
      await disk.fill('filler', ROOM_FOR_A_FEW_WEEKS);
      const full = await endsWithin(startCli(target, backfill('2024-03-15')));
      assert.equal(full.code, 1, full.stderr);
      assert.match(full.stderr, onlyDiskFull(target.dataDir));

      await disk.fill('filler-2', 0);
      const stillFull = await endsWithin(startCli(target, ['status']));
      assert.equal(stillFull.code, 1, stillFull.stderr);
      assert.match(stillFull.stderr, onlyDiskFull(target.dataDir));

      await rm(path.join(disk.dir, 'filler'));
      await rm(path.join(disk.dir, 'filler-2'));
      const expected = scene.fake.expectedKlines('BTCUSDT', '1m', Date.UTC(2024, 2, 15), NOW);
      const kept = await storedKlines(target, 'BTCUSDT', '1m');
      assert.ok(kept.length > 1000, `only ${kept.length} candles were kept`);
      const byOpen = new Map(expected.map((k) => [k[0], k]));
      for (const k of kept) assert.deepEqual(k, byOpen.get(k[0]));

      await releaseStore(target.dataDir);
      const resumed = await endsWithin(startCli(target, backfill('2024-03-15')));
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.deepEqual(await storedKlines(target, 'BTCUSDT', '1m'), expected);
    }),
  );

  it(
    'a first use on a disk without room for the store: exit 1 and the one line, no store left to start; with room, the next command unpacks it whole',
    () =>
      withPrivateTmpfs([{ at: '', sizeMb: 256 }], async (disk) => {
        const target = { baseUrl: scene.fake.url, dataDir: path.join(disk.dir, 'cc') };
        await mkdir(target.dataDir);
        // The store unpacks to about 40 MB: 8 MB of room runs out among its files.
        await disk.fill('filler', 8 * MB);
        const full = await endsWithin(startCli(target, ['status']));
        assert.equal(full.code, 1, full.stderr);
        assert.match(full.stderr, onlyDiskFull(target.dataDir));
        assert.equal(existsSync(path.join(target.dataDir, 'pgdata', 'PG_VERSION')), false, 'the half-unpacked store is not marked complete');

        await rm(path.join(disk.dir, 'filler'));
        const fresh = await endsWithin(startCli(target, ['status', '--json']));
        assert.equal(fresh.code, 0, fresh.stderr);
        assert.deepEqual(jsonOf<{ series: unknown[] }>(fresh).series, []);
        const forward = await endsWithin(startCli(target, backfill('2024-05-31')));
        assert.equal(forward.code, 0, forward.stderr);
        assert.deepEqual(await storedKlines(target, 'BTCUSDT', '1m'), scene.fake.expectedKlines('BTCUSDT', '1m', Date.UTC(2024, 4, 31), NOW));
        await releaseStore(target.dataDir);
      }),
  );

  it(
    'SIGTERM on a full disk is handled: the pages in flight cannot commit, exit 1 with the disk-full line; nothing is lost',
    onPrivateDisk(async (disk, target) => {
      try {
        // Pages stay on the wire long enough for the disk to fill and the signal to arrive before they return.
        scene.fake.resetRequests();
        scene.fake.setLatency(3000);
        const run = startCli(target, backfill('2024-05-01'));
        await waitForKlineRequests(scene.fake, 1);
        await disk.fill('filler', 0);
        run.child.kill('SIGTERM');
        const res = await endsWithin(run);
        assert.equal(res.code, 1, res.stderr);
        assert.match(res.stderr, new RegExp(`^cryptocollect: SIGTERM received, finishing the pages in flight[^\n]*\n${diskFull(target.dataDir)}\n$`));
      } finally {
        scene.fake.setLatency(0);
      }
      await rm(path.join(disk.dir, 'filler'));
      const resumed = await endsWithin(startCli(target, backfill('2024-05-01')));
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.deepEqual(await storedKlines(target, 'BTCUSDT', '1m'), scene.fake.expectedKlines('BTCUSDT', '1m', Date.UTC(2024, 4, 1), NOW));
    }),
  );
});

// The embedded database's folder refused by its file system — a file where the folder should be, a read-only file
// system, a folder this user may not write, no space at the first start — is reported as what it is: exit 1, one
// line naming the problem and the path (never "internal error", never a stack trace), and with --json one error
// document. Met by the lock file or by PGlite, the words come from one table.
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { endsWithin } from '../support/ends-within.ts';
import { withPrivateTmpfs, type TmpfsMount } from '../support/private-tmpfs.ts';
import { jsonOf, startCli, type CliResult } from '../support/run-cli.ts';
import { RUNS_AS_ROOT, runCliUnprivileged } from '../support/run-cli-unprivileged.ts';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** status never calls the exchange: nothing listens here. */
const NO_EXCHANGE = 'http://127.0.0.1:9';

type Run = (args: string[]) => Promise<CliResult>;
const cli =
  (dataDir: string, cwd: string): Run =>
  (args) =>
    endsWithin(startCli({ baseUrl: NO_EXCHANGE, dataDir, cwd }, args));

/** Plain and with --json: exit 1, the one line on stderr, and the same message as the JSON error document. */
async function assertRefused(run: Run, code: string, message: RegExp): Promise<void> {
  const plain = await run(['status']);
  assert.equal(plain.code, 1, plain.stderr);
  assert.equal(plain.stdout, '');
  const line = /^cryptocollect: (.*)\n$/.exec(plain.stderr);
  assert.ok(line, `not one line: ${JSON.stringify(plain.stderr)}`);
  assert.match(line[1] ?? '', message);

  const json = await run(['status', '--json']);
  assert.equal(json.code, 1, json.stderr);
  assert.equal(json.stderr, plain.stderr);
  const doc = jsonOf<{ error: { details: object } }>(json);
  assert.deepEqual(doc, { error: { code, message: line[1], exit_code: 1, details: doc.error.details } });
}

async function withTempDir(fn: (base: string) => Promise<void>): Promise<void> {
  const base = await mkdtemp(path.join(tmpdir(), 'cc-datadir-'));
  try {
    await fn(base);
  } finally {
    await chmod(path.join(base, 'data'), 0o755).catch(() => undefined);
    await rm(base, { recursive: true, force: true });
  }
}

describe('file-system problems of the data directory', () => {
  it('--data-dir naming a file (EEXIST)', () =>
    withTempDir(async (base) => {
      const file = path.join(base, 'store');
      await writeFile(file, 'not a folder');
      await assertRefused(cli(file, base), 'data-dir-not-a-directory', new RegExp(`^the embedded database cannot use ${escape(file)}: it is a file, not a directory; choose another --data-dir$`));
    }));

  it('--data-dir below a file (ENOTDIR)', () =>
    withTempDir(async (base) => {
      const file = path.join(base, 'store');
      await writeFile(file, 'not a folder');
      const dataDir = path.join(file, 'cc');
      await assertRefused(
        cli(dataDir, base),
        'data-dir-not-a-directory',
        new RegExp(`^the embedded database cannot use ${escape(dataDir)}: ${escape(file)} is a file, not a directory; choose another --data-dir$`),
      );
    }));

  it('a folder this user may not write (EACCES)', () =>
    withTempDir(async (base) => {
      const dataDir = path.join(base, 'data');
      await chmod(base, 0o755);
      await mkdir(dataDir, { mode: 0o755 });
      // Root ignores permission bits, so as root the CLI runs as nobody, for whom the root-owned folder is not writable.
      if (!RUNS_AS_ROOT) await chmod(dataDir, 0o555);
      const lock = path.join(dataDir, 'cryptocollect.lock');
      await assertRefused(
        (args) => runCliUnprivileged(dataDir, args),
        'data-dir-permission-denied',
        new RegExp(`^the embedded database in ${escape(dataDir)} cannot be written: permission denied on ${escape(lock)}; fix that or choose another --data-dir$`),
      );
    }));

  const readOnly: Array<[string, TmpfsMount[], string]> = [
    ['a read-only file system (EROFS), met by the lock file', [{ at: '', sizeMb: 1, readOnly: true }], 'cryptocollect.lock'],
    ['a read-only file system under the store (EROFS), met by PGlite', [{ at: '', sizeMb: 8 }, { at: 'pgdata', sizeMb: 1, readOnly: true }], 'pgdata'],
  ];
  for (const [name, mounts, refused] of readOnly) {
    it(name, () =>
      withPrivateTmpfs(mounts, async (disk) => {
        const where = path.join(disk.dir, refused);
        await assertRefused(
          cli(disk.dir, disk.dir),
          'data-dir-read-only',
          new RegExp(`^the embedded database in ${escape(disk.dir)} cannot be written: ${escape(where)} is on a read-only file system; fix that or choose another --data-dir$`),
        );
      }));
  }

  it('no space at the first start (ENOSPC), met by the lock file and by PGlite; once there is, the next start works', () =>
    withPrivateTmpfs([{ at: '', sizeMb: 64 }], async (disk) => {
      const dataDir = path.join(disk.dir, 'cc');
      await mkdir(dataDir);
      const diskFull = new RegExp(
        `^the embedded database in ${escape(dataDir)} is out of disk space; free some space on its file system and run again \\(committed candles are kept\\)$`,
      );
      // Not a byte: the lock file cannot be written (and is not left behind empty).
      await disk.fill('filler-lock', 0);
      await assertRefused(cli(dataDir, disk.dir), 'database-disk-full', diskFull);
      assert.deepEqual(await readdir(dataDir), []);
      // 8 MB: enough for the lock file, not for a fresh store (about 40 MB).
      await rm(path.join(disk.dir, 'filler-lock'));
      await disk.fill('filler-store', 8 << 20);
      await assertRefused(cli(dataDir, disk.dir), 'database-disk-full', diskFull);
      await rm(path.join(disk.dir, 'filler-store'));
      const next = await cli(dataDir, disk.dir)(['status', '--json']);
      assert.equal(next.code, 0, next.stderr);
      assert.deepEqual(jsonOf<{ series: unknown[] }>(next).series, []);
    }));
});

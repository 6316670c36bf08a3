// A command on PostgreSQL must not load Node's built-in fetch implementation (undici): pg reads the global `navigator`
// as it loads, to tell a Cloudflare Worker from Node.js, and on Node 20 the first read of that global loads undici —
// about 30 ms and 4 MB of every command, cron's `forward` included. The bundle puts its own `navigator` in place
// (src/bundle/node-navigator.ts); this runs the real CLI and reads Node's own list of the built-ins it loaded.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BIN } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const RECORD = `
const { writeFileSync } = require('node:fs');
process.on('exit', () => writeFileSync(process.env.CC_BUILTINS_LOG, process.moduleLoadList.join('\\n')));
`;

describe('a command on PostgreSQL', () => {
  let dir: string;
  let db: TestDatabase;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cc-builtins-'));
    await writeFile(path.join(dir, 'record.cjs'), RECORD);
    db = await createTestDatabase('cc_no_fetch');
  });
  after(async () => {
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('opens the database without loading the built-in fetch', async () => {
    const log = path.join(dir, 'builtins.log');
    const res = spawnSync(process.execPath, ['--require', path.join(dir, 'record.cjs'), BIN, 'status', '--json'], {
      env: { PATH: process.env.PATH, HOME: dir, CRYPTOCOLLECT_DATA_DIR: dir, DATABASE_URL: db.url, CC_BUILTINS_LOG: log },
      cwd: dir,
      encoding: 'utf8',
    });
    assert.equal(res.status, 0, res.stderr);
    assert.deepEqual((JSON.parse(res.stdout) as { series: unknown[] }).series, []);
    const builtins = (await readFile(log, 'utf8')).split('\n');
    assert.ok(builtins.includes('NativeModule net'), 'the list holds the socket module pg connected through');
    assert.deepEqual(builtins.filter((m) => m.includes('undici')), []);
  });
});

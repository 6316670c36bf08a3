// The embedded store's COPY device (db/pglite-copy-device.ts), in a real PGlite: PostgreSQL reads a COPY's data
// straight from its pieces — pieces of any size, empty ones, rows cut anywhere — and gets every byte in order, and a
// read at any position returns the data's bytes there.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PGlite } from '@electric-sql/pglite';
import { openPglite } from '../../src/db/open-pglite.ts';
import { PgliteCopyDevice } from '../../src/db/pglite-copy-device.ts';

/** A deterministic generator, so a failure repeats. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

/** `bytes` cut at random points into pieces, some of them empty. */
function cut(bytes: Buffer, next: () => number, most: number): Buffer[] {
  const pieces: Buffer[] = [];
  let at = 0;
  while (at < bytes.length) {
    const n = next() < 0.1 ? 0 : 1 + Math.floor(next() * most);
    pieces.push(bytes.subarray(at, Math.min(bytes.length, at + n)));
    at += n;
  }
  pieces.push(Buffer.alloc(0));
  return pieces;
}

describe('the embedded store’s COPY device', () => {
  let dir = '';
  let pg: PGlite | undefined;
  let device: PgliteCopyDevice | undefined;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cc-copy-device-'));
    pg = (await openPglite(dir, path.join(dir, 'pgdata'))).pg;
    device = PgliteCopyDevice.install(pg);
  });
  after(async () => {
    await pg?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is made in the PGlite this package installs', () => {
    assert.ok(device instanceof PgliteCopyDevice);
  });

  it('PostgreSQL reads 40,000 rows cut into pieces of any size, every value in order', async () => {
    const next = random(7);
    const lines: string[] = [];
    for (let i = 0; i < 40_000; i++) lines.push(`${i}\t${(next() * 1e6).toFixed(8)}\n`);
    const text = Buffer.from(lines.join(''), 'latin1');
    const pieces = cut(text, next, 300_000);
    await pg!.exec('create table copied (n int8, d numeric)');
    const result = await device!.serve(pieces, () => pg!.query(`copy copied from '${PgliteCopyDevice.PATH}'`));
    assert.equal(result.affectedRows, 40_000);
    const { rows } = await pg!.query<{ body: string }>(`select string_agg(n::text || E'\\t' || d::text || E'\\n', '' order by n) as body from copied`);
    assert.equal(rows[0]?.body, text.toString('latin1'));
  });

  it('a read at any position and of any length returns the data’s bytes there, and nothing past its end', async () => {
    const next = random(11);
    const data = Buffer.from(Array.from({ length: 5000 }, () => Math.floor(next() * 256)));
    const pieces = cut(data, next, 97);
    await device!.serve(pieces, () => {
      for (let k = 0; k < 2000; k++) {
        const position = Math.floor(next() * (data.length + 50));
        const length = Math.floor(next() * 400);
        const out = Buffer.alloc(length + 8, 0xee);
        const n = device!.read(out, 8, length, position);
        const expected = data.subarray(position, position + length);
        assert.equal(n, expected.length, `read of ${length} at ${position}`);
        assert.deepEqual(out.subarray(8, 8 + n), expected);
        // Nothing written outside the part asked for.
        assert.ok(out.subarray(0, 8).every((b) => b === 0xee) && out.subarray(8 + n).every((b) => b === 0xee));
      }
      return Promise.resolve();
    });
  });

  it('holds no data once its COPY is done: a COPY outside serve reads nothing', async () => {
    await pg!.exec('create table after_serve (n int8)');
    const result = await pg!.query(`copy after_serve from '${PgliteCopyDevice.PATH}'`);
    assert.equal(result.affectedRows, 0);
  });
});

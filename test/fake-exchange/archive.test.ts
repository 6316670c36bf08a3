import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { archiveLine } from '../support/fake-exchange/archive.ts';
import { createFakeExchange, loadRealKlines, realKlinesDir, type FakeExchange } from '../support/fake-exchange/index.ts';
import { readZip } from '../support/fake-exchange/zip.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 1, 10, 12);

async function fetchFile(ex: FakeExchange, p: string): Promise<{ status: number; body: Buffer }> {
  const res = await fetch(`${ex.url}${p}`);
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}

/** The file and its CHECKSUM: the zip's one CSV as lines, and whether the CHECKSUM names the zip's SHA-256. */
async function archived(ex: FakeExchange, p: string): Promise<{ status: number; lines: string[]; checksumOk: boolean; checksumName: string }> {
  const zip = await fetchFile(ex, p);
  const sum = await fetchFile(ex, `${p}.CHECKSUM`);
  if (zip.status !== 200) return { status: zip.status, lines: [], checksumOk: false, checksumName: '' };
  const [entry, ...more] = readZip(zip.body);
  assert.equal(more.length, 0, 'one CSV per zip');
  assert.equal(entry!.name, path.basename(p).replace('.zip', '.csv'));
  const [hash, name] = sum.body.toString('utf8').trim().split(/ {2}/);
  const text = entry!.data.toString('utf8');
  assert.ok(text.endsWith('\n'));
  return { status: 200, lines: text.trimEnd().split('\n'), checksumOk: hash === createHash('sha256').update(zip.body).digest('hex'), checksumName: name ?? '' };
}

describe('fake archive', () => {
  let ex: FakeExchange;
  before(async () => {
    ex = await createFakeExchange({ now: NOW });
  });
  after(() => ex.close());

  it('a daily file holds exactly what REST serves, in microseconds from 2025-01-01, ms before', async () => {
    for (const day of [Date.UTC(2024, 11, 31), Date.UTC(2025, 0, 1)]) {
      const date = new Date(day).toISOString().slice(0, 10);
      const f = await archived(ex, `/data/spot/daily/klines/BTCUSDT/1m/BTCUSDT-1m-${date}.zip`);
      assert.equal(f.status, 200);
      assert.ok(f.checksumOk);
      assert.equal(f.checksumName, `BTCUSDT-1m-${date}.zip`);
      const rest = ex.expectedKlines('BTCUSDT', '1m', day, day + DAY);
      assert.equal(rest.length, 1440);
      assert.deepEqual(f.lines, rest.map((k) => archiveLine(k, day >= Date.UTC(2025, 0, 1))));
      const first = f.lines[0]!.split(',');
      assert.equal(first[0], day >= Date.UTC(2025, 0, 1) ? `${day}000` : String(day));
      assert.equal(first[6], day >= Date.UTC(2025, 0, 1) ? `${day + 59_999}999` : String(day + 59_999));
    }
  });

  it('monthly files for every interval (1mo for 1M), daily ones not for 3d, 1w, 1mo; nothing before publication', async () => {
    const jan = await archived(ex, '/data/spot/monthly/klines/BTCUSDT/1mo/BTCUSDT-1mo-2025-01.zip');
    assert.deepEqual(jan.lines, ex.expectedKlines('BTCUSDT', '1M', Date.UTC(2025, 0, 1), Date.UTC(2025, 1, 1)).map((k) => archiveLine(k, true)));
    const week = await archived(ex, '/data/spot/monthly/klines/BTCUSDT/1w/BTCUSDT-1w-2025-01.zip');
    assert.equal(week.lines.length, 4, 'the weeks opening in January 2025 (6, 13, 20, 27)');
    assert.equal((await fetchFile(ex, '/data/spot/daily/klines/BTCUSDT/1w/BTCUSDT-1w-2025-01-06.zip')).status, 404);
    assert.equal((await fetchFile(ex, '/data/spot/monthly/klines/BTCUSDT/1M/BTCUSDT-1M-2025-01.zip')).status, 404);
    // February is not over; yesterday's file is 12 h old (published), today's day is not.
    assert.equal((await fetchFile(ex, '/data/spot/monthly/klines/BTCUSDT/1m/BTCUSDT-1m-2025-02.zip')).status, 404);
    assert.equal((await fetchFile(ex, '/data/spot/daily/klines/BTCUSDT/1m/BTCUSDT-1m-2025-02-09.zip')).status, 200);
    assert.equal((await fetchFile(ex, '/data/spot/daily/klines/BTCUSDT/1m/BTCUSDT-1m-2025-02-10.zip')).status, 404);
    ex.archive.setOptions({ dailyLagMs: 13 * 3_600_000 });
    assert.equal((await fetchFile(ex, '/data/spot/daily/klines/BTCUSDT/1m/BTCUSDT-1m-2025-02-09.zip')).status, 404, 'a stall');
    ex.archive.setOptions({ dailyLagMs: 9 * 3_600_000 });
    assert.equal(ex.archiveRequests().every((r) => r.weight === 0), true);
    assert.equal(ex.klineRequests().length, 0);
  });

  it('defects: missing, truncated (checksum still right), checksum mismatch, replaced', async () => {
    const p = (d: string): string => `/data/spot/daily/klines/ETHUSDT/1h/ETHUSDT-1h-${d}.zip`;
    ex.archive.inject({ kind: 'missing', file: 'ETHUSDT-1h-2025-01-02.zip' });
    ex.archive.inject({ kind: 'truncated', file: 'ETHUSDT-1h-2025-01-03.zip', keepRows: 7 });
    ex.archive.inject({ kind: 'checksum', file: 'ETHUSDT-1h-2025-01-04.zip' });
    ex.archive.inject({ kind: 'replaced', file: 'ETHUSDT-1h-2025-01-05.zip' });
    assert.equal((await archived(ex, p('2025-01-02'))).status, 404);
    assert.equal((await fetchFile(ex, `${p('2025-01-02')}.CHECKSUM`)).status, 404);
    const truncated = await archived(ex, p('2025-01-03'));
    assert.equal(truncated.lines.length, 7);
    assert.ok(truncated.checksumOk);
    assert.equal((await archived(ex, p('2025-01-04'))).checksumOk, false);
    const replaced = await archived(ex, p('2025-01-05'));
    assert.ok(replaced.checksumOk);
    const rest = ex.expectedKlines('ETHUSDT', '1h', Date.UTC(2025, 0, 5), Date.UTC(2025, 0, 6)).map((k) => archiveLine(k, true));
    assert.notEqual(replaced.lines[0], rest[0]);
    assert.deepEqual(replaced.lines.slice(1), rest.slice(1));
    ex.archive.clearDefects();
    assert.equal((await archived(ex, p('2025-01-02'))).lines.length, 24);
  });

  it('serves the real archive files byte for byte', async () => {
    ex.archive.serveRealFiles(['BTCUSDT-1m-2020-01-01.zip']);
    const served = await fetchFile(ex, '/data/spot/daily/klines/BTCUSDT/1m/BTCUSDT-1m-2020-01-01.zip');
    assert.deepEqual(served.body, readFileSync(path.join(realKlinesDir(), 'BTCUSDT-1m-2020-01-01.zip')));
    const f = await archived(ex, '/data/spot/daily/klines/BTCUSDT/1m/BTCUSDT-1m-2020-01-01.zip');
    assert.ok(f.checksumOk);
    assert.deepEqual(f.lines, loadRealKlines('BTCUSDT-1m-2020').slice(0, 1440).map((k) => archiveLine(k, false)));
  });
});

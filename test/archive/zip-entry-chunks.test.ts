// The archive path reads a file's rows as bytes in inflated chunks cut after their last newline
// (archive/zip-entry-lines.ts zipEntryChunks): every line whole in one chunk, in order, none lost or doubled, however
// the lines fall across the inflater's chunks — long files, lines across many chunk edges, CRLF, no final newline.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { zipEntryChunks, zipEntryLines } from '../../src/archive/zip-entry-lines.ts';
import { writeZip } from '../support/fake-exchange/zip-writer.ts';

async function chunkLines(zip: Buffer): Promise<string[]> {
  const out: string[] = [];
  for await (const chunk of zipEntryChunks(zip)) {
    const text = chunk.toString('latin1');
    // A chunk ends after a newline, but for the file's last one.
    out.push(...text.split('\n').filter((l) => l !== ''));
  }
  return out;
}

describe('zipEntryChunks', () => {
  it('yields every line of a large entry whole, in order, as zipEntryLines does', async () => {
    // About 3 MB: a dozen chunks of the inflater, lines of varied length so that edges fall anywhere in them.
    const lines = Array.from({ length: 40_000 }, (_, i) => `${1704067200000 + i * 60_000},${'9'.repeat(1 + (i % 97))},${i}`);
    const zip = writeZip('X-1m-2024-01.csv', Buffer.from(`${lines.join('\n')}\n`, 'latin1'));
    assert.deepEqual(await chunkLines(zip), lines);
    const general: string[] = [];
    for await (const batch of zipEntryLines(zip)) general.push(...batch);
    assert.deepEqual(general, lines);
  });

  it('keeps a last line without a newline, and CRLF lines end in their CR for the reader to drop', async () => {
    const zip = writeZip('X-1m-2024-01-01.csv', Buffer.from('a,1\r\nb,2\r\nc,3', 'latin1'));
    assert.deepEqual(await chunkLines(zip), ['a,1\r', 'b,2\r', 'c,3']);
  });

  it('chunks each end after a newline but the last', async () => {
    const lines = Array.from({ length: 30_000 }, (_, i) => `row ${i} ${'x'.repeat(i % 50)}`);
    const zip = writeZip('X-1m-2024-02.csv', Buffer.from(lines.join('\n'), 'latin1'));
    const chunks: Buffer[] = [];
    for await (const c of zipEntryChunks(zip)) chunks.push(c);
    assert.ok(chunks.length > 3, `${chunks.length} chunks`);
    for (const c of chunks.slice(0, -1)) assert.equal(c[c.length - 1], 10);
    assert.equal(Buffer.concat(chunks).toString('latin1'), lines.join('\n'));
  });
});

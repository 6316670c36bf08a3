import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';

/** The zip is not what the archive serves: one entry, stored or deflated. */
export class BadZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadZipError';
  }
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** Where the one entry's data lies in the zip, by its central directory (local headers may defer sizes). */
function locateEntry(zip: Buffer): { name: string; method: number; data: Buffer } {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new BadZipError('not a zip file (no end of central directory)');
  if (zip.readUInt16LE(eocd + 10) !== 1) throw new BadZipError(`${zip.readUInt16LE(eocd + 10)} entries, one expected`);
  const p = zip.readUInt32LE(eocd + 16);
  if (p + 46 > zip.length || zip.readUInt32LE(p) !== CENTRAL) throw new BadZipError('corrupt central directory');
  const method = zip.readUInt16LE(p + 10);
  const size = zip.readUInt32LE(p + 20);
  const nameLen = zip.readUInt16LE(p + 28);
  const local = zip.readUInt32LE(p + 42);
  const name = zip.toString('utf8', p + 46, p + 46 + nameLen);
  if (local + 30 > zip.length || zip.readUInt32LE(local) !== LOCAL) throw new BadZipError(`corrupt local header for ${name}`);
  const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
  if (method !== 0 && method !== 8) throw new BadZipError(`compression method ${method} of ${name} is not supported`);
  if (start + size > zip.length) throw new BadZipError(`${name} is cut short`);
  return { name, method, data: zip.subarray(start, start + size) };
}

/**
 * The lines of the zip's one entry, inflated as they are read, a chunk's worth at a time (one await per chunk, not
 * per line): a day of `1s` is 9 MB of text, never held whole. Empty lines are skipped.
 */
export async function* zipEntryLines(zip: Buffer): AsyncGenerator<string[]> {
  const entry = locateEntry(zip);
  const source = Readable.from([entry.data]);
  const stream = entry.method === 8 ? source.pipe(createInflateRaw({ chunkSize: 256 * 1024 })) : source;
  let carry = '';
  const clean = (line: string): string => (line.endsWith('\r') ? line.slice(0, -1) : line);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const lines = (carry + chunk.toString('latin1')).split('\n');
      carry = lines.pop() ?? '';
      const out: string[] = [];
      for (const line of lines) if (line.length > 1 || (line.length === 1 && line !== '\r')) out.push(clean(line));
      yield out;
    }
  } catch (err) {
    throw new BadZipError(`the zip does not inflate: ${(err as Error).message}`);
  }
  if (carry.trim() !== '') yield [clean(carry)];
}

/**
 * The zip's one entry inflated, a chunk at a time, each chunk cut after its last newline (the rest goes with the
 * next one): a reader scans whole lines of bytes without turning them into strings (sources/archive-candle-source.ts).
 * The last chunk may end without a newline.
 */
export async function* zipEntryChunks(zip: Buffer): AsyncGenerator<Buffer> {
  const entry = locateEntry(zip);
  const source = Readable.from([entry.data]);
  const stream = entry.method === 8 ? source.pipe(createInflateRaw({ chunkSize: 256 * 1024 })) : source;
  let carry: Buffer | null = null;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const nl = chunk.lastIndexOf(10);
      if (nl === -1) {
        carry = carry ? Buffer.concat([carry, chunk]) : chunk;
        continue;
      }
      let from = 0;
      if (carry) {
        // Only the line that spans the two chunks is copied, not the chunk.
        const first = chunk.indexOf(10);
        yield Buffer.concat([carry, chunk.subarray(0, first + 1)]);
        from = first + 1;
      }
      if (from <= nl) yield chunk.subarray(from, nl + 1);
      carry = nl + 1 < chunk.length ? chunk.subarray(nl + 1) : null;
    }
  } catch (err) {
    throw new BadZipError(`the zip does not inflate: ${(err as Error).message}`);
  }
  if (carry) yield carry;
}

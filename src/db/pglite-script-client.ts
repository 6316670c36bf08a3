import type { PGlite } from '@electric-sql/pglite';
import { copyData, type CopyPiece } from './copy-in.js';
import { abandonBackend } from './pglite-abort-guard.js';
import { PgliteCopyDevice } from './pglite-copy-device.js';
import type { WatchedNodeFS } from './watched-node-fs.js';

/**
 * The client Kysely's PGlite dialect drives.
 *
 * PGlite's query() uses the extended protocol, one statement at a time; migrations are multi-statement scripts.
 * Parameterless SQL therefore goes through exec() (simple protocol), everything else through query(). A
 * `COPY … FROM STDIN` carrying its data (db/copy-in.ts) becomes a COPY from a device of ours that reads the data's
 * pieces (db/pglite-copy-device.ts), or, where PGlite offers no device calls, from PGlite's `/dev/blob`.
 *
 * A statement the file system refused (disk full, read-only) fails with that refusal, whatever PostgreSQL made of
 * it; after a PANIC every statement fails with it at once, and closing leaves the aborted backend alone (its
 * shutdown would run it again). PostgreSQL's recovery at the next start brings the store back to its last commit.
 */
export function scriptCapable(pg: PGlite, fs: WatchedNodeFS): PGlite {
  const device = PgliteCopyDevice.install(pg);
  const client = {
    query: async (text: string, params: unknown[] = []) => {
      const refusals = fs.refusals;
      try {
        const data = copyData(text, params);
        if (data !== null && device !== null) {
          const pieces = data.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p));
          return await device.serve(pieces, () => pg.query(fromFile(text, PgliteCopyDevice.PATH)));
        }
        if (data !== null) return await pg.query(fromFile(text, '/dev/blob'), [], { blob: blobOf(data) });
        if (params.length > 0) return await pg.query(text, params);
        const results = await pg.exec(text);
        return results[results.length - 1] ?? { rows: [], fields: [], affectedRows: 0 };
      } catch (err) {
        throw fs.explain(err, refusals);
      }
    },
    close: async () => {
      if (fs.aborted) abandonBackend(pg);
      else await pg.close();
    },
  };
  return client as unknown as PGlite;
}

const fromFile = (copy: string, path: string): string => copy.replace(/(\sfrom\s+)stdin\b/i, `$1'${path}'`);

/**
 * The COPY's data as what PGlite reads `/dev/blob` from. PGlite asks its blob for nothing but `arrayBuffer()`, once
 * per statement, and reads the device from that buffer; a real Blob would copy every page's bytes twice more (into
 * the Blob, then out of it), each copy a native allocation of the page's size. So the pieces are copied once, into
 * one buffer of exactly their length, and that buffer is the answer.
 */
function blobOf(pieces: readonly CopyPiece[]): Blob {
  let length = 0;
  const bytes = pieces.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p));
  for (const b of bytes) length += b.byteLength;
  const buffer = new ArrayBuffer(length);
  const view = new Uint8Array(buffer);
  let at = 0;
  for (const b of bytes) {
    view.set(b, at);
    at += b.byteLength;
  }
  return { arrayBuffer: () => Promise.resolve(buffer) } as unknown as Blob;
}

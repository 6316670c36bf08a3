import type { PGlite } from '@electric-sql/pglite';
import { copyData } from './copy-in.js';
import { abandonBackend } from './pglite-abort-guard.js';
import { PgliteCopyDevice } from './pglite-copy-device.js';
import type { WatchedNodeFS } from './watched-node-fs.js';

/**
 * The client Kysely's PGlite dialect drives.
 *
 * PGlite's query() uses the extended protocol, one statement at a time; migrations are multi-statement scripts.
 * Parameterless SQL therefore goes through exec() (simple protocol), everything else through query(). A
 * `COPY … FROM STDIN` carrying its data (db/copy-in.ts) becomes a COPY from a device of ours that reads the data's
 * pieces (db/pglite-copy-device.ts).
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
        if (data !== null) {
          const pieces = data.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p));
          return await device.serve(pieces, () => pg.query(text.replace(/(\sfrom\s+)stdin\b/i, `$1'${PgliteCopyDevice.PATH}'`)));
        }
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

import type { PGlite } from '@electric-sql/pglite';

/**
 * PGlite's query() uses the extended protocol, one statement at a time; migrations are multi-statement scripts.
 * Parameterless SQL therefore goes through exec() (simple protocol), everything else through query().
 */
export function scriptCapable(pg: PGlite): PGlite {
  const client = {
    query: async (text: string, params: unknown[] = []) => {
      if (params.length > 0) return pg.query(text, params);
      const results = await pg.exec(text);
      return results[results.length - 1] ?? { rows: [], fields: [], affectedRows: 0 };
    },
    close: () => pg.close(),
  };
  return client as unknown as PGlite;
}

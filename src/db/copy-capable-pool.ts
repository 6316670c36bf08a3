import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import type { from as copyFrom } from 'pg-copy-streams';
import { copyData } from './copy-in.js';

type CopyFrom = typeof copyFrom;

/**
 * pg's pool as Kysely's PostgresDialect gets it, its clients able to run a `COPY … FROM STDIN` statement
 * (db/copy-in.ts): the statement's one parameter, its data, is streamed with pg-copy-streams, with backpressure, on
 * the same client — so inside the transaction Kysely holds on it. A failure of the COPY (the server's error, a lost
 * connection) rejects like any statement's, and the database boundary translates it. Every other call goes to pg's
 * client unchanged.
 */
export function copyCapablePool(pool: pg.Pool, from: CopyFrom): PostgresPool {
  // Kysely keys its connections by client: the same pg client always gets the same wrapper.
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    const run = (text: string, parameters: readonly unknown[]): Promise<unknown> => {
      const data = copyData(text, parameters);
      if (data === null) return client.query(text, [...parameters]);
      return pipeline(Readable.from(data), client.query(from(text))).then(() => ({ command: 'COPY', rows: [] }));
    };
    return {
      query: ((textOrCursor: unknown, parameters?: readonly unknown[]) =>
        typeof textOrCursor === 'string' ? run(textOrCursor, parameters ?? []) : client.query(textOrCursor as pg.Submittable)) as PostgresPoolClient['query'],
      release: () => client.release(),
    };
  };
  return {
    connect: async () => {
      const client = await pool.connect();
      let w = wrapped.get(client);
      if (!w) wrapped.set(client, (w = wrap(client)));
      return w;
    },
    end: () => pool.end(),
  };
}

import { sql, type Kysely } from 'kysely';
import { copyIn } from '../db/copy-in.js';
import type { Database } from '../db/schema.js';
import { COPY_COLUMNS, type CopyPieces } from './candle-copy-rows.js';

/**
 * Where a bulk page's staged rows (writer/candle-copy-rows.ts: those not seen to fit the compact row, nearly never)
 * wait between their COPY and the statement that stores them: a temporary table, the session's own (nothing another
 * process or connection sees, nothing for Citus to distribute), emptied at each commit, made by the first such page
 * of a session. Typed, so COPY parses each decimal exactly once and a bad field fails the copy. Its columns are the
 * archive's, in its order; `ig`, the archive's unused last field, is never read.
 */
const STAGING = sql`
  create temp table if not exists candle_staging (
    o int8 not null, op numeric not null, hi numeric not null, lo numeric not null, cl numeric not null,
    v numeric not null, c int8 not null, qv numeric not null, n int8 not null, tb numeric not null, tq numeric not null,
    ig text
  ) on commit delete rows`;

/** The staged rows as the page statement's row source (writer/write-page.ts). */
export const STAGED_ROWS = sql`pg_temp.candle_staging as t`;

/** Copies `rows` into the session's staging table, in the transaction `trx` that then stores them. */
export async function stageCopyRows(trx: Kysely<Database>, rows: CopyPieces): Promise<void> {
  await STAGING.execute(trx);
  await copyIn(trx, 'pg_temp.candle_staging', COPY_COLUMNS, rows.pieces, 'csv');
}

import { sql, type Kysely } from 'kysely';
import { copyIn, type CopyPiece } from '../db/copy-in.js';
import type { Database } from '../db/schema.js';
import { COPY_COLUMNS, DIRECT_COLUMNS, type CopyPieces } from './candle-copy-rows.js';

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

/**
 * Where a bulk page's direct rows wait when they cannot be copied straight into candle_data (writer/write-copy-rows.ts:
 * some may be stored already, or an irregular row lies among them): candle_data's own columns and types (no key, no
 * index), so that it cannot drift from the table.
 */
const DIRECT_STAGING = sql`create temp table if not exists candle_direct_staging (like candle_data) on commit delete rows`;

/** The direct rows as staged, named as candle_data's columns. */
export const DIRECT_STAGED_ROWS = sql`pg_temp.candle_direct_staging`;

/** Copies direct rows into the session's direct staging table, in `trx`. */
export async function stageDirectRows(trx: Kysely<Database>, pieces: readonly CopyPiece[]): Promise<void> {
  await DIRECT_STAGING.execute(trx);
  await copyIn(trx, 'pg_temp.candle_direct_staging', DIRECT_COLUMNS, pieces, 'commas');
}

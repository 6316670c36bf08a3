import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * How a `COPY … FROM STDIN` travels through Kysely: as an ordinary statement whose one parameter is its data (the
 * text-format rows, in pieces). Kysely, its transactions and the database boundary's translation
 * (db/translating-dialect.ts) see a statement like any other; the client under each dialect recognises it and
 * streams the pieces — pg through pg-copy-streams (db/copy-capable-pool.ts), PGlite as `COPY … FROM '/dev/blob'`
 * (db/pglite-script-client.ts). So a COPY failure is the same documented line as any statement's, on either store.
 */
export const COPY_FROM_STDIN = /^\s*copy\s[^;]*\sfrom\s+stdin\b[^;]*$/i;

/** The data of a COPY statement, if `text` is one and `parameters` carry it. */
export function copyData(text: string, parameters: readonly unknown[]): readonly CopyPiece[] | null {
  if (!COPY_FROM_STDIN.test(text) || parameters.length !== 1) return null;
  const data = parameters[0];
  return Array.isArray(data) && data.every((p) => typeof p === 'string' || p instanceof Uint8Array) ? (data as CopyPiece[]) : null;
}

/** A piece of a COPY's data: text, or its bytes (Latin-1: the rows are ASCII). */
export type CopyPiece = string | Uint8Array;

const OPTIONS = {
  text: '',
  csv: ' with (format csv)',
  commas: " with (delimiter ',')",
} as const;

/**
 * Copies rows (one a line, in pieces of any size) into `table`'s `columns`, on `db` — a transaction, so that what
 * uses the rows sees them. `text`: fields tab-separated; `csv`: comma-separated, an empty field NULL; `commas`: the
 * text format with commas between fields, for fields that hold no comma, backslash or newline and are never NULL
 * (the server reads it faster than CSV, which looks for quotes). The names are the caller's constants, never input.
 */
export async function copyIn(db: Kysely<Database>, table: string, columns: readonly string[], pieces: readonly CopyPiece[], format: keyof typeof OPTIONS = 'text'): Promise<void> {
  await db.executeQuery(CompiledQuery.raw(`copy ${table} (${columns.join(', ')}) from stdin${OPTIONS[format]}`, [pieces]));
}

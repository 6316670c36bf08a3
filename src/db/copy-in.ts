import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * How a `COPY … FROM STDIN` travels through Kysely: as an ordinary statement whose one parameter is its data (the
 * text-format rows, in pieces). Kysely, its transactions and the database boundary's translation
 * (db/translating-dialect.ts) see a statement like any other; the client under each dialect recognises it and
 * streams the pieces — pg through pg-copy-streams (db/copy-capable-pool.ts), PGlite as a COPY from a device of ours
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

/**
 * The header of a `COPY … FROM STDIN WITH (FORMAT binary)`'s data: the signature, no flags, no extension
 * (PostgreSQL's "COPY" reference, "Binary Format"). The data may end without the trailer: the server takes the end of
 * the data as the end of the rows.
 */
const BINARY_COPY_HEADER = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]);

const OPTIONS = {
  text: '',
  csv: ' with (format csv)',
  binary: ' with (format binary)',
} as const;

/**
 * Copies rows (in pieces of any size) into `table`'s `columns`, on `db` — a transaction, so that what uses the rows
 * sees them. `text`: a line a row, fields tab-separated; `csv`: comma-separated, an empty field NULL; `binary`:
 * PostgreSQL's binary rows (writer/copy-bytes.ts), their header added here — the server parses no text for them,
 * the cheapest rows it takes. The names are the caller's constants, never input.
 */
export async function copyIn(db: Kysely<Database>, table: string, columns: readonly string[], pieces: readonly CopyPiece[], format: keyof typeof OPTIONS = 'text'): Promise<void> {
  const data = format === 'binary' ? [BINARY_COPY_HEADER, ...pieces] : pieces;
  await db.executeQuery(CompiledQuery.raw(`copy ${table} (${columns.join(', ')}) from stdin${OPTIONS[format]}`, [data]));
}

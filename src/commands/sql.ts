import type { DatabaseHandle } from '../db/open-database.js';
import { DatabaseFailure } from '../db/database-failure.js';
import { UsageError } from '../errors.js';
import { ReaderGone, streamSink } from '../export/byte-sink.js';
import { sqlResultWriter, type SqlFormat } from '../output/sql-result-writer.js';
import type { CommandContext } from './context.js';

export interface SqlInput {
  readonly query: string;
  readonly format: SqlFormat;
}

export interface SqlResult {
  readonly rows: number;
  /** The reader of stdout closed it before the end (`| head`). */
  readonly reader_closed: boolean;
}

/** SQLSTATE classes that mean the statement itself is wrong: syntax, unknown names, bad data, unsupported. */
const STATEMENT_FAULT = /^(42|22|0A|21)/;

/**
 * What the database said about the statement, as the user must read it: a write the read-only transaction refused
 * (25006) and a second statement the protocol refused are refused (exit 2); a statement that is wrong is bad input
 * (exit 2); anything else (the connection, a permission) stays the database failure it is.
 */
function statementError(err: unknown): unknown {
  if (!(err instanceof DatabaseFailure) || err.sqlstate === null) return err;
  if (err.sqlstate === '25006') {
    return new UsageError(`refused: sql runs one read-only statement, and this one would write (${err.reason}); nothing was changed`, { sqlstate: err.sqlstate });
  }
  if (err.sqlstate === '42601' && /multiple commands/i.test(err.reason)) {
    return new UsageError('refused: sql runs one statement at a time, and this is several; nothing was run', { sqlstate: err.sqlstate });
  }
  if (err.sqlstate !== '42501' && STATEMENT_FAULT.test(err.sqlstate)) {
    return new UsageError(`the statement failed: ${err.reason} (SQLSTATE ${err.sqlstate})`, { sqlstate: err.sqlstate });
  }
  return err;
}

/**
 * Runs one read-only statement on the configured store (db/user-query.ts) and streams its rows to stdout in
 * `format`. Nothing it runs is ever committed.
 */
export async function runSql(ctx: CommandContext, handle: DatabaseHandle, input: SqlInput): Promise<SqlResult> {
  const writer = sqlResultWriter(input.format, streamSink(ctx.stdout ?? process.stdout));
  try {
    await handle.userQuery(input.query, writer);
    await writer.end();
    return { rows: writer.rowsWritten, reader_closed: false };
  } catch (err) {
    if (err instanceof ReaderGone) return { rows: writer.rowsWritten, reader_closed: true };
    throw statementError(err);
  }
}

/**
 * One small error hierarchy. Every error a user can cause or meet carries its exit code; the single top-level
 * catch in cli.ts maps them. Nothing below the CLI calls process.exit.
 */
import { EXIT } from './exit-codes.js';

export type ErrorDetails = Record<string, string | number | boolean | null>;

/** Every error code the tool reports (the `code` of `--json`'s error document). */
export type UsageCode = 'usage';
export type ExchangeCode =
  | 'ip-banned'
  | 'retry-after-too-long'
  | 'rate-limited-too-long'
  | 'restricted-location'
  | 'exchange-unreachable'
  | 'exchange-unavailable'
  | 'exchange-rejected'
  | 'invalid-symbol';
export type DatabaseCode =
  | 'database-unreachable'
  | 'database-auth-failed'
  | 'database-missing'
  | 'database-unavailable'
  | 'database-error'
  | 'database-permission-denied'
  | 'database-read-only'
  | 'database-disk-full'
  | 'database-out-of-memory'
  | 'database-serialization'
  | 'database-schema-too-new'
  | 'migration-failed'
  | 'series-busy'
  | 'embedded-database-locked'
  | 'embedded-database-crashed'
  | 'embedded-open-failed'
  | 'data-dir-read-only'
  | 'data-dir-permission-denied'
  | 'data-dir-not-a-directory';
/** `export` could not write its output (a full disk, a value the format cannot hold exactly). */
export type ExportCode = 'export-failed';
export type ErrorCode = UsageCode | ExchangeCode | DatabaseCode | ExportCode | 'interrupted' | 'internal';

/** Exchange failures after which no other series can succeed either: a run stops at the first. */
export const RUN_ENDING_EXCHANGE_CODES: ReadonlySet<ExchangeCode> = new Set(['ip-banned', 'restricted-location', 'retry-after-too-long', 'rate-limited-too-long']);

export class CryptocollectError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, exitCode: number, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
    this.details = details;
  }
}

/** Bad flags, dates, symbols, configuration values: the user can fix the command line. */
export class UsageError extends CryptocollectError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('usage', message, EXIT.usage, details);
  }
}

/** The exchange refused or failed in a way retrying will not fix. */
export class ExchangeError extends CryptocollectError {
  declare readonly code: ExchangeCode;
  constructor(code: ExchangeCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(code, message, EXIT.failure, details, options);
  }
}

/** The database is unreachable, refuses us, or failed a statement. */
export class DatabaseError extends CryptocollectError {
  declare readonly code: DatabaseCode;
  constructor(code: DatabaseCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }, exitCode: number = EXIT.failure) {
    super(code, message, exitCode, details, options);
  }
}

/**
 * The file system refuses the embedded database's folder (full, read-only, not writable, not a directory): the user
 * fixes the machine, not the command. Built from one table (db/data-dir-errors.ts).
 */
export class DataDirError extends DatabaseError {}

/** An export that could not be completed: with --output, nothing was left under the file's name. */
export class ExportError extends CryptocollectError {
  declare readonly code: ExportCode;
  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super('export-failed', message, EXIT.failure, details, options);
  }
}

/** The run was stopped by a signal. */
export class InterruptedError extends CryptocollectError {
  constructor(message = 'interrupted') {
    super('interrupted', message, EXIT.interrupted);
  }
}

/** A bug: reported with its stack, because the user cannot fix it. */
export class InternalError extends CryptocollectError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('internal', message, EXIT.failure, {}, options);
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

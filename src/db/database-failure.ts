import { CryptocollectError, DatabaseError, errorMessage, type DatabaseCode } from '../errors.js';

/**
 * A failure the database driver (pg or PGlite) reported, translated into the words and code a user needs. Every
 * statement goes through the translation (db/translating-dialect.ts, db/series-locks.ts), so nothing the driver
 * throws reaches the CLI as an "internal error". `details` keeps the SQLSTATE and whether a retry may help.
 */
export class DatabaseFailure extends DatabaseError {
  readonly sqlstate: string | null;
  /** The server restarting, a dropped connection, a serialization failure: the same statement may succeed later. */
  readonly transient: boolean;
  /** The driver's own message, secrets removed. */
  readonly reason: string;

  constructor(code: DatabaseCode, message: string, facts: { sqlstate: string | null; transient: boolean; reason: string }, cause: unknown) {
    super(code, message, { sqlstate: facts.sqlstate, transient: facts.transient }, { cause });
    this.sqlstate = facts.sqlstate;
    this.transient = facts.transient;
    this.reason = facts.reason;
  }
}

/** What the messages may name about the database: never the password. */
export interface DatabasePlace {
  /** Printable location (a redacted URL, or the embedded store's folder). */
  readonly location: string;
  /** The full URL, removed from any message that echoes it. */
  readonly url?: string | undefined;
  readonly host?: string | undefined;
  readonly user?: string | undefined;
  readonly database?: string | undefined;
}

const CONNECTION_LOST = /Connection terminated|connection timeout|terminating connection|not queryable|timeout exceeded when trying to connect|Client was closed/i;

interface Rule {
  readonly code: DatabaseCode;
  readonly transient: boolean;
  message(reason: string, place: DatabasePlace): string;
}

const lost: Rule = { code: 'database-unavailable', transient: true, message: (reason) => `lost the database connection (${reason})` };

/** By SQLSTATE, then by its class (the first two characters). */
const BY_SQLSTATE: Readonly<Record<string, Rule>> = {
  '57P01': lost, // admin_shutdown: the server is restarting
  '57P02': lost, // crash_shutdown
  '57P03': lost, // cannot_connect_now: starting up or in recovery
  '53300': lost, // too_many_connections
  '08': lost, // connection exceptions
  '40001': { code: 'database-serialization', transient: true, message: (reason) => `the database could not serialize concurrent transactions (${reason})` },
  '40P01': { code: 'database-serialization', transient: true, message: (reason) => `the database detected a deadlock (${reason})` },
  '53100': { code: 'database-disk-full', transient: false, message: (reason) => `the database server is out of disk space (${reason})` },
  '53200': { code: 'database-out-of-memory', transient: false, message: (reason) => `the database server is out of memory (${reason})` },
  '42501': {
    code: 'database-permission-denied',
    transient: false,
    message: (reason, p) => `the database user${p.user ? ` "${p.user}"` : ''} lacks a permission it needs (${reason})`,
  },
  '25006': { code: 'database-read-only', transient: false, message: (reason) => `the database is read-only (${reason})` },
  '28P01': {
    code: 'database-auth-failed',
    transient: false,
    message: (_r, p) => `PostgreSQL at ${p.host ?? p.location} refused the credentials for user "${p.user ?? ''}"`,
  },
  '3D000': {
    code: 'database-missing',
    transient: false,
    message: (_r, p) => `PostgreSQL at ${p.host ?? p.location} has no database "${p.database ?? ''}"; create it first (createdb ${p.database ?? ''})`,
  },
};
const AUTH = BY_SQLSTATE['28P01'] as Rule;

/** Node's socket errors, met while connecting or on a connection that went away. */
const BY_NODE_CODE: Readonly<Record<string, Rule>> = {
  ECONNREFUSED: { code: 'database-unreachable', transient: true, message: (_r, p) => `cannot reach PostgreSQL at ${p.host ?? p.location}: connection refused` },
  ENOTFOUND: { code: 'database-unreachable', transient: false, message: (_r, p) => `cannot reach PostgreSQL: host ${p.host ?? p.location} not found` },
  EAI_AGAIN: { code: 'database-unreachable', transient: true, message: (_r, p) => `cannot reach PostgreSQL: host ${p.host ?? p.location} not found` },
  ETIMEDOUT: { code: 'database-unreachable', transient: true, message: (_r, p) => `cannot reach PostgreSQL at ${p.host ?? p.location}: timed out` },
  EHOSTUNREACH: { code: 'database-unreachable', transient: true, message: (_r, p) => `cannot reach PostgreSQL at ${p.host ?? p.location}: host unreachable` },
  ENETUNREACH: { code: 'database-unreachable', transient: true, message: (_r, p) => `cannot reach PostgreSQL at ${p.host ?? p.location}: network unreachable` },
  ECONNRESET: lost,
  EPIPE: lost,
};

function ruleOf(code: string | null, reason: string): Rule | undefined {
  if (code !== null) {
    if (code === '28000') return AUTH;
    const rule = BY_SQLSTATE[code] ?? BY_NODE_CODE[code] ?? (/^[0-9A-Z]{5}$/.test(code) ? BY_SQLSTATE[code.slice(0, 2)] : undefined);
    if (rule) return rule;
    if (/^[0-9A-Z]{5}$/.test(code)) return undefined;
  }
  // node-postgres reports a server that went away (mid-query, or earlier on a pooled client) without a code.
  return CONNECTION_LOST.test(reason) ? lost : undefined;
}

/**
 * The one translation of driver failures. Errors of this tool (a data-directory refusal PGlite met, an interrupt)
 * pass unchanged, so do ones already translated.
 */
export function translateDbError(err: unknown, place: DatabasePlace = { location: 'the database' }): unknown {
  if (err instanceof CryptocollectError) return err;
  const e = err as { code?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : null;
  let reason = errorMessage(err).split('\n')[0] ?? '';
  if (place.url) reason = reason.split(place.url).join(place.location);
  const rule = ruleOf(code, reason);
  const sqlstate = code !== null && /^[0-9A-Z]{5}$/.test(code) ? code : null;
  if (!rule) {
    const message = `the database reported an error: ${reason}${sqlstate ? ` (SQLSTATE ${sqlstate})` : ''}`;
    return new DatabaseFailure('database-error', message, { sqlstate, transient: false, reason }, err);
  }
  return new DatabaseFailure(rule.code, rule.message(reason, place), { sqlstate, transient: rule.transient, reason }, err);
}

/**
 * Whether retrying the operation that failed with `err` may help: the server restarting or failing over, a dropped
 * connection, serialization failures and deadlocks. Not constraint violations, disk full, permissions, read-only.
 */
export function isTransientFailure(err: unknown): boolean {
  const translated = translateDbError(err);
  return translated instanceof DatabaseFailure && translated.transient;
}

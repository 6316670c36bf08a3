import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { isIP } from 'node:net';
import dotenv from 'dotenv';
import { UsageError } from './errors.js';
import { localAddresses, type IsLocalAddress } from './system/local-addresses.js';

/** Settings shared by every command, resolved once: flag > environment > `.env` > default; then frozen. */
export interface Config {
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly baseUrl: string;
  /** Where candles come from: `auto` (the archive for what it should hold, REST for the rest), `rest`, `archive`. */
  readonly source: CandleSourceChoice;
  /** The bulk archive's host (data.binance.vision). */
  readonly archiveUrl: string;
  readonly concurrency: number;
  readonly timeoutMs: number;
  /** The source address of exchange requests (one of this host's): each address has its own weight budget. */
  readonly localAddress: string | undefined;
  readonly retries: number;
  readonly retryBaseMs: number;
  /** The longest the exchange may keep a run waiting (a Retry-After, or 429 after 429) before the run ends. */
  readonly maxRetryAfterMs: number;
  /** Where to write the node_exporter textfile metrics at the end of each command (absolute); none: not written. */
  readonly metricsFile: string | undefined;
  /** `json`: one JSON object per run event on stderr (output/json-log.ts) instead of text. */
  readonly logFormat: LogFormat;
  /** The least level a JSON log line has to have to be written; undefined: not set (info, warn under --quiet). */
  readonly logLevel: LogLevel | undefined;
  /** A shell command run with the run's JSON document on stdin when a run ends failed, partial or interrupted. */
  readonly onFailure: string | undefined;
  /** How long that command may take before its process group is terminated. */
  readonly onFailureTimeoutMs: number;
}

export const SOURCES = ['auto', 'rest', 'archive'] as const;
export type CandleSourceChoice = (typeof SOURCES)[number];
export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ConfigFlags {
  readonly databaseUrl?: string | undefined;
  readonly dataDir?: string | undefined;
  readonly baseUrl?: string | undefined;
  readonly source?: string | undefined;
  readonly archiveUrl?: string | undefined;
  readonly concurrency?: string | undefined;
  readonly timeout?: string | undefined;
  readonly localAddress?: string | undefined;
  readonly metricsFile?: string | undefined;
  readonly logFormat?: string | undefined;
  readonly logLevel?: string | undefined;
  readonly onFailure?: string | undefined;
}

export const DEFAULT_BASE_URL = 'https://api.binance.com';
export const DEFAULT_ARCHIVE_URL = 'https://data.binance.vision';

interface Setting {
  readonly flag?: keyof ConfigFlags;
  readonly flagName?: string;
  readonly env: string;
}

const SETTINGS = {
  databaseUrl: { flag: 'databaseUrl', flagName: '--database-url', env: 'DATABASE_URL' },
  dataDir: { flag: 'dataDir', flagName: '--data-dir', env: 'CRYPTOCOLLECT_DATA_DIR' },
  baseUrl: { flag: 'baseUrl', flagName: '--base-url', env: 'BINANCE_BASE_URL' },
  source: { flag: 'source', flagName: '--source', env: 'CRYPTOCOLLECT_SOURCE' },
  archiveUrl: { flag: 'archiveUrl', flagName: '--archive-url', env: 'BINANCE_ARCHIVE_URL' },
  concurrency: { flag: 'concurrency', flagName: '--concurrency', env: 'CRYPTOCOLLECT_CONCURRENCY' },
  timeout: { flag: 'timeout', flagName: '--timeout', env: 'CRYPTOCOLLECT_TIMEOUT' },
  localAddress: { flag: 'localAddress', flagName: '--local-address', env: 'CRYPTOCOLLECT_LOCAL_ADDRESS' },
  retries: { env: 'CRYPTOCOLLECT_RETRIES' },
  retryBaseMs: { env: 'CRYPTOCOLLECT_RETRY_BASE_MS' },
  maxRetryAfter: { env: 'CRYPTOCOLLECT_MAX_RETRY_AFTER' },
  metricsFile: { flag: 'metricsFile', flagName: '--metrics-file', env: 'CRYPTOCOLLECT_METRICS_FILE' },
  logFormat: { flag: 'logFormat', flagName: '--log-format', env: 'CRYPTOCOLLECT_LOG_FORMAT' },
  logLevel: { flag: 'logLevel', flagName: '--log-level', env: 'CRYPTOCOLLECT_LOG_LEVEL' },
  onFailure: { flag: 'onFailure', flagName: '--on-failure', env: 'CRYPTOCOLLECT_ON_FAILURE' },
  onFailureTimeout: { env: 'CRYPTOCOLLECT_ON_FAILURE_TIMEOUT' },
} satisfies Record<string, Setting>;

/** A URL-like value fit to print: whatever stands before its last `@` (a user and a password) is masked. */
function withoutCredentials(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/i, '$1***@');
}

/** `.env` in the working directory, read without touching process.env (so it never overrides the environment). */
export function readDotenv(cwd: string): Record<string, string> {
  const file = path.join(cwd, '.env');
  if (!existsSync(file)) return {};
  try {
    return dotenv.parse(readFileSync(file));
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
}

export function defaultDataDir(env: Readonly<Record<string, string | undefined>>): string {
  const xdg = env.XDG_DATA_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(env.HOME || homedir(), '.local', 'share');
  return path.join(base, 'cryptocollect');
}

/**
 * Resolves and validates every setting, reporting all problems at once. `isLocal` says which addresses this host
 * may send from (default: its network interfaces', system/local-addresses.ts); asked only for --local-address.
 */
export function resolveConfig(
  flags: ConfigFlags,
  env: Readonly<Record<string, string | undefined>>,
  dotenvVars: Readonly<Record<string, string>>,
  isLocal: () => IsLocalAddress = localAddresses,
): Config {
  const problems: string[] = [];
  const pick = (s: Setting): { value: string | undefined; source: string } => {
    const fromFlag = s.flag ? flags[s.flag] : undefined;
    if (fromFlag !== undefined) return { value: fromFlag, source: s.flagName ?? s.env };
    if (env[s.env] !== undefined && env[s.env] !== '') return { value: env[s.env], source: s.env };
    if (dotenvVars[s.env] !== undefined && dotenvVars[s.env] !== '') return { value: dotenvVars[s.env], source: `${s.env} (.env)` };
    return { value: undefined, source: s.env };
  };
  const integer = (s: Setting, fallback: number, min: number, max: number, unit = ''): number => {
    const { value, source } = pick(s);
    if (value === undefined) return fallback;
    const n = Number(value.trim());
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
      problems.push(`${source}="${value}" is not a whole number from ${min} to ${max}${unit}`);
      return fallback;
    }
    return n;
  };

  const db = pick(SETTINGS.databaseUrl);
  if (db.value !== undefined && !/^postgres(ql)?:\/\/[^\s]+$/.test(db.value.trim())) {
    // Never echo the value: it may hold a password.
    problems.push(`${db.source} is not a postgres:// or postgresql:// URL`);
  } else if (db.value !== undefined) {
    try {
      new URL(db.value.trim());
    } catch {
      problems.push(`${db.source} is not a valid URL`);
    }
  }

  const httpUrl = (s: Setting, fallback: string): string => {
    const { value, source } = pick(s);
    if (value === undefined) return fallback;
    try {
      const u = new URL(value.trim());
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
      return u.origin + u.pathname.replace(/\/+$/, '');
    } catch {
      problems.push(`${source}="${withoutCredentials(value)}" is not an http(s) URL (e.g. ${fallback})`);
      return fallback;
    }
  };
  const baseUrl = httpUrl(SETTINGS.baseUrl, DEFAULT_BASE_URL);
  const archiveUrl = httpUrl(SETTINGS.archiveUrl, DEFAULT_ARCHIVE_URL);

  const dir = pick(SETTINGS.dataDir);
  const dataDir = dir.value !== undefined ? path.resolve(dir.value) : defaultDataDir(env);

  // Checked now, not at the first request: an address the host does not have would fail every request (EADDRNOTAVAIL)
  // after the database was opened and the run recorded, and a worker meant for its own budget must not start on another.
  const local = pick(SETTINGS.localAddress);
  const localAddress = local.value?.trim();
  if (local.value !== undefined && localAddress !== undefined) {
    if (isIP(localAddress.replace(/%.*$/, '')) === 0) problems.push(`${local.source}="${local.value}" is not an IP address (e.g. 192.0.2.10 or 2001:db8::10)`);
    else if (!isLocal()(localAddress)) problems.push(`${local.source}=${localAddress} is not an address of this host (none of its network interfaces has it)`);
  }

  const concurrency = integer(SETTINGS.concurrency, 8, 1, 64);
  const timeoutS = integer(SETTINGS.timeout, 30, 1, 600, ' seconds');
  const retries = integer(SETTINGS.retries, 3, 0, 20);
  const retryBaseMs = integer(SETTINGS.retryBaseMs, 2000, 0, 600_000, ' ms');
  // Five minutes: more than any weight window's Retry-After (one minute) and a 403's pause (three), less than
  // the shortest ban; waiting longer is for the next cron run.
  const maxRetryAfterS = integer(SETTINGS.maxRetryAfter, 300, 1, 86_400, ' seconds');

  const choice = <T extends string, F extends T | undefined>(s: Setting, choices: readonly T[], fallback: F): T | F => {
    const { value, source } = pick(s);
    if (value === undefined) return fallback;
    const v = value.trim() as T;
    if (choices.includes(v)) return v;
    problems.push(`${source}="${value}" is not one of ${choices.join(', ')}`);
    return fallback;
  };
  const logFormat = choice(SETTINGS.logFormat, LOG_FORMATS, 'text');
  // The archive for what it should hold: it writes in bulk, at no weight (README "The archive source").
  const source = choice(SETTINGS.source, SOURCES, 'auto');
  const logLevel = choice(SETTINGS.logLevel, LOG_LEVELS, undefined);
  const metrics = pick(SETTINGS.metricsFile).value?.trim();
  const onFailure = pick(SETTINGS.onFailure).value?.trim();
  const onFailureTimeoutS = integer(SETTINGS.onFailureTimeout, 30, 1, 3600, ' seconds');

  if (problems.length > 0) {
    throw new UsageError(problems.length === 1 ? `invalid configuration: ${problems[0]}` : `invalid configuration: ${problems.join('; ')}`);
  }
  return Object.freeze({
    databaseUrl: db.value?.trim(),
    dataDir,
    baseUrl,
    source,
    archiveUrl,
    concurrency,
    timeoutMs: timeoutS * 1000,
    localAddress: localAddress || undefined,
    retries,
    retryBaseMs,
    maxRetryAfterMs: maxRetryAfterS * 1000,
    metricsFile: metrics ? path.resolve(metrics) : undefined,
    logFormat,
    logLevel,
    onFailure: onFailure || undefined,
    onFailureTimeoutMs: onFailureTimeoutS * 1000,
  });
}

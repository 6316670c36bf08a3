import type { LogLevel } from '../config.js';
import type { RunCounters } from '../events/run-counters.js';
import type { RunEvent, RunListener } from '../events/run-events.js';

/**
 * `--log-format json`: one JSON object per line on stderr for each run event and for each line the CLI would
 * otherwise write there (notices, errors, a signal), so a log collector (journald, Loki, CloudWatch) parses every
 * line. Each carries `time` (ISO 8601 UTC), `level`, `event`, `run_id` (null until the run is recorded), `msg`,
 * and the event's own fields (series, counts, error). Written through pino to a synchronous destination, so every
 * line is whole before the process exits; pino is loaded only when JSON logs are asked for.
 */
export interface JsonLog {
  readonly listener: RunListener;
  /** A line of the CLI's own (what text mode writes as `cryptocollect: …`). */
  line(level: LogLevel, event: string, message: string, fields?: Readonly<Record<string, unknown>>): void;
}

export interface JsonLogOptions {
  readonly stream: NodeJS.WritableStream;
  readonly level: LogLevel;
  /** Strings never to write (the database password): replaced by `***` wherever they appear. */
  readonly secrets: readonly string[];
  /** The run's counters, for the figures of `run-finished`. */
  readonly counters?: Readonly<RunCounters>;
}

const iso = (t: number): string => new Date(t).toISOString();

interface Entry {
  readonly level: LogLevel;
  readonly msg: string;
  readonly fields: Record<string, unknown>;
}

/** What each event is worth in the log: its level, a short message, its fields (snake_case, times ISO 8601). */
function entryOf(e: RunEvent, counters: Readonly<RunCounters> | undefined): Entry {
  const series = (s: { symbol: string; interval: string }) => ({ symbol: s.symbol, interval: s.interval });
  switch (e.type) {
    case 'phase':
      return { level: 'debug', msg: e.phase, fields: { phase: e.phase } };
    case 'run-started':
      return { level: 'info', msg: `${e.command} run #${e.runId} started`, fields: { command: e.command } };
    case 'series-planned':
      return { level: 'info', msg: `${e.symbol} ${e.interval} planned`, fields: { ...series(e), pages: e.pages, candles: e.candles } };
    case 'request-answered':
      return {
        level: 'debug',
        msg: `${e.endpoint} ${e.status}`,
        fields: { source: e.source, endpoint: e.endpoint, status: e.status, weight: e.weight, latency_ms: Math.round(e.latencyMs), used_weight: e.usedWeight },
      };
    case 'weight-budget':
      return { level: 'debug', msg: `weight budget ${e.limit} per ${e.windowMs / 1000} s`, fields: { source: e.source, limit: e.limit, window_seconds: e.windowMs / 1000, used_weight: e.usedWeight } };
    case 'retry':
      return { level: 'warn', msg: `retrying ${e.endpoint}: ${e.reason}`, fields: { source: e.source, endpoint: e.endpoint, attempt: e.attempt, error: e.reason } };
    case 'budget-wait':
      return { level: 'info', msg: `waiting for the weight budget until ${iso(e.until)}`, fields: { source: e.source, until: iso(e.until) } };
    case 'rate-limited':
      return { level: 'warn', msg: `rate-limited by the exchange (${e.status}) until ${iso(e.until)}`, fields: { source: e.source, status: e.status, until: iso(e.until) } };
    case 'page-written':
      return { level: 'debug', msg: `${e.symbol} ${e.interval} page written`, fields: { ...series(e), from: iso(e.from), to: iso(e.to), candles: e.candles, ms: Math.round(e.ms) } };
    case 'database-retry':
      return { level: 'warn', msg: `${e.what}: retrying (${e.reason})`, fields: { what: e.what, attempt: e.attempt, error: e.reason } };
    case 'quality-finding':
      return { level: 'warn', msg: `${e.symbol} ${e.interval} ${iso(e.openTime)}: ${e.rule}`, fields: { ...series(e), open_time: iso(e.openTime), rule: e.rule, detail: e.detail } };
    case 'series-finished':
      return {
        level: e.status === 'failed' ? 'error' : e.status === 'skipped' ? 'warn' : 'info',
        msg: `${e.symbol} ${e.interval} ${e.status}${e.error === null ? '' : `: ${e.error}`}`,
        fields: { ...series(e), status: e.status, candles: e.candles, ms: Math.round(e.ms), error: e.error },
      };
    case 'archive-file':
      return {
        level: e.outcome === 'stored' || e.outcome === 'not-published' ? 'debug' : 'warn',
        msg: `${e.symbol} ${e.interval} ${e.file}: ${e.outcome}${e.reason === null ? '' : ` (${e.reason})`}`,
        fields: { ...series(e), file: e.file, outcome: e.outcome, rows: e.rows, candles: e.candles, expected: e.expected, reason: e.reason },
      };
    case 'claim-taken-over':
      return {
        level: 'info',
        msg: `${e.symbol} ${e.interval} ${iso(e.from)} to ${iso(e.to)}: taken over from run #${e.heldBy}`,
        fields: { ...series(e), from: iso(e.from), to: iso(e.to), held_by: e.heldBy },
      };
    case 'run-finished':
      return {
        level: e.status === 'success' ? 'info' : e.status === 'failed' ? 'error' : 'warn',
        msg: `run #${e.runId} ${e.status}`,
        fields: { status: e.status, ...(counters ? { ...counters } : {}) },
      };
  }
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Every occurrence of each secret (as given and URL-decoded) masked, in every string of `value`. */
function scrubber(secrets: readonly string[]): (value: unknown) => unknown {
  const masks = [...new Set(secrets.flatMap((s) => [s, safeDecode(s)]).filter((s) => s.length >= 3))];
  const scrub = (value: unknown): unknown => {
    if (typeof value === 'string') return masks.reduce((text, secret) => text.split(secret).join('***'), value);
    if (Array.isArray(value)) return value.map(scrub);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v)]));
    return value;
  };
  return scrub;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The password of a database URL, to mask; none when it has none. */
export function urlSecrets(url: string | undefined): string[] {
  if (url === undefined) return [];
  try {
    const password = new URL(url).password;
    return password === '' ? [] : [password];
  } catch {
    return [];
  }
}

export async function createJsonLog(options: JsonLogOptions): Promise<JsonLog> {
  // Bundled by esbuild, pino (CommonJS) has only its default export: the named one is undefined there.
  const loaded = await import('pino');
  const pino = loaded.pino ?? loaded.default;
  // A synchronous write to fd 2 for the process's own stderr (complete lines before process.exit); any other
  // stream (a test's) is written as it is.
  const destination = options.stream === process.stderr ? pino.destination({ dest: 2, sync: true }) : options.stream;
  const logger = pino(
    {
      level: options.level,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  const scrub = scrubber(options.secrets);
  let runId: number | null = null;
  const write = (level: LogLevel, event: string, msg: string, fields: Readonly<Record<string, unknown>>): void => {
    if (ORDER[level] < ORDER[options.level]) return;
    logger[level]({ event, run_id: runId, ...(scrub(fields) as Record<string, unknown>) }, scrub(msg) as string);
  };
  return {
    listener(e) {
      if (e.type === 'run-started') runId = e.runId;
      const entry = entryOf(e, options.counters);
      write(entry.level, e.type, entry.msg, entry.fields);
    },
    line: (level, event, message, fields = {}) => write(level, event, message, fields),
  };
}

import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/** What the runs of one command (or of all) came to over the window: the figures the seed admin API reported. */
export interface RunStats {
  /** Runs started in the window, whatever became of them. */
  readonly runs: number;
  readonly success: number;
  readonly partial: number;
  readonly failed: number;
  readonly interrupted: number;
  /** Still recorded as running (a run a killed process left is counted here until a collecting command reaps it). */
  readonly running: number;
  /** success / the runs that ended (all but `running`); null when none ended. */
  readonly success_rate: number | null;
  /** Over the runs that recorded their end time (a killed run has none); null when none did. */
  readonly avg_duration_seconds: number | null;
  readonly max_duration_seconds: number | null;
  readonly candles_written: number;
}

export interface CommandRunStats extends RunStats {
  readonly command: string;
}

export interface RunStatsReport {
  readonly window_seconds: number;
  /** The window's start, by the database's clock (every time of the run record is the database's). */
  readonly since: string;
  /** One entry per command that ran in the window, by name. */
  readonly commands: CommandRunStats[];
  /** All commands together. */
  readonly total: RunStats;
}

interface Row {
  command: string | null;
  runs: number;
  success: number;
  partial: number;
  failed: number;
  interrupted: number;
  running: number;
  avg_seconds: number | null;
  max_seconds: number | null;
  candles_written: string | number;
}

const ms = (seconds: number | null): number | null => (seconds === null ? null : Math.round(Number(seconds) * 1000) / 1000);

function statsOf(r: Row | undefined): RunStats {
  const runs = r?.runs ?? 0;
  const running = r?.running ?? 0;
  const success = r?.success ?? 0;
  const ended = runs - running;
  return {
    runs,
    success,
    partial: r?.partial ?? 0,
    failed: r?.failed ?? 0,
    interrupted: r?.interrupted ?? 0,
    running,
    success_rate: ended === 0 ? null : Math.floor((success / ended) * 1e6) / 1e6,
    avg_duration_seconds: ms(r?.avg_seconds ?? null),
    max_duration_seconds: ms(r?.max_seconds ?? null),
    candles_written: Number(r?.candles_written ?? 0),
  };
}

/**
 * The runs started in the last `windowSeconds` by the database's clock, per command and in all. Reads only (a
 * read-only session, a standby); the runs table holds a row per run, so a scan of the window is cheap.
 */
export async function runStats(db: Kysely<Database>, windowSeconds: number): Promise<RunStatsReport> {
  const { rows: window } = await sql<{ since: Date }>`select now() - ${windowSeconds}::float8 * interval '1 second' as since`.execute(db);
  const since = window[0]?.since ?? new Date(0);
  const seconds = sql`extract(epoch from finished_at - started_at)::float8`;
  const count = (status: string) => sql<number>`(count(*) filter (where status = ${status}))::int`;
  const { rows } = await sql<Row>`
    select command,
           count(*)::int as runs,
           ${count('success')} as success,
           ${count('partial')} as partial,
           ${count('failed')} as failed,
           ${count('interrupted')} as interrupted,
           ${count('running')} as running,
           avg(${seconds}) filter (where finished_at is not null) as avg_seconds,
           max(${seconds}) filter (where finished_at is not null) as max_seconds,
           coalesce(sum(candles_written), 0)::text as candles_written
      from runs
     where started_at >= ${since}
     group by grouping sets ((command), ())
     order by command nulls last`.execute(db);
  return {
    window_seconds: windowSeconds,
    since: since.toISOString(),
    commands: rows.filter((r): r is Row & { command: string } => r.command !== null).map((r) => ({ command: r.command, ...statsOf(r) })),
    total: statsOf(rows.find((r) => r.command === null)),
  };
}

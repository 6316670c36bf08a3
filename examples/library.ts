// Using cryptocollect as a library: the same functions the CLI runs.
// Run from a checkout: node --import tsx examples/library.ts (it imports the sources; a project imports the package).
import {
  commandEvents, createHttpGet, createProgress, readDotenv, resolveConfig, runBackfill, runStatus, systemClock, unrecordedRunsDir, withDatabase,
  type CommandContext,
} from '../src/index.js'; // in your project: from 'cryptocollect'

const startedAt = Date.now();
const config = resolveConfig({}, process.env, readDotenv(process.cwd()));
// The run's events: counters for the run record, and whatever else subscribes.
const { events, counters } = commandEvents();
// The CLI's progress display (on a terminal; `mode: 'lines'` for plain lines, nothing when stderr is not a TTY).
const progress = await createProgress({ quiet: false, startedAt });
events.on(progress.listener);
// Another subscriber: here, one line per finished series, above the display.
events.on((e) => {
  if (e.type === 'series-finished') progress.note(`${e.symbol} ${e.interval}: ${e.status}, ${e.candles} candles`);
});
const ctx: CommandContext = {
  config,
  clock: systemClock,
  http: createHttpGet(),
  progress,
  stop: new AbortController().signal,
  events,
  counters,
  startedAt,
};

const outcome = await withDatabase(ctx, async (handle) => {
  const run = await runBackfill(ctx, handle, { since: Date.UTC(2024, 0, 1), symbols: ['BTCUSDT'], intervals: ['1d'] });
  const status = await runStatus(handle.db, ctx.clock, { symbols: ['BTCUSDT'] }, 1, unrecordedRunsDir(config.dataDir));
  return { run, status };
});
progress.stop();
console.log(JSON.stringify(outcome.status.series, null, 2));

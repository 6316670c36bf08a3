// Using cryptocollect as a library: the same functions the CLI runs.
// Build first (npm run build), then: node --import tsx examples/library.ts
import {
  createHttpGet, createProgress, readDotenv, resolveConfig, runBackfill, runStatus, systemClock, unrecordedRunsDir, withDatabase,
  type CommandContext,
} from '../dist/index.js';

const config = resolveConfig({}, process.env, readDotenv(process.cwd()));
const ctx: CommandContext = {
  config,
  clock: systemClock,
  http: createHttpGet(),
  progress: await createProgress({ quiet: false }),
  stop: new AbortController().signal,
};

const outcome = await withDatabase(ctx, async (handle) => {
  const run = await runBackfill(ctx, handle, { since: Date.UTC(2024, 0, 1), symbols: ['BTCUSDT'], intervals: ['1d'] });
  const status = await runStatus(handle.db, ctx.clock, { symbols: ['BTCUSDT'] }, 1, unrecordedRunsDir(config.dataDir));
  return { run, status };
});
console.log(JSON.stringify(outcome.status.series, null, 2));

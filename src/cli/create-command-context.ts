import type { CommandContext } from '../commands/context.js';
import type { ConfigFlags } from '../config.js';
import type { Io } from './io.js';
import type { ProgressMode } from './shared-options.js';

/**
 * Resolves the configuration and wires the outside world for a command about to run. Everything here is imported
 * now, not at start-up: dotenv and got cost start-up time that help and usage errors should not pay, and the
 * progress display's drawing library loads only when a display is drawn.
 */
export async function createCommandContext(io: Io, flags: ConfigFlags, options: { quiet: boolean; progress?: ProgressMode }): Promise<CommandContext> {
  const [{ readDotenv, resolveConfig }, { systemClock }, { createHttpGet }, { createProgress }, { commandEvents }] = await Promise.all([
    import('../config.js'),
    import('../clock.js'),
    import('../exchange/http-get.js'),
    import('../output/progress.js'),
    import('../events/command-events.js'),
  ]);
  const config = resolveConfig(flags, io.env, readDotenv(io.cwd));
  const startedAt = io.startedAt ?? systemClock.now();
  // The display's clock is the exchange client's: the end of a wait for the weight budget is told on it.
  const progress = await createProgress({ quiet: options.quiet, mode: options.progress ?? 'auto', stream: io.stderr, env: io.env, now: () => systemClock.now(), startedAt });
  const { events, counters } = commandEvents();
  events.on(progress.listener);
  return { config, clock: systemClock, http: createHttpGet(), progress, stop: io.stop, cancel: io.cancel, events, counters, startedAt, stdout: io.stdout, cwd: io.cwd };
}

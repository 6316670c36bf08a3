import type { CommandContext } from '../commands/context.js';
import type { ConfigFlags } from '../config.js';
import type { Io } from './io.js';

/**
 * Resolves the configuration and wires the outside world for a command about to run. Everything here is imported
 * now, not at start-up: dotenv, got and ora cost start-up time that help and usage errors should not pay.
 */
export async function createCommandContext(io: Io, flags: ConfigFlags, options: { quiet: boolean }): Promise<CommandContext> {
  const [{ readDotenv, resolveConfig }, { systemClock }, { createHttpGet }, { createProgress }, { progressListener }, { commandEvents }] = await Promise.all([
    import('../config.js'),
    import('../clock.js'),
    import('../exchange/http-get.js'),
    import('../output/progress.js'),
    import('../output/progress-listener.js'),
    import('../events/command-events.js'),
  ]);
  const config = resolveConfig(flags, io.env, readDotenv(io.cwd));
  const progress = await createProgress({ quiet: options.quiet, stream: io.stderr });
  const { events, counters } = commandEvents();
  events.on(progressListener(progress));
  return { config, clock: systemClock, http: createHttpGet(), progress, stop: io.stop, cancel: io.cancel, events, counters, startedAt: io.startedAt ?? systemClock.now() };
}

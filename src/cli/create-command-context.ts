import type { CommandContext } from '../commands/context.js';
import type { ConfigFlags } from '../config.js';
import type { JsonLog } from '../output/json-log.js';
import type { Io } from './io.js';
import type { ProgressMode } from './shared-options.js';

export interface ContextOptions {
  readonly quiet: boolean;
  readonly progress?: ProgressMode;
  /** Whether --progress was given on the command line (not its default): JSON logs turn the display off otherwise. */
  readonly progressGiven?: boolean;
}

/**
 * Resolves the configuration and wires the outside world for a command about to run. Everything here is imported
 * now, not at start-up: dotenv and got cost start-up time that help and usage errors should not pay, and the
 * progress display's drawing library (or pino, for JSON logs) loads only when it is used.
 */
export async function createCommandContext(io: Io, flags: ConfigFlags, options: ContextOptions): Promise<CommandContext & { readonly log: JsonLog | null }> {
  const [{ readDotenv, resolveConfig }, { systemClock }, { createHttpGet }, { createProgress, silentProgress }, { commandEvents }] = await Promise.all([
    import('../config.js'),
    import('../clock.js'),
    import('../exchange/http-get.js'),
    import('../output/progress.js'),
    import('../events/command-events.js'),
  ]);
  const config = resolveConfig(flags, io.env, readDotenv(io.cwd));
  const startedAt = io.startedAt ?? systemClock.now();
  const { events, counters, outcomes } = commandEvents();
  let log: JsonLog | null = null;
  if (config.logFormat === 'json') {
    const { createJsonLog, urlSecrets } = await import('../output/json-log.js');
    log = await createJsonLog({ stream: io.stderr, level: config.logLevel ?? (options.quiet ? 'warn' : 'info'), secrets: urlSecrets(config.databaseUrl), counters });
  }
  // The display's clock is the exchange client's: the end of a wait for the weight budget is told on it. With JSON
  // logs, stderr is the log's: no display unless --progress asks for one, and notes become log lines.
  const jsonLog = log;
  const progress =
    jsonLog !== null && options.progressGiven !== true
      ? { ...silentProgress, note: (text: string) => jsonLog.line('info', 'note', text) }
      : await createProgress({ quiet: options.quiet, mode: options.progress ?? 'auto', stream: io.stderr, env: io.env, now: () => systemClock.now(), startedAt });
  events.on(progress.listener);
  if (log !== null) events.on(log.listener);
  const warn = (line: string): void => {
    if (jsonLog !== null) jsonLog.line('warn', 'warning', line);
    else io.stderr.write(`cryptocollect: warning: ${line}\n`);
  };
  return { config, clock: systemClock, http: createHttpGet({ localAddress: config.localAddress }), progress, stop: io.stop, cancel: io.cancel, events, counters, outcomes, warn, startedAt, log, stdout: io.stdout, cwd: io.cwd };
}

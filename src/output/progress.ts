import type { ProgressMode } from '../cli/shared-options.js';
import { UsageError } from '../errors.js';
import type { RunListener } from '../events/run-events.js';
import { ProgressFigures } from './progress-figures.js';
import type { ProgressDisplay } from './progress-display.js';
import { progressListener } from './progress-listener.js';
import { finalLine, NO_PAINT, plainLine, terminalLines, type Paint } from './progress-text.js';

export type { ProgressMode } from '../cli/shared-options.js';

/** Seconds between two `--progress lines` lines; env CRYPTOCOLLECT_PROGRESS_INTERVAL. */
export const DEFAULT_LINES_INTERVAL_S = 5;

/** Human progress on stderr, fed the command's run events; notes are single stderr lines. */
export interface Progress {
  /** Subscribe it to the command's events (createCommandContext does). */
  readonly listener: RunListener;
  /** A line for the person watching, above the live display if there is one; nothing under --quiet. */
  note(text: string): void;
  /** Ends the display: its last line says how the run ended and how long the whole invocation took. */
  stop(): void;
}

export interface ProgressOptions {
  readonly quiet: boolean;
  readonly mode?: ProgressMode;
  readonly stream?: NodeJS.WriteStream;
  /** For CI, NO_COLOR, TERM and CRYPTOCOLLECT_PROGRESS_INTERVAL; default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The clock the exchange client waits by (its budget waits' ends are on it), and the invocation's start on it. */
  readonly now?: () => number;
  readonly startedAt?: number;
}

/** What `auto` and `lines` come to on this stream: a terminal display only on a terminal, and not in CI. */
export function displayKind(options: Pick<ProgressOptions, 'quiet' | 'mode'>, stream: NodeJS.WriteStream, env: Readonly<Record<string, string | undefined>>): 'terminal' | 'lines' | null {
  if (options.quiet || options.mode === 'none') return null;
  if (options.mode === 'lines') return 'lines';
  return stream.isTTY === true && !env.CI ? 'terminal' : null;
}

/** https://no-color.org: any non-empty NO_COLOR; and never on a dumb terminal. */
export function colourWanted(env: Readonly<Record<string, string | undefined>>): boolean {
  return !env.NO_COLOR && env.TERM !== 'dumb';
}

export function linesIntervalMs(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env.CRYPTOCOLLECT_PROGRESS_INTERVAL;
  if (raw === undefined || raw.trim() === '') return DEFAULT_LINES_INTERVAL_S * 1000;
  const s = Number(raw.trim());
  if (!/^\d+(\.\d+)?$/.test(raw.trim()) || s < 0.1 || s > 3600) {
    throw new UsageError(`invalid configuration: CRYPTOCOLLECT_PROGRESS_INTERVAL="${raw}" is not a number of seconds from 0.1 to 3600`);
  }
  return Math.round(s * 1000);
}

export async function createProgress(options: ProgressOptions): Promise<Progress> {
  const stream = options.stream ?? process.stderr;
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now;
  const kind = displayKind(options, stream, env);
  if (kind === null) {
    if (options.quiet) return silentProgress;
    // No display, but a series that failed or was skipped is still said (the display's series lines say it there).
    const say = (text: string): void => void stream.write(`${text}\n`);
    return { listener: (e) => (e.type === 'series-finished' && e.status !== 'success' && e.error !== null ? say(`${e.symbol} ${e.interval}: ${e.error}`) : undefined), note: say, stop: () => undefined };
  }
  const figures = new ProgressFigures(now, options.startedAt ?? now());
  let display: ProgressDisplay;
  let paint: Paint = NO_PAINT;
  let columns = (): number => Number.POSITIVE_INFINITY;
  if (kind === 'lines') {
    const { linesDisplay } = await import('./lines-display.js');
    display = linesDisplay(stream, () => plainLine(figures.snapshot()), linesIntervalMs(env));
  } else {
    // The drawing library and the colours are loaded only when a display is drawn: cron and scripts never pay.
    // picocolors is CommonJS: its exports are the default export's, bundled or not.
    const [{ terminalDisplay, columnsOf }, { default: picocolors }] = await Promise.all([import('./terminal-display.js'), import('picocolors')]);
    const c = picocolors.createColors(colourWanted(env));
    paint = { bar: c.cyan, good: c.green, warn: c.yellow, bad: c.red };
    const colours = paint;
    display = terminalDisplay(stream, (width) => terminalLines(figures.snapshot(), width, colours));
    columns = () => columnsOf(stream);
  }
  return {
    listener: progressListener(figures, display, paint),
    note: (text) => display.log(text),
    stop() {
      display.stop(() => {
        const snap = figures.snapshot();
        // Only a recorded run has an end to tell; one that failed is told by the error line that follows.
        return snap.status === null ? undefined : finalLine(snap, columns(), paint);
      });
    },
  };
}

export const silentProgress: Progress = { listener: () => undefined, note: () => undefined, stop: () => undefined };

import cliProgress from 'cli-progress';
import type { ProgressDisplay } from './progress-display.js';

/** Redraws per second: the countdown and the elapsed time tick visibly, and the terminal is not flooded. */
const FPS = 8;

export const columnsOf = (stream: NodeJS.WriteStream): number => (stream.columns > 0 ? stream.columns : 80);

/**
 * The live display on a terminal: cli-progress's MultiBar keeps the lines in place (one line per "bar", each
 * formatted from `lines`, which is asked anew on every redraw so clocks tick even when no event comes), and prints
 * the logged lines above them. Line wrapping is off while it draws, so each logged line is cut to the width here
 * and padded to it: it must overwrite the live line it is written over.
 */
export function terminalDisplay(stream: NodeJS.WriteStream, lines: (columns: number) => string[]): ProgressDisplay {
  let multibar: cliProgress.MultiBar | undefined;
  let current: string[] = [];
  let bars = 0;
  let stopped = false;
  // A second signal exits at once (src/cli.ts): the cursor and line wrapping are given back even then.
  const onExit = (): void => multibar?.stop();

  const refresh = (): void => {
    if (!multibar) return;
    current = lines(columnsOf(stream));
    while (bars < current.length) {
      const i = bars++;
      multibar.create(0, 0, {}, { format: () => current[i] ?? '' });
    }
  };
  const start = (): cliProgress.MultiBar => {
    if (multibar) return multibar;
    multibar = new cliProgress.MultiBar({
      stream,
      fps: FPS,
      hideCursor: true,
      linewrap: false,
      clearOnComplete: true,
      // Redrawn every frame: a logged line or another writer may have overwritten the live lines.
      forceRedraw: true,
      gracefulExit: false,
    });
    multibar.on('update-pre', refresh);
    refresh();
    process.once('exit', onExit);
    return multibar;
  };

  return {
    moved() {
      if (stopped) return;
      start().update();
    },
    log(text) {
      if (stopped || !multibar) {
        stream.write(`${text}\n`);
        return;
      }
      const width = columnsOf(stream) - 1;
      for (const piece of cut(text, width)) multibar.log(`${piece}${' '.repeat(Math.max(0, width - visibleLength(piece)))}\n`);
    },
    stop(last) {
      if (stopped) return;
      stopped = true;
      if (multibar) {
        // The logged lines still waiting for a frame are printed first; then the live lines are cleared.
        multibar.update();
        multibar.stop();
        process.removeListener('exit', onExit);
      }
      const line = last?.();
      if (line !== undefined) stream.write(`${line}\n`);
    },
  };
}

// The SGR sequences picocolors writes: they take no column.
// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[[0-9;]*m/g;

function visibleLength(s: string): number {
  return s.replace(SGR, '').length;
}

/** `text` in pieces of at most `width` visible columns (a long error message is kept whole, over several lines). */
function cut(text: string, width: number): string[] {
  if (visibleLength(text) <= width) return [text];
  const plain = text.replace(SGR, '');
  const out: string[] = [];
  for (let i = 0; i < plain.length; i += width) out.push(plain.slice(i, i + width));
  return out;
}

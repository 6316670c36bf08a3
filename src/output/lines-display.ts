import type { ProgressDisplay } from './progress-display.js';

/**
 * `--progress lines`: for nohup, a log file or CI, where a redrawn line would be noise. One plain line with every
 * figure when the run moves on and then every `intervalMs`, the finished series and the notes as they come.
 */
export function linesDisplay(stream: NodeJS.WritableStream, line: () => string, intervalMs: number): ProgressDisplay {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  return {
    moved() {
      if (stopped) return;
      stream.write(`${line()}\n`);
      // The run's end does not wait for the next line: the timer never holds the process.
      timer ??= setInterval(() => stream.write(`${line()}\n`), intervalMs).unref();
    },
    log(text) {
      stream.write(`${text}\n`);
    },
    stop(last) {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      const line = last?.();
      if (line !== undefined) stream.write(`${line}\n`);
    },
  };
}

/**
 * Where the progress goes: a live display redrawn in place on a terminal (terminal-display.ts), or plain lines
 * appended to a log (lines-display.ts). The listener (progress-listener.ts) decides what to say and when.
 */
export interface ProgressDisplay {
  /** The run began or moved on (a start-up phase, collecting begun): the display starts, a line is written. */
  moved(): void;
  /** A line that stays: a finished series, a note. Above the live lines on a terminal. */
  log(line: string): void;
  /**
   * Ends the display (idempotent); the line `last` makes, if any, stays as its last line. It is made after the
   * display's final redraw, so that the time it tells is never less than a time already drawn.
   */
  stop(last?: () => string | undefined): void;
}

import type { RunListener } from '../events/run-events.js';
import type { Progress } from './progress.js';

/** The terminal's view of a run's events: pages and candles so far, and a line for each series that did not succeed. */
export function progressListener(progress: Progress): RunListener {
  let planned = 0;
  let done = 0;
  let written = 0;
  const report = (): void => progress.update(`${done}/${Math.max(planned, done)} pages · ${written.toLocaleString('en-US')} candles written`);
  return (event) => {
    switch (event.type) {
      case 'series-planned':
        planned += event.pages;
        report();
        break;
      case 'page-written':
        if (event.planned) done++;
        written += event.candles;
        report();
        break;
      case 'series-finished':
        if (event.status !== 'success' && event.error !== null) progress.note(`${event.symbol} ${event.interval}: ${event.error}`);
        break;
      case 'run-finished':
        progress.stop();
        break;
      default:
        break;
    }
  };
}

import type { RunListener } from '../events/run-events.js';
import type { ProgressDisplay } from './progress-display.js';
import type { ProgressFigures } from './progress-figures.js';
import { seriesLine, type Paint } from './progress-text.js';

/**
 * The display's view of a run's events: every event updates the figures; a start-up phase, and collecting once
 * every series is planned, move the display on; each series that had something to fetch, or did not succeed, gets
 * its line as it finishes (a forward over two hundred current series says nothing about each).
 */
export function progressListener(figures: ProgressFigures, display: ProgressDisplay, paint: Paint): RunListener {
  const fetching = new Set<string>();
  let collecting = false;
  return (event) => {
    figures.observe(event);
    switch (event.type) {
      case 'phase':
        display.moved();
        break;
      case 'series-planned':
        if (event.pages > 0) fetching.add(`${event.symbol} ${event.interval}`);
        if (!collecting) {
          collecting = true;
          // The series are planned in one go: the line that says so waits until all of them are counted.
          queueMicrotask(() => display.moved());
        }
        break;
      case 'series-finished':
        if (event.status !== 'success' || fetching.has(`${event.symbol} ${event.interval}`)) display.log(seriesLine(event, paint));
        break;
      default:
        break;
    }
  };
}

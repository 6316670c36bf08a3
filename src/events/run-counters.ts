import type { RunEvent } from './run-events.js';

/**
 * The counters a run reports and records, declared once: the run document's fields, the `runs` table's columns
 * and what `status` lists are these names. Each is derived from the run's events.
 */
export const RUN_COUNTERS = ['requests', 'weight', 'retries', 'rate_limited', 'candles_written'] as const;

export type RunCounterName = (typeof RUN_COUNTERS)[number];
export type RunCounters = Record<RunCounterName, number>;

export function zeroCounters(): RunCounters {
  return Object.fromEntries(RUN_COUNTERS.map((name) => [name, 0])) as RunCounters;
}

/** The counters found in a record of any shape (a row, a JSON file): missing ones are 0. */
export function pickCounters(from: Readonly<Record<string, unknown>> | undefined): RunCounters {
  return Object.fromEntries(RUN_COUNTERS.map((name) => [name, Number(from?.[name] ?? 0)])) as RunCounters;
}

/** Adds what one event contributes to the counters. */
export function countEvent(counters: RunCounters, event: RunEvent): void {
  switch (event.type) {
    case 'request-answered':
      counters.requests++;
      counters.weight += event.weight;
      break;
    case 'retry':
      counters.retries++;
      break;
    case 'rate-limited':
      counters.rate_limited++;
      break;
    case 'page-written':
      counters.candles_written += event.candles;
      break;
    default:
      break;
  }
}

/** Counters kept current from an event stream. */
export function countingListener(counters: RunCounters): (event: RunEvent) => void {
  return (event) => countEvent(counters, event);
}

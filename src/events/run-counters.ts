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

/**
 * A request's outcome, as the metrics file labels it: its HTTP status class, or `error` when it got no status (a
 * reset, a timeout). A 429 is a `4xx` here; `rate_limited` counts it apart.
 */
export const REQUEST_OUTCOMES = ['2xx', '3xx', '4xx', '5xx', 'error'] as const;
export type RequestOutcome = (typeof REQUEST_OUTCOMES)[number];
export type RequestOutcomes = Record<RequestOutcome, number>;

export function requestOutcome(status: number): RequestOutcome {
  if (status >= 200 && status < 300) return '2xx';
  if (status >= 300 && status < 400) return '3xx';
  if (status >= 400 && status < 500) return '4xx';
  if (status >= 500 && status < 600) return '5xx';
  return 'error';
}

export function zeroOutcomes(): RequestOutcomes {
  return Object.fromEntries(REQUEST_OUTCOMES.map((o) => [o, 0])) as RequestOutcomes;
}

/** The outcomes found in a record of any shape (the runs table's jsonb): missing ones are 0. */
export function pickOutcomes(from: unknown): RequestOutcomes {
  const record = typeof from === 'string' ? (JSON.parse(from) as unknown) : from;
  const r = (record !== null && typeof record === 'object' ? record : {}) as Record<string, unknown>;
  return Object.fromEntries(REQUEST_OUTCOMES.map((o) => [o, Number(r[o] ?? 0)])) as RequestOutcomes;
}

/** Requests by outcome kept current from an event stream: a subscriber beside the counters. */
export function outcomeListener(outcomes: RequestOutcomes): (event: RunEvent) => void {
  return (event) => {
    if (event.type === 'request-answered') outcomes[requestOutcome(event.status)]++;
  };
}

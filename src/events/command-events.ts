import { countingListener, outcomeListener, zeroCounters, zeroOutcomes, type RequestOutcomes, type RunCounters } from './run-counters.js';
import { RunEvents } from './run-events.js';

/**
 * A command's event stream, with its run counters and its requests by outcome kept from the first event on (the
 * exchangeInfo request too).
 */
export function commandEvents(): { events: RunEvents; counters: Readonly<RunCounters>; outcomes: Readonly<RequestOutcomes> } {
  const events = new RunEvents();
  const counters = zeroCounters();
  const outcomes = zeroOutcomes();
  events.on(countingListener(counters));
  events.on(outcomeListener(outcomes));
  return { events, counters, outcomes };
}

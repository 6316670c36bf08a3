import { countingListener, zeroCounters, type RunCounters } from './run-counters.js';
import { RunEvents } from './run-events.js';

/** A command's event stream, with its run counters kept from the first event on (the exchangeInfo request too). */
export function commandEvents(): { events: RunEvents; counters: Readonly<RunCounters> } {
  const events = new RunEvents();
  const counters = zeroCounters();
  events.on(countingListener(counters));
  return { events, counters };
}

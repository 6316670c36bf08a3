interface Sample {
  /** When the request was sent (ms). */
  readonly at: number;
  /** The others' weight its answer showed, or more (the most any answer of the window showed by then). */
  readonly seen: number;
}

/**
 * What the other programs on this IP spend of the current window, as far as the used-weight headers tell. An answer
 * carries the weight the exchange had counted, everyone's, when our request arrived; less the weight we had
 * reserved by then, that is the others' (at least: some of ours may still have been on the wire). They go on
 * spending while our next request travels, and their requests already sent are invisible to us, so the estimate
 * grows from the freshest answer at the others' rate: the highest of their pace before our first answer of the
 * window, since it, and over the last few round trips (a program that has just started).
 */
export class OthersUse {
  private windowStart = 0;
  private first: Sample | undefined;
  private latest: Sample = { at: 0, seen: 0 };
  /** The samples of the last few round trips, oldest first. */
  private recent: Sample[] = [];

  /** A new window: the exchange counts from zero. */
  reset(windowStart: number): void {
    this.windowStart = windowStart;
    this.first = undefined;
    this.latest = { at: windowStart, seen: 0 };
    this.recent = [];
  }

  /** An answer to a request sent at `sentAt` that counted `others` weight beyond ours. */
  observe(others: number, sentAt: number): void {
    // Answers arrive out of order; the others' spending only grows, so the largest count is the best lower bound.
    this.latest = { at: Math.max(this.latest.at, sentAt), seen: Math.max(this.latest.seen, others) };
    this.first ??= this.latest;
    this.recent.push(this.latest);
  }

  /** The others' weight that answers have shown so far in this window. */
  get known(): number {
    return this.latest.seen;
  }

  /**
   * Whether their pace is measured yet: others have shown up in this window, and answers to requests sent at
   * least a round trip apart tell how fast they spend. Until then the pace since the window began is all there is,
   * and that is far too low when they have only just started (several cron jobs started together).
   */
  paced(roundTripMs: number): boolean {
    return this.latest.seen === 0 || (this.first !== undefined && this.latest.at - this.first.at >= Math.max(10, roundTripMs));
  }

  /**
   * Their weight by the time a request sent at `now` has reached the exchange and a little after: what answers
   * showed, plus their rate over the time from the freshest answer's request to half a round trip from now.
   */
  predicted(now: number, roundTripMs: number): number {
    if (this.latest.seen === 0) return 0;
    return this.latest.seen + this.rate(roundTripMs) * Math.max(0, now - this.latest.at + roundTripMs / 2);
  }

  /** Weight per ms. */
  private rate(roundTripMs: number): number {
    const { first, latest } = this;
    if (!first) return 0;
    const before = first.seen / Math.max(1, first.at + roundTripMs / 2 - this.windowStart);
    const spanMs = Math.max(100, 4 * roundTripMs);
    while (this.recent.length > 2 && (this.recent[1]?.at ?? 0) <= latest.at - spanMs) this.recent.shift();
    return Math.max(before, pace(first, latest, roundTripMs), pace(this.recent[0] ?? latest, latest, spanMs / 2));
  }
}

/** Weight per ms from `from` to `to`, once they are at least `minMs` apart (closer ones say little). */
function pace(from: Sample, to: Sample, minMs: number): number {
  const ms = to.at - from.at;
  return ms >= Math.max(10, minMs) ? (to.seen - from.seen) / ms : 0;
}

/**
 * How long the exchange has answered nothing but 429s. A 429 is waited out (its Retry-After) and normally the next
 * answer is a page; an exchange that keeps refusing (another program on the IP spending the whole budget, a proxy
 * answering 429 to everything) would hold a run forever, since 429s use up no retries. So the storm is bounded.
 */
export class RateLimitStorm {
  private since: number | undefined;

  constructor(private readonly maxMs: number) {}

  /** An answer other than a 429 ends the storm. */
  answered(): void {
    this.since = undefined;
  }

  /** A 429 arrived at `now`, asking to wait until `until`: whether the storm would then have lasted too long. */
  outlasts(now: number, until: number): boolean {
    this.since ??= now;
    return until - this.since > this.maxMs;
  }

  /** When the storm began (ms), if one is going on. */
  get startedAt(): number | undefined {
    return this.since;
  }
}

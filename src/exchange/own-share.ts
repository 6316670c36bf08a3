/**
 * How much of a window we allow ourselves once a 429 has shown that the IP's budget is contended: halved at the
 * first 429 of a window, then regained a tenth of the limit per window that passes without one (AIMD, as TCP
 * shares a link). Processes that cannot talk to each other converge on a fair split this way; until a 429, and
 * again once the share has grown back, there is no cap beyond the window's limit.
 */
export class OwnShare {
  private cap = Number.POSITIVE_INFINITY;
  private throttledInWindow = false;

  /** The weight we may use in a window whose limit (after headroom) is `allowed`. */
  limit(allowed: number): number {
    return Math.min(this.cap, allowed);
  }

  /**
   * A 429 arrived; `ownUsed` is what we spent of the window it refused, whose limit is `allowed`. Only the first of
   * a window shrinks the share, and never below a sixteenth of the limit: a process that spent little did not
   * overflow the window by itself, and starving it would not save the others much.
   */
  throttled(ownUsed: number, allowed: number): void {
    if (this.throttledInWindow) return;
    this.throttledInWindow = true;
    this.cap = Math.max(Math.ceil(allowed / 16), Math.floor(Math.min(this.cap, ownUsed) / 2));
  }

  /** `windows` windows of limit `allowed` have ended: each without a 429 gives back a tenth of the limit. */
  windowsEnded(windows: number, allowed: number): void {
    const clean = this.throttledInWindow ? windows - 1 : windows;
    this.throttledInWindow = false;
    if (clean <= 0 || this.cap === Number.POSITIVE_INFINITY) return;
    this.cap += clean * Math.ceil(allowed / 10);
    if (this.cap >= allowed) this.cap = Number.POSITIVE_INFINITY;
  }
}

// Binance's escalation from 429 to 418: after a 429 a client must pause until Retry-After. One that
// keeps sending more than MAX_IGNORED requests before then gets its IP banned (418) for BAN_START_MS,
// doubling with each further ban up to 3 days, and everything answers 418 until the ban expires.
// Requests arriving within IN_FLIGHT_GRACE_MS of the 429 were already on the wire when it was sent: a client
// cannot recall them, so they do not count as ignoring it.

const MAX_IGNORED = 3;
const IN_FLIGHT_GRACE_MS = 500;
const BAN_START_MS = 120_000;
const BAN_MAX_MS = 3 * 86_400_000;

export type BanVerdict = { banned: false } | { banned: true; until: number; retryAfterSec: number };

export class IpBan {
  private backoffUntil = -Infinity;
  private ignored = 0;
  private bannedUntil = -Infinity;
  private nextBanMs = BAN_START_MS;
  private throttledAt = -Infinity;

  constructor(private readonly clock: () => number) {}

  /** Called on every request before anything else; decides whether it is answered 418. */
  check(): BanVerdict {
    const now = this.clock();
    if (now < this.bannedUntil) return this.verdict(now);
    if (now < this.backoffUntil) {
      if (now < this.throttledAt + IN_FLIGHT_GRACE_MS) return { banned: false };
      this.ignored += 1;
      if (this.ignored > MAX_IGNORED) {
        this.bannedUntil = now + this.nextBanMs;
        this.nextBanMs = Math.min(BAN_MAX_MS, this.nextBanMs * 2);
        this.backoffUntil = -Infinity;
        this.ignored = 0;
        return this.verdict(now);
      }
    } else {
      this.ignored = 0;
    }
    return { banned: false };
  }

  /** Called when a request was answered 429 with Retry-After ending at `until` (wall ms). */
  throttled(until: number): void {
    if (this.clock() >= this.backoffUntil) {
      // A new backoff period starts with this 429; the grace for in-flight requests runs from here.
      this.ignored = 0;
      this.throttledAt = this.clock();
    }
    this.backoffUntil = Math.max(this.backoffUntil, until);
  }

  private verdict(now: number): BanVerdict {
    return { banned: true, until: this.bannedUntil, retryAfterSec: Math.max(1, Math.ceil((this.bannedUntil - now) / 1000)) };
  }
}

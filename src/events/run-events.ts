import type { CommandName, RunStatus } from '../domain.js';

/**
 * The facts of a run as they happen, in one typed stream. The engine, the candle sources and the database retries
 * emit them; progress, the run record's counters, the JSON log (output/json-log.ts) subscribe. Times are epoch ms.
 */
/** What a command is doing before its first page: shown so a terminal never looks frozen during start-up. */
export type RunPhase = 'opening-database' | 'reading-exchange-info' | 'ranking-universe' | 'planning';

export type RunEvent =
  | { readonly type: 'phase'; readonly phase: RunPhase }
  | { readonly type: 'run-started'; readonly runId: number; readonly command: CommandName }
  | {
      readonly type: 'series-planned';
      readonly symbol: string;
      readonly interval: string;
      /** Pages and candle slots the missing ranges make; answers that skip ahead make fewer. */
      readonly pages: number;
      readonly candles: number;
    }
  | {
      readonly type: 'request-answered';
      readonly source: string;
      readonly endpoint: string;
      /** HTTP status; 0 when the request failed without one (reset, timeout). */
      readonly status: number;
      readonly weight: number;
      readonly latencyMs: number;
      /**
       * The exchange's count of the weight used in its current window (ours and other processes' on this IP), from
       * the response's used-weight header; null when the response had none (a failed request, a source without one).
       */
      readonly usedWeight: number | null;
    }
  | {
      /** The request weight budget the source learned (Binance: exchangeInfo's REQUEST_WEIGHT rate limit). */
      readonly type: 'weight-budget';
      readonly source: string;
      readonly limit: number;
      readonly windowMs: number;
      /** The weight the exchange counted used in the window then, as in `request-answered`. */
      readonly usedWeight: number | null;
    }
  | { readonly type: 'retry'; readonly source: string; readonly endpoint: string; readonly reason: string; readonly attempt: number }
  | { readonly type: 'budget-wait'; readonly source: string; readonly until: number }
  | { readonly type: 'rate-limited'; readonly source: string; readonly status: number; readonly until: number }
  | {
      readonly type: 'page-written';
      readonly symbol: string;
      readonly interval: string;
      readonly from: number;
      readonly to: number;
      /** A page planned from the missing ranges (not a second look or the rest of a cut answer). */
      readonly planned: boolean;
      readonly candles: number;
      readonly ms: number;
    }
  | { readonly type: 'database-retry'; readonly what: string; readonly attempt: number; readonly reason: string }
  | {
      /** A stored candle broke a data-quality rule (planner/validate-page.ts): emitted once its page is committed. */
      readonly type: 'quality-finding';
      readonly symbol: string;
      readonly interval: string;
      readonly openTime: number;
      readonly rule: string;
      readonly detail: string;
    }
  | {
      readonly type: 'series-finished';
      readonly symbol: string;
      readonly interval: string;
      readonly status: 'success' | 'failed' | 'skipped';
      readonly candles: number;
      readonly error: string | null;
      /** How long the series took, from its first request being sent to its end (ms); 0 when it needed none. */
      readonly ms: number;
    }
  | {
      /**
       * An archive file was read (sources/archive-candle-source.ts): what came of it, its rows, the candles taken
       * from it and how many its missing parts should hold. Whatever it lacked is left to REST.
       */
      readonly type: 'archive-file';
      readonly symbol: string;
      readonly interval: string;
      readonly file: string;
      readonly outcome: ArchiveFileOutcome;
      readonly rows: number;
      readonly candles: number;
      readonly expected: number;
      readonly reason: string | null;
    }
  | {
      /**
       * A range another run had claimed was claimed by this one (collect/claimed-work.ts): that run died (its session
       * ended: killed, its connection lost) or its lease ran out before it was done.
       */
      readonly type: 'claim-taken-over';
      readonly symbol: string;
      readonly interval: string;
      readonly from: number;
      readonly to: number;
      /** The run that held it. */
      readonly heldBy: number;
    }
  | { readonly type: 'run-finished'; readonly runId: number; readonly status: Exclude<RunStatus, 'running'> };

/**
 * - `stored`: verified and complete for what was missing; `short`: verified, but fewer candles than the grid holds;
 * - `not-published`: 404 (not yet, or never); `checksum-mismatch`: the zip's SHA-256 is not its CHECKSUM's;
 * - `rejected`: the file does not parse, or its rows are out of order or outside its period; `failed`: the download
 *   failed after its retries.
 */
export type ArchiveFileOutcome = 'stored' | 'short' | 'not-published' | 'checksum-mismatch' | 'rejected' | 'failed';

export type RunListener = (event: RunEvent) => void;

/** Where events go: a listener that throws must not stop the run, so each is called apart and its error dropped. */
export class RunEvents {
  private readonly listeners: RunListener[] = [];

  on(listener: RunListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  readonly emit = (event: RunEvent): void => {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A subscriber's failure (a closed terminal, say) is its own: the run goes on.
      }
    }
  };
}

/** The emitting side only, for the stages that produce events. */
export type EmitRunEvent = (event: RunEvent) => void;

export const ignoreRunEvents: EmitRunEvent = () => undefined;

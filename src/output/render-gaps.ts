import type { GapsResult, SeriesRange } from '../commands/gaps.js';
import { renderPlan } from './render-plan.js';
import { compactTime, plural } from './format.js';
import { renderRun } from './render-run.js';
import { renderTable, type Column } from './table.js';

const RANGE_COLUMNS: readonly Column[] = [
  { header: 'symbol' },
  { header: 'int' },
  { header: 'from' },
  { header: 'to' },
  { header: 'candles', align: 'right' },
];

/** Every range, and a totals line when there is more than one. */
function rangeTable(ranges: readonly SeriesRange[]): string {
  const rows = ranges.map((r) => [r.symbol, r.interval, compactTime(r.from), compactTime(r.to), r.candles]);
  const totals = ranges.length > 1 ? [plural(ranges.length, 'range'), '', '', '', ranges.reduce((n, r) => n + r.candles, 0)] : undefined;
  return renderTable(RANGE_COLUMNS, rows, totals ? { totals } : {});
}

const SUMMARY_COLUMNS: readonly Column[] = [
  { header: 'symbol' },
  { header: 'int' },
  { header: 'ranges', align: 'right' },
  { header: 'candles', align: 'right' },
  { header: 'first from' },
  { header: 'last to' },
];

/**
 * One line per series: how many ranges and candles, and where they lie. Exchange-empty ranges are many (every
 * exchange outage, every trading halt) and not for fixing, so they are counted rather than listed.
 */
function summaryTable(ranges: readonly SeriesRange[]): string {
  const bySeries = new Map<string, SeriesRange[]>();
  for (const r of ranges) {
    const key = `${r.symbol} ${r.interval}`;
    bySeries.set(key, [...(bySeries.get(key) ?? []), r]);
  }
  const rows = [...bySeries.values()].map((rs) => {
    const first = rs[0];
    const last = rs[rs.length - 1];
    return [first?.symbol ?? '', first?.interval ?? '', rs.length, rs.reduce((n, r) => n + r.candles, 0), compactTime(first?.from ?? null), compactTime(last?.to ?? null)];
  });
  const totals = rows.length > 1 ? [plural(rows.length, 'series', 'series'), '', ranges.length, ranges.reduce((n, r) => n + r.candles, 0), '', ''] : undefined;
  return renderTable(SUMMARY_COLUMNS, rows, totals ? { totals } : {});
}

export interface RenderGapsOptions {
  /** List every exchange-empty range instead of a line per series. */
  readonly all?: boolean;
  /** The whole invocation's seconds, for the fill's summary line. */
  readonly elapsedSeconds?: number;
}

export function renderGaps(result: GapsResult, options: RenderGapsOptions = {}): string {
  const parts: string[] = [];
  if (result.forgotten) {
    parts.push(
      result.forgotten.length === 0
        ? 'No exchange-empty range to forget.'
        : `Forgotten exchange-empty ranges (gaps again, asked anew by --fill, forward or backfill):\n${rangeTable(result.forgotten)}`,
    );
  }
  parts.push(result.gaps.length === 0 ? 'No gaps.' : `Gaps (never collected; \`cryptocollect gaps --fill\` fetches them):\n${rangeTable(result.gaps)}`);
  if (result.exchange_empty.length > 0) {
    const why = '(the exchange has no candles there; not gaps)';
    parts.push(
      options.all
        ? `Exchange-empty ranges ${why}:\n${rangeTable(result.exchange_empty)}`
        : `Exchange-empty ranges per series ${why}:\n${summaryTable(result.exchange_empty)}\n(\`cryptocollect gaps --all\` lists each range.)`,
    );
  }
  if (result.fill) {
    const fill = options.elapsedSeconds === undefined ? result.fill : { ...result.fill, elapsed_seconds: options.elapsedSeconds };
    parts.push(renderRun('gaps --fill', fill, { detail: 'table' }).trimEnd());
    parts.push(result.fill.remaining.length === 0 ? 'All gaps filled.' : `Still missing:\n${rangeTable(result.fill.remaining)}`);
  }
  if (result.plan) parts.push(renderPlan(result.plan).trimEnd());
  return `${parts.join('\n\n')}\n`;
}

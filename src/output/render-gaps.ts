import type { GapsResult, SeriesRange } from '../commands/gaps.js';
import { renderPlan } from './render-plan.js';
import { renderRun } from './render-run.js';
import { renderTable } from './table.js';

function rangeTable(ranges: readonly SeriesRange[]): string {
  return renderTable(
    ['symbol', 'interval', 'from', 'to', 'candles'],
    ranges.map((r) => [r.symbol, r.interval, r.from, r.to, r.candles]),
  );
}

export function renderGaps(result: GapsResult): string {
  const parts: string[] = [];
  if (result.forgotten) {
    parts.push(
      result.forgotten.length === 0
        ? 'No exchange-empty range to forget.'
        : `Forgotten exchange-empty ranges (gaps again, asked anew by --fill, forward or backfill):\n${rangeTable(result.forgotten)}`,
    );
  }
  parts.push(result.gaps.length === 0 ? 'No gaps.' : `Gaps (never collected):\n${rangeTable(result.gaps)}`);
  if (result.exchange_empty.length > 0) {
    parts.push(`Exchange-empty ranges (the exchange has no candles there; not gaps):\n${rangeTable(result.exchange_empty)}`);
  }
  if (result.fill) {
    parts.push(renderRun('gaps --fill', result.fill).trimEnd());
    parts.push(result.fill.remaining.length === 0 ? 'All gaps filled.' : `Still missing:\n${rangeTable(result.fill.remaining)}`);
  }
  if (result.plan) parts.push(renderPlan(result.plan).trimEnd());
  return `${parts.join('\n\n')}\n`;
}

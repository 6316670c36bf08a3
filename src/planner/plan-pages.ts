import type { Range } from '../domain.js';
import { addSlots } from './intervals.js';

/**
 * Splits missing ranges into page requests of at most `pageLimit` interval slots, so a deep series is fetched by
 * many independent requests that may run at once. A page that still comes back full (off-grid history) is
 * continued from its last open time + 1 by the fetcher.
 */
export function planPages(interval: string, missing: readonly Range[], pageLimit: number): Range[] {
  const pages: Range[] = [];
  for (const r of missing) {
    let from = r.from;
    while (from < r.to) {
      const to = Math.min(r.to, addSlots(interval, from, pageLimit));
      pages.push({ from, to });
      from = to;
    }
  }
  return pages;
}

/**
 * A plain table for stdout, sized for an 80-column terminal: a header, a dashed rule, one line per row (no rule
 * between rows, so a hundred series take a hundred lines), and optionally a rule and a totals line. No colour
 * codes and no box drawing, so it pipes and greps cleanly (`cryptocollect status | grep BTCUSDT`).
 *
 * When the table would be wider than `width`, the columns marked `optional` are left out, last first. Free text (an
 * error) belongs on lines of its own under the table, never in a column.
 */
export interface Column {
  readonly header: string;
  /** Numbers, counts and durations read best right-aligned. */
  readonly align?: 'left' | 'right';
  /** May be left out to fit the width. */
  readonly optional?: boolean;
}

export type Cell = string | number;

export interface TableOptions {
  readonly totals?: readonly Cell[];
  readonly width?: number;
}

export const TERMINAL_WIDTH = 80;
const GAP = '  ';

function text(c: Cell | undefined): string {
  if (c === undefined) return '';
  return typeof c === 'number' ? c.toLocaleString('en-US') : c;
}

export function renderTable(columns: readonly Column[], rows: ReadonlyArray<readonly Cell[]>, options: TableOptions = {}): string {
  const width = options.width ?? TERMINAL_WIDTH;
  const all = [...rows, ...(options.totals ? [options.totals] : [])].map((r) => r.map(text));
  // A reduce, not Math.max(...): `gaps --all` may list more ranges than a call takes arguments.
  const natural = columns.map((c, i) => all.reduce((w, r) => Math.max(w, (r[i] ?? '').length), c.header.length));
  const kept = columns.map((_, i) => i);
  const widthOf = (idx: readonly number[]): number => idx.reduce((n, i) => n + (natural[i] ?? 0), 0) + GAP.length * Math.max(0, idx.length - 1);
  for (let i = columns.length - 1; i >= 0 && widthOf(kept) > width; i--) {
    if (columns[i]?.optional) kept.splice(kept.indexOf(i), 1);
  }
  const widths = natural;
  const line = (cells: readonly string[]): string =>
    kept
      .map((i, k) => {
        const w = widths[i] ?? 0;
        const cell = cells[i] ?? '';
        if (columns[i]?.align === 'right') return cell.padStart(w);
        // The last column is not padded: no trailing blanks.
        return k === kept.length - 1 ? cell : cell.padEnd(w);
      })
      .join(GAP)
      .trimEnd();
  const rule = kept.map((i) => '-'.repeat(widths[i] ?? 0)).join(GAP);
  const out = [line(columns.map((c) => c.header)), rule, ...all.slice(0, rows.length).map(line)];
  if (options.totals) out.push(rule, line(all[all.length - 1] ?? []));
  return out.join('\n');
}

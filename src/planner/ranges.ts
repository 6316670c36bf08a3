import type { Range } from '../domain.js';

/** Sorted, non-overlapping, non-adjacent ranges (adjacent ones are merged). */
export function normalizeRanges(ranges: Iterable<Range>): Range[] {
  const sorted = [...ranges].filter((r) => r.to > r.from).sort((a, b) => a.from - b.from);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.from <= last.to) {
      if (r.to > last.to) out[out.length - 1] = { from: last.from, to: r.to };
    } else {
      out.push({ from: r.from, to: r.to });
    }
  }
  return out;
}

/** `ranges` minus `remove`; both may be in any order. */
export function subtractRanges(ranges: Iterable<Range>, remove: Iterable<Range>): Range[] {
  const cut = normalizeRanges(remove);
  const out: Range[] = [];
  for (const r of normalizeRanges(ranges)) {
    let from = r.from;
    for (const c of cut) {
      if (c.to <= from) continue;
      if (c.from >= r.to) break;
      if (c.from > from) out.push({ from, to: c.from });
      from = Math.max(from, c.to);
      if (from >= r.to) break;
    }
    if (from < r.to) out.push({ from, to: r.to });
  }
  return out;
}

/** The parts of `ranges` inside `[bound.from, bound.to)`. */
export function clipRanges(ranges: Iterable<Range>, bound: Range): Range[] {
  const out: Range[] = [];
  for (const r of normalizeRanges(ranges)) {
    const from = Math.max(r.from, bound.from);
    const to = Math.min(r.to, bound.to);
    if (to > from) out.push({ from, to });
  }
  return out;
}

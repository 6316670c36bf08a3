import Table from 'cli-table3';

/** A plain table for stdout: no colour codes, so it pipes and greps cleanly. */
export function renderTable(head: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const table = new Table({ head: [...head], style: { head: [], border: [] } });
  for (const r of rows) table.push(r.map((c) => (typeof c === 'number' ? c.toLocaleString('en-US') : c)));
  return table.toString();
}

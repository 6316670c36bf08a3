import type { VerifyResult } from '../commands/verify-archive.js';
import { plural } from './format.js';
import { renderTable, type Column } from './table.js';

const COLUMNS: readonly Column[] = [{ header: 'file' }, { header: 'status' }, { header: 'compared', align: 'right' }, { header: 'differ', align: 'right' }];

/** Differing rows listed per file before the rest is only counted (--json lists every one). */
const LISTED = 10;

/** `gaps --verify`: a line per file, then what differs (each field stored → archive) and why a file was not checked. */
export function renderVerify(r: VerifyResult): string {
  if (r.checked === 0) return 'No stored candle came from an archive file: nothing to verify.\n';
  const rows = r.files.map((f) => [f.file, f.status, f.candles_compared, f.differences.length]);
  const lines = [renderTable(COLUMNS, rows).trimEnd()];
  for (const f of r.files) {
    if (f.status === 'unverified') lines.push(`${f.symbol} ${f.interval} ${f.file}: not verified: ${f.reason ?? ''}`);
    if (f.differences.length === 0) continue;
    lines.push(`${f.symbol} ${f.interval} ${f.file}: replaced (SHA-256 ${f.sha256_stored.slice(0, 12)}… stored, ${f.sha256_now?.slice(0, 12) ?? ''}… now); ${plural(f.differences.length, 'stored candle')} differ:`);
    for (const d of f.differences.slice(0, LISTED)) {
      const fields = Object.entries(d.fields).map(([k, v]) => `${k} ${v.stored || '—'} → ${v.archive || '—'}`);
      lines.push(`  ${d.open_time} ${d.kind}: ${fields.join(', ')}`);
    }
    if (f.differences.length > LISTED) lines.push(`  … and ${f.differences.length - LISTED} more (--json lists every one)`);
  }
  lines.push(
    `${plural(r.checked, 'file')} checked: ${r.unchanged} unchanged, ${r.replaced} replaced, ${r.unverified} not verified; ${plural(r.differing_rows, 'stored candle')} differ from the archive now. Nothing was changed${r.differing_rows > 0 ? ': `cryptocollect refetch` over a range stores the exchange’s values' : ''}.`,
  );
  return `${lines.join('\n')}\n`;
}

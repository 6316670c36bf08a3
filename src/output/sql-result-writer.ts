import type { ByteSink } from '../export/byte-sink.js';
import type { TextValue, UserQueryField, UserQuerySink } from '../db/user-query.js';
import { renderTable, type Column } from './table.js';

export const SQL_FORMATS = ['table', 'csv', 'json'] as const;
export type SqlFormat = (typeof SQL_FORMATS)[number];

/** A UserQuerySink that counts, and that closes the document once the statement is done. */
export interface SqlResultWriter extends UserQuerySink {
  readonly rowsWritten: number;
  end(): Promise<void>;
}

// int2, int4, int8, oid, float4, float8, numeric, money: right-aligned like status' counts.
const NUMERIC_TYPES: ReadonlySet<number> = new Set([20, 21, 23, 26, 700, 701, 790, 1700]);

/** A CSV field: NULL is an empty field, an empty string `""` (as PostgreSQL's COPY … CSV writes them). */
function csvField(value: TextValue): string {
  if (value === null) return '';
  return value === '' || /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * CSV with a header, streamed batch by batch. JSON: one document, `{"columns":[…],"rows":[[…],…]}`, every value
 * the server's text or null, a row per line, streamed too. Table: the plain 80-column style of status, which needs
 * every row to size its columns, so it holds the result; `(N rows)` under it.
 */
export function sqlResultWriter(format: SqlFormat, sink: ByteSink): SqlResultWriter {
  let fields: readonly UserQueryField[] = [];
  let rowsWritten = 0;
  const held: Array<readonly TextValue[]> = [];
  return {
    get rowsWritten() {
      return rowsWritten;
    },
    async columns(f) {
      fields = f;
      if (format === 'csv' && f.length > 0) await sink.write(`${f.map((c) => csvField(c.name)).join(',')}\n`);
      if (format === 'json') await sink.write(`{"columns":${JSON.stringify(f.map((c) => c.name))},"rows":[`);
    },
    async rows(batch) {
      if (format === 'table') held.push(...batch);
      else if (format === 'csv') await sink.write(batch.map((r) => `${r.map(csvField).join(',')}\n`).join(''));
      else await sink.write(batch.map((r, i) => `${rowsWritten + i === 0 ? '' : ','}\n${JSON.stringify(r)}`).join(''));
      rowsWritten += batch.length;
    },
    async end() {
      if (format === 'json') await sink.write(`${rowsWritten === 0 ? '' : '\n'}]}\n`);
      if (format !== 'table') return;
      const columns: Column[] = fields.map((f) => ({ header: f.name, align: NUMERIC_TYPES.has(f.typeId) ? 'right' : 'left' }));
      const table = fields.length === 0 ? '' : `${renderTable(columns, held.map((r) => r.map((v) => v ?? '')))}\n`;
      await sink.write(`${table}(${rowsWritten} ${rowsWritten === 1 ? 'row' : 'rows'})\n`);
    },
  };
}

// Reads a Parquet file back with DuckDB (@duckdb/node-api): an independent reader, and one users read exports with.
// Every value comes back as DuckDB's text of it, so decimals are compared exactly, never as floats.
import { DuckDBInstance } from '@duckdb/node-api';

export interface ParquetReadBack {
  /** Column name → DuckDB's type of it (DECIMAL(38,8), TIMESTAMP WITH TIME ZONE, BIGINT, VARCHAR). */
  readonly types: Record<string, string>;
  /** Each row: times as epoch ms digits, everything else as DuckDB prints it. */
  readonly rows: string[][];
  /** Rows per row group, in file order. */
  readonly rowGroups: number[];
}

export async function readParquet(file: string): Promise<ParquetReadBack> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    const quoted = `'${file.replaceAll("'", "''")}'`;
    const described = (await db.runAndReadAll(`describe select * from read_parquet(${quoted})`)).getRows();
    const types = Object.fromEntries(described.map((r) => [String(r[0]), String(r[1])]));
    const columns = Object.entries(types).map(([name, type]) =>
      type.startsWith('TIMESTAMP') ? `epoch_ms("${name}")::varchar` : `"${name}"::varchar`,
    );
    const rows = (await db.runAndReadAll(`select ${columns.join(', ')} from read_parquet(${quoted})`)).getRows().map((r) => r.map((v) => String(v)));
    const groups = (await db.runAndReadAll(`select row_group_id, max(row_group_num_rows)::int from parquet_metadata(${quoted}) group by 1 order by 1`)).getRows();
    return { types, rows, rowGroups: groups.map((g) => Number(g[1])) };
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

/** A decimal's value in one spelling: `8100.5`, `8100.50000000` → `8100.5`; `7900.00000000` → `7900`. */
export function canonicalDecimal(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

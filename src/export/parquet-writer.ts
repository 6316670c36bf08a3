import { ByteWriter, ParquetWriter, type ColumnSource, type SchemaElement } from 'hyparquet-writer';
import type { ExportedCandle } from '../db/candle-export-repository.js';
import type { SeriesKey } from '../domain.js';
import type { ByteSink } from './byte-sink.js';
import { DECIMAL_COLUMNS, EXPORT_COLUMNS, decimalOf, type CandleWriter } from './export-columns.js';
import { PARQUET_PRECISION, PARQUET_SCALE, UnrepresentableDecimal, unscaledDecimal } from './parquet-decimal.js';

/**
 * Rows per row group. Each group is encoded whole in memory (its values, then its column chunks) before it goes
 * out, so this bounds the export's memory whatever its size; 50,000 keeps a group's pages large enough for
 * readers to skip by statistics, at some tens of MB of peak.
 */
export const PARQUET_ROW_GROUP = 50_000;

const required = { repetition_type: 'REQUIRED' } as const;
const text = (name: string): SchemaElement => ({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, ...required });
// Instants (isAdjustedToUTC): pandas reads datetime64[ms, UTC], polars Datetime("ms", "UTC"), DuckDB TIMESTAMPTZ.
const instant = (name: string): SchemaElement => ({
  name,
  type: 'INT64',
  converted_type: 'TIMESTAMP_MILLIS',
  logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
  ...required,
});
// 16 bytes: the fixed length that holds 38 digits.
const decimal = (name: string): SchemaElement => ({
  name,
  type: 'FIXED_LEN_BYTE_ARRAY',
  type_length: 16,
  converted_type: 'DECIMAL',
  precision: PARQUET_PRECISION,
  scale: PARQUET_SCALE,
  logical_type: { type: 'DECIMAL', precision: PARQUET_PRECISION, scale: PARQUET_SCALE },
  ...required,
});

const DECIMALS: ReadonlySet<string> = new Set(DECIMAL_COLUMNS);

export const PARQUET_SCHEMA: SchemaElement[] = [
  { name: 'root', num_children: EXPORT_COLUMNS.length },
  ...EXPORT_COLUMNS.map((name): SchemaElement => {
    if (name === 'symbol' || name === 'interval') return text(name);
    if (name === 'open_time' || name === 'close_time') return instant(name);
    if (name === 'trades') return { name, type: 'INT64', ...required };
    if (DECIMALS.has(name)) return decimal(name);
    throw new Error(`no Parquet type for column ${name}`);
  }),
];

/** A candle that Parquet's DECIMAL(38, 8) cannot hold as it is (more than 8 decimals): named, so it can be looked at. */
export class CandleNotRepresentable extends Error {
  override readonly name = 'CandleNotRepresentable';
}

/** hyparquet-writer's buffer, handed to the sink after each row group (and the footer), then reused. */
class SinkWriter extends ByteWriter {
  constructor(private readonly sink: ByteSink) {
    super(1 << 20);
  }

  flush(): Promise<void> {
    const chunk = new Uint8Array(this.buffer.slice(0, this.index));
    this.index = 0;
    return this.sink.write(chunk);
  }

  // The library's Writer may finish asynchronously (ParquetWriter.finish returns what this returns); ByteWriter's
  // declaration says void only.
  // eslint-disable-next-line @typescript-eslint/no-misused-promises
  override finish(): Promise<void> {
    return this.flush() as never;
  }
}

interface Group {
  symbol: string[];
  interval: string[];
  open_time: bigint[];
  close_time: bigint[];
  trades: bigint[];
  decimals: Record<string, bigint[]>;
}

const emptyGroup = (): Group => ({
  symbol: [],
  interval: [],
  open_time: [],
  close_time: [],
  trades: [],
  decimals: Object.fromEntries(DECIMAL_COLUMNS.map((c) => [c, []])),
});

/**
 * Parquet, one row group at a time: the file's metadata (a few hundred bytes a group) is all that grows with its
 * size. Strings and times are as in the other formats, the decimals DECIMAL(38, 8), the trade count INT64.
 */
export function parquetWriter(sink: ByteSink, rowGroup = PARQUET_ROW_GROUP): CandleWriter {
  const writer = new ParquetWriter({ writer: new SinkWriter(sink), schema: PARQUET_SCHEMA, createdBy: 'cryptocollect (hyparquet-writer)' });
  let group = emptyGroup();
  let rows = 0;

  const flush = async (): Promise<void> => {
    if (rows === 0) return;
    const g = group;
    const n = rows;
    group = emptyGroup();
    rows = 0;
    const columnData: ColumnSource[] = EXPORT_COLUMNS.map((name) => {
      const data = name === 'symbol' || name === 'interval' || name === 'open_time' || name === 'close_time' || name === 'trades' ? g[name] : g.decimals[name];
      return { name, data: data ?? [], nullable: false };
    });
    await writer.write({ columnData, rowGroupSize: n });
  };

  return {
    async write(series: SeriesKey, page: readonly ExportedCandle[]) {
      for (const c of page) {
        group.symbol.push(series.symbol);
        group.interval.push(series.interval);
        group.open_time.push(BigInt(c.openTime));
        group.close_time.push(BigInt(c.closeTime));
        group.trades.push(BigInt(c.trades));
        for (const column of DECIMAL_COLUMNS) {
          try {
            group.decimals[column]?.push(unscaledDecimal(decimalOf(c, column)));
          } catch (err) {
            if (!(err instanceof UnrepresentableDecimal)) throw err;
            throw new CandleNotRepresentable(`${series.symbol} ${series.interval} ${new Date(c.openTime).toISOString()} ${column}: ${err.message}`);
          }
        }
        if (++rows >= rowGroup) await flush();
      }
    },
    async end() {
      await flush();
      await writer.finish();
    },
  };
}

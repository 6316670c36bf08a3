import { sql, type Kysely } from 'kysely';
import type { Range } from '../domain.js';
import type { Database } from './schema.js';

export interface CandleSources {
  /** Stored candles that lie in a stretch stored from an archive file. */
  readonly archive: number;
  /** The archive files those stretches came from. */
  readonly archiveFiles: number;
}

/**
 * How many of a series' stored candles came from archive files (sql/000010): the candles counted in each stretch
 * by the primary key's index, not the stretches' own sizes, so rows deleted since are not counted. The others came
 * from REST.
 */
export async function loadCandleSources(db: Kysely<Database>, seriesId: number): Promise<CandleSources> {
  const r = await sql<{ candles: unknown; files: unknown }>`
    select (select count(*) from archive_provenance p
              join candle_data c on c.series_id = ${seriesId}::int4 and c.open_time >= p.from_time and c.open_time < p.to_time
             where p.series_id = ${seriesId}::int4) as candles,
           (select count(distinct file_name) from archive_provenance where series_id = ${seriesId}::int4) as files`.execute(db);
  return { archive: Number(r.rows[0]?.candles ?? 0), archiveFiles: Number(r.rows[0]?.files ?? 0) };
}

/** An archive file some of a series' stored candles came from, as recorded when they were stored. */
export interface ProvenanceFile {
  readonly file: string;
  readonly sha256: string;
  /** The rows the file held then. */
  readonly rows: number;
  /** The stretches of open times stored from it, in order. */
  readonly stretches: readonly Range[];
}

/**
 * The archive files of a series' provenance (sql/000010), by their first stretch. A file is one entry per checksum
 * it was stored with (the archive may have replaced it between two reads of it), with every stretch stored so.
 */
export async function listProvenanceFiles(db: Kysely<Database>, seriesId: number): Promise<ProvenanceFile[]> {
  const r = await sql<{ file_name: string; sha256: string; file_rows: unknown; from_ms: unknown; to_ms: unknown }>`
    select file_name, sha256, file_rows, (extract(epoch from from_time) * 1000)::int8 as from_ms, (extract(epoch from to_time) * 1000)::int8 as to_ms
      from archive_provenance where series_id = ${seriesId}::int4 order by from_time`.execute(db);
  const byFile = new Map<string, { file: string; sha256: string; rows: number; stretches: Range[] }>();
  for (const row of r.rows) {
    const key = `${row.file_name} ${row.sha256}`;
    const f = byFile.get(key) ?? { file: row.file_name, sha256: row.sha256, rows: Number(row.file_rows), stretches: [] };
    f.stretches.push({ from: Number(row.from_ms), to: Number(row.to_ms) });
    byFile.set(key, f);
  }
  return [...byFile.values()];
}

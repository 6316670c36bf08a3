// The COPY ceiling of the bulk job (run-bench.ts `bulk`): how fast this machine's PostgreSQL takes the very rows the
// archive run stored, by plain COPY and nothing else. Before the clock, each series' candles are read back from the
// `candles` view into a file of PostgreSQL's text format, or of its binary one (the CLI sends binary rows:
// writer/copy-bytes.ts); then, timed, the files are streamed by COPY FROM STDIN into a fresh table keyed like
// candle_data (series id, open time; index fillfactor 100), `parallel` at a time. No download, no zip, no parsing,
// no checks, no staging, no provenance: the most any writer of these rows could do.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

export interface CeilingRun {
  readonly parallel: number;
  readonly format: CeilingFormat;
  readonly ms: number;
  readonly candles: number;
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** PostgreSQL's text format, or its binary one (which the server takes without parsing: what the CLI sends). */
export type CeilingFormat = 'text' | 'binary';

/** Times the COPY of `url`'s stored candles once for each of `runs` (connections at once, and the rows' format). */
export async function copyCeiling(url: string, runs: readonly { readonly parallel: number; readonly format: CeilingFormat }[]): Promise<CeilingRun[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cc-ceiling-'));
  try {
    const files = await withClient(url, async (c) => {
      await c.query(`set timezone = 'UTC'`);
      const ids = (await c.query<{ id: number }>('select id from series order by id')).rows.map((r) => r.id);
      const out: Record<CeilingFormat, string[]> = { text: [], binary: [] };
      for (const id of ids) for (const format of new Set(runs.map((r) => r.format))) {
        const file = path.join(dir, `${id}.${format}`);
        const stream = c.query(
          copyTo(`copy (select s.id, c.open_time, c.trades, c.open, c.high, c.low, c.close, c.volume, c.quote_volume, c.taker_buy_base_volume, c.taker_buy_quote_volume
                          from candles c join series s on s.symbol = c.symbol and s.interval = c.interval
                         where s.id = ${id} order by c.open_time) to stdout${format === 'binary' ? ' with (format binary)' : ''}`),
        );
        await pipeline(stream, createWriteStream(file));
        out[format].push(file);
      }
      return out;
    });
    const done: CeilingRun[] = [];
    for (const { parallel, format } of runs) {
      await withClient(url, (c) =>
        c.query(`drop table if exists copy_ceiling;
                 create table copy_ceiling (series_id int4 not null, open_time timestamptz not null, trades int8 not null,
                   open numeric not null, high numeric not null, low numeric not null, close numeric not null, volume numeric not null,
                   quote_volume numeric not null, taker_buy_base_volume numeric not null, taker_buy_quote_volume numeric not null,
                   primary key (series_id, open_time) with (fillfactor = 100));
                 checkpoint`),
      );
      const clients = await Promise.all(Array.from({ length: parallel }, async () => {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        await c.query(`set timezone = 'UTC'`);
        return c;
      }));
      const queue = [...files[format]];
      const started = performance.now();
      await Promise.all(
        clients.map(async (c) => {
          for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
            await pipeline(createReadStream(file, { highWaterMark: 256 * 1024 }), c.query(copyFrom(`copy copy_ceiling from stdin${format === 'binary' ? ' with (format binary)' : ''}`)));
          }
        }),
      );
      const ms = performance.now() - started;
      await Promise.all(clients.map((c) => c.end()));
      const candles = await withClient(url, async (c) => Number((await c.query<{ n: string }>('select count(*)::text as n from copy_ceiling')).rows[0]?.n ?? 0));
      done.push({ parallel, format, ms, candles });
    }
    await withClient(url, (c) => c.query('drop table if exists copy_ceiling'));
    return done;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// The floor: the leanest pipeline conceivable on the same fake exchange and the same PostgreSQL. Pages fetched
// with the same concurrency (keep-alive fetch) and streamed straight into one COPY into a keyed table: no resume,
// no checks, no bookkeeping. Prints {"ms","candles","requests","bytes"} on stdout. Timing starts after Node's
// start-up, so the floor is, if anything, flattered.
//   node --import tsx test/bench/floor.ts <base-url> <database-url> <concurrency> <jobs-json>
// jobs-json: [{"symbol","interval","from","to","slotMs"}], open times [from, to) in ms.
import { once } from 'node:events';
import pLimit from 'p-limit';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

interface Job {
  symbol: string;
  interval: string;
  from: number;
  to: number;
  slotMs: number;
}

const [baseUrl, dbUrl, concurrencyArg, jobsJson] = process.argv.slice(2);
if (!baseUrl || !dbUrl || !concurrencyArg || !jobsJson) throw new Error('usage: floor.ts <base-url> <database-url> <concurrency> <jobs-json>');
const jobs = JSON.parse(jobsJson) as Job[];

const started = performance.now();
const client = new pg.Client({ connectionString: dbUrl });
await client.connect();
await client.query(`create table floor_candles (
  symbol text not null, interval text not null, open_time timestamptz not null, close_time timestamptz not null,
  open numeric not null, high numeric not null, low numeric not null, close numeric not null, volume numeric not null,
  quote_volume numeric not null, trades bigint not null, taker_buy_base_volume numeric not null,
  taker_buy_quote_volume numeric not null, primary key (symbol, interval, open_time))`);
const copy = client.query(copyFrom('copy floor_candles from stdin'));
const done = once(copy, 'finish');

const limit = pLimit(Number(concurrencyArg));
let candles = 0;
let requests = 0;
const pages: Array<Promise<void>> = [];
for (const job of jobs) {
  for (let from = job.from; from < job.to; from += 1000 * job.slotMs) {
    const to = Math.min(job.to, from + 1000 * job.slotMs);
    pages.push(
      limit(async () => {
        const url = `${baseUrl}/api/v3/klines?symbol=${job.symbol}&interval=${job.interval}&startTime=${from}&endTime=${to - 1}&limit=1000`;
        requests++;
        const rows = (await (await fetch(url)).json()) as Array<[number, string, string, string, string, string, number, string, number, string, string]>;
        let text = '';
        for (const k of rows) {
          text += `${job.symbol}\t${job.interval}\t${new Date(k[0]).toISOString()}\t${new Date(k[6]).toISOString()}\t${k[1]}\t${k[2]}\t${k[3]}\t${k[4]}\t${k[5]}\t${k[7]}\t${k[8]}\t${k[9]}\t${k[10]}\n`;
        }
        candles += rows.length;
        if (!copy.write(text)) await once(copy, 'drain');
      }),
    );
  }
}
await Promise.all(pages);
copy.end();
await done;
const ms = performance.now() - started;
const size = await client.query<{ bytes: string }>(`select pg_total_relation_size('floor_candles')::text as bytes`);
await client.end();
process.stdout.write(`${JSON.stringify({ ms, candles, requests, bytes: Number(size.rows[0]?.bytes ?? 0) })}\n`);

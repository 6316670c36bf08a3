import { Option } from '../commander.js';
import type { SqlInput, SqlResult } from '../../commands/sql.js';
import { EXIT } from '../../exit-codes.js';
import type { CommandDefinition } from '../command-definition.js';

interface SqlFlags {
  readonly format?: string;
  readonly json?: boolean;
}

const FORMATS = ['table', 'csv', 'json'];

export const sql: CommandDefinition<SqlFlags, SqlInput, SqlResult> = {
  name: 'sql',
  description: 'run one read-only SQL statement on the configured database (the embedded one too) and print its rows',
  selection: 'none',
  argument: { name: '<statement>', description: 'one SQL statement; anything that would write is refused' },
  options: () => [new Option('--format <format>', 'table (default), csv (with a header) or json ({"columns":[…],"rows":[[…]]}; also --json)').choices(FORMATS)],
  examples: [
    `cryptocollect sql "SELECT symbol, interval, count(*) AS candles FROM candles GROUP BY 1, 2 ORDER BY 1, 2"`,
    `cryptocollect sql "SELECT open_time, close FROM candles WHERE symbol = 'BTCUSDT' AND interval = '1d' ORDER BY open_time" --format csv > btc-1d.csv`,
    `cryptocollect sql "SELECT max(open_time) FROM candles" --json | jq -r '.rows[0][0]'`,
  ],
  async parse(flags, args) {
    const { UsageError } = await import('../../errors.js');
    const query = args[0] ?? '';
    if (query.trim() === '') throw new UsageError('the statement is empty; for example: cryptocollect sql "SELECT count(*) FROM candles"');
    if (flags.json === true && flags.format !== undefined && flags.format !== 'json') {
      throw new UsageError(`--json prints the rows as JSON: it does not go with --format ${flags.format}`);
    }
    const format = flags.json === true ? 'json' : ((flags.format ?? 'table') as SqlInput['format']);
    return { query, format };
  },
  progress: false,
  async run(ctx, input) {
    const [{ withDatabase }, { runSql }, { refuseNoStore }] = await Promise.all([
      import('../../commands/context.js'),
      import('../../commands/sql.js'),
      import('../nothing-tracked.js'),
    ]);
    await refuseNoStore(ctx.config);
    // Read-only sessions, and the statement in a read-only transaction of its own that is rolled back.
    return withDatabase(ctx, (h) => runSql(ctx, h, input), { access: 'read' });
  },
  json: (r) => r,
  human: async () => '',
  exitCode: () => EXIT.success,
  notice: () => undefined,
  printed: () => true,
};

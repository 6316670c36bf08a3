// Help, version and usage errors must start fast: they load neither the database drivers, nor the HTTP client, nor
// the progress display, the tables or dotenv. Hooks in the real CLI's process record every module it resolves, imported
// (a module hook) or required (CommonJS's resolver, which createRequire goes through too). The CLI runs bundled
// (dist/bin/, one file per lazily loaded part): what a loaded file holds is read from the bundler's metafile.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { BIN } from '../support/run-cli.ts';

const ROOT = path.resolve(path.dirname(BIN), '..');

interface Metafile {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}

const HEAVY = [
  'kysely', 'kysely-pglite-dialect', '@electric-sql/pglite', 'pg', 'pg-cursor', 'got', 'cli-progress', 'picocolors', 'cli-table3', 'dotenv', 'p-limit', 'p-retry',
  'hyparquet-writer', 'hyparquet', '@duckdb/node-api',
];

const HOOKS = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.CC_LOADED_LOG, resolved.url + '\\n');
  return resolved;
}
`;

describe('start-up loads only the parser', () => {
  let dir: string;
  let register: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cc-loads-'));
    await writeFile(path.join(dir, 'hooks.mjs'), HOOKS);
    register = path.join(dir, 'register.mjs');
    await writeFile(
      register,
      [
        `import Module, { register } from 'node:module';`,
        `import { appendFileSync } from 'node:fs';`,
        `import { pathToFileURL } from 'node:url';`,
        `register(${JSON.stringify(pathToFileURL(path.join(dir, 'hooks.mjs')).href)});`,
        `const resolveFilename = Module._resolveFilename;`,
        `Module._resolveFilename = function (...args) {`,
        `  const file = resolveFilename.apply(this, args);`,
        `  if (file.startsWith('/')) appendFileSync(process.env.CC_LOADED_LOG, pathToFileURL(file).href + '\\n');`,
        `  return file;`,
        `};`,
      ].join('\n'),
    );
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** The source modules in the loaded files: each bundled file stands for the modules the bundler put in it. */
  async function sources(urls: readonly string[]): Promise<string[]> {
    const meta = JSON.parse(await readFile(path.join(ROOT, 'dist/bundle-meta.json'), 'utf8')) as Metafile;
    return urls.flatMap((u) => {
      const rel = u.startsWith('file://') ? path.relative(ROOT, new URL(u).pathname) : u;
      const output = meta.outputs[rel];
      return output ? Object.keys(output.inputs).map((i) => `/${i}`) : [u];
    });
  }

  async function loaded(args: string[]): Promise<{ status: number | null; urls: string[] }> {
    const log = path.join(dir, `${args.join('_').replace(/\W/g, '')}.log`);
    const res = spawnSync(process.execPath, ['--import', register, BIN, ...args], {
      env: { PATH: process.env.PATH, HOME: dir, CRYPTOCOLLECT_DATA_DIR: dir, CC_LOADED_LOG: log },
      cwd: dir,
      encoding: 'utf8',
    });
    return { status: res.status, urls: (await readFile(log, 'utf8')).trim().split('\n') };
  }

  const cases: Array<[string, string[], number]> = [
    ['--help', ['--help'], 0],
    ['a command’s --help', ['backfill', '--help'], 0],
    ['--version', ['--version'], 0],
    ['a missing required option, with --json', ['backfill', '--json'], 2],
    ['an unknown option', ['forward', '--bogus'], 2],
    ['a value the command rejects', ['status', '--runs', 'x', '--json'], 2],
    ['export --help', ['export', '--help'], 0],
    ['an export with a bad date', ['export', '--format', 'parquet', '--since', 'soon'], 2],
    ['sql without its statement', ['sql', '--json'], 2],
  ];
  for (const [name, args, status] of cases) {
    it(name, async () => {
      const res = await loaded(args);
      assert.equal(res.status, status);
      assert.ok(res.urls.some((u) => u.includes('/node_modules/commander/')), 'the hooks saw the parser load');
      const modules = await sources(res.urls);
      assert.ok(modules.includes('/dist/cli.js'), 'the bundled entry was loaded and mapped to its modules');
      const heavy = modules.filter((u) => HEAVY.some((name) => u.includes(`/node_modules/${name}/`)));
      assert.deepEqual(heavy, []);
      assert.deepEqual(modules.filter((u) => /\/dist\/(db|exchange|commands|runlog|writer|output|export)\//.test(u)), []);
    });
  }
});

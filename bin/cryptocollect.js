#!/usr/bin/env node
// Thin shim: the program lives in dist/bin/, bundled by `npm run build` (and by `npm pack`/`npm publish` via prepack):
// one file per lazily loaded part instead of hundreds of modules halves the start-up of every command.
import module from 'node:module';
import { fileURLToPath } from 'node:url';

// Node ≥ 22.1 can keep compiled code on disk between runs; older Nodes have no such call.
module.enableCompileCache?.();

const entry = new URL('../dist/bin/cli.js', import.meta.url);
import(entry.href).then(
  (m) => m.main(process.argv.slice(2)),
  (err) => {
    // Only a missing build is explained; anything else (a missing dependency too) is left to Node to report.
    if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes(fileURLToPath(entry))) throw err;
    process.stderr.write('cryptocollect: not built: run `npm run build` in its folder first (it needs the dev dependencies of `npm ci`)\n');
    process.exitCode = 1;
  },
);

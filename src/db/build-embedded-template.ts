// The build's last step (`npm run build`, and so `npm pack`): makes the embedded store's template
// (db/embedded-template.ts) with the real migrator, as the first command on a new machine would, and packs it
// beside the compiled code.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EMBEDDED_TEMPLATE, packTemplate } from './embedded-template.js';
import { embeddedStoreLocation } from './embedded-store.js';
import { openDatabase } from './open-database.js';
import { readSchemaState } from './schema-version.js';

const dataDir = await mkdtemp(path.join(tmpdir(), 'cryptocollect-template-'));
try {
  const handle = await openDatabase({ dataDir, poolSize: 1 }, { access: 'write', fromTemplate: false });
  let version: number;
  try {
    const state = await readSchemaState(handle.db);
    if (state.pending.length > 0) throw new Error(`migrations left pending: ${state.pending.join(', ')}`);
    version = state.version;
  } finally {
    // A clean shutdown: the packed store starts without recovery.
    await handle.close();
  }
  await packTemplate(embeddedStoreLocation(dataDir), EMBEDDED_TEMPLATE);
  process.stdout.write(`embedded store template (schema ${version}): ${path.relative(process.cwd(), EMBEDDED_TEMPLATE)}\n`);
} finally {
  await rm(dataDir, { recursive: true, force: true });
}

import { existsSync } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A migrated embedded store, made when the package is built (db/build-embedded-template.ts) and unpacked at a data
 * directory's first use: creating one from nothing (initdb inside WebAssembly, then every migration) costs 3–9 s,
 * 4–5 CPU-s and about 830 MB of memory; unpacking this costs a fraction of a second (README "Performance").
 * A template made by an older build is still right: the migrations it lacks run at the first open, as they do on
 * any store.
 */
export const EMBEDDED_TEMPLATE = fileURLToPath(new URL('../embedded-template.tar.gz', import.meta.url));

/** PostgreSQL's own mark of a data directory; PGlite starts an existing store when it finds it, else runs initdb. */
const MARK = 'PG_VERSION';

/** Whether `store` holds a complete store (an unpacking cut short by kill -9 has not written the mark yet). */
export function storeComplete(store: string): boolean {
  return existsSync(path.join(store, MARK));
}

/**
 * The mark as the template holds it: under another name, so that unpacking never puts it in place before the rest;
 * renamed to MARK once everything else is written.
 */
const PACKED_MARK = `${MARK}.packed`;
/** Where an older version of this function kept the mark while it unpacked (a store it left half made may hold it). */
const OLD_ASIDE = `${MARK}.unpacking`;

/**
 * Unpacks the template into `store` (which may exist, empty or holding an unpacking cut short), putting the mark in
 * place last and whole (a rename): a store without it is unpacked again at the next start, never started half
 * made. False when this build has no template (a checkout compiled with tsc alone): PGlite then creates the store
 * itself.
 */
export async function unpackTemplate(store: string, template = EMBEDDED_TEMPLATE): Promise<boolean> {
  if (!existsSync(template)) return false;
  const { x } = await import('tar');
  await mkdir(store, { recursive: true });
  // Written first: a store folder that cannot be written says so here, in Node's words (tar reports a refused
  // file as the ENOENT of the lstat it tries next). tar writes it again from the template.
  const packedMark = path.join(store, PACKED_MARK);
  await writeFile(packedMark, '');
  await rm(path.join(store, OLD_ASIDE), { recursive: true, force: true });
  // Synchronously: the store is hundreds of files, and tar's asynchronous unpacking sends each file's open, write,
  // futimes and close to libuv's threads one after the other, idling the process between them: a first use spent
  // about 1 s of its 2 s here, 0.3 s this way (nothing else runs before the store is open). One pass: the mark is
  // in the template under its packed name. A mark under its own name (a template packed otherwise) is left out, so
  // that it can never be written before the files it vouches for.
  x({ file: template, cwd: store, strict: true, maxReadSize: READ_SIZE, filter: (p) => p.replace(/^\.\//, '') !== MARK, sync: true });
  if ((await stat(packedMark)).size === 0) throw new Error(`the embedded store template ${template} holds no ${MARK}: rebuild it (npm run build)`);
  await rename(packedMark, path.join(store, MARK));
  return true;
}

/**
 * tar reads its file 16 MB at a time by default, and the buffers of a 40 MB store (mostly zero pages) stay allocated
 * long after: the process's memory never shrinks back, so a first run's peak carried them to its end (about 40 MB of
 * the headline job's peak). 256 kB reads unpack as fast.
 */
const READ_SIZE = 256 * 1024;

/** Packs the complete store `store` into `file`, its files relative to the store, its mark as PACKED_MARK. */
export async function packTemplate(store: string, file: string): Promise<void> {
  const { c } = await import('tar');
  await rm(file, { force: true });
  await rename(path.join(store, MARK), path.join(store, PACKED_MARK));
  try {
    await c({ file, cwd: store, gzip: { level: 9 }, portable: true }, ['.']);
  } finally {
    await rename(path.join(store, PACKED_MARK), path.join(store, MARK));
  }
}

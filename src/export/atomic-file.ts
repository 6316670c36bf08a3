import { randomBytes } from 'node:crypto';
import { open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { fileSink, type ByteSink } from './byte-sink.js';

export interface AtomicFile {
  readonly sink: ByteSink;
  /** The data is on disk (fsync), then under its final name (rename, which replaces a file there). */
  commit(): Promise<void>;
  /** The temporary file is removed: the final name never held a half-written file. */
  discard(): Promise<void>;
}

/**
 * A file written under a temporary name in the same folder (so the rename is atomic: same file system) and renamed
 * to `target` only once complete. A failed or interrupted export leaves whatever was at `target` before, untouched;
 * a kill -9 can leave only a `.<name>.<pid>-<random>.tmp` beside it.
 */
export async function createAtomicFile(target: string): Promise<AtomicFile> {
  const existing = await stat(target).catch(() => undefined);
  if (existing?.isDirectory()) throw Object.assign(new Error(`${target} is a directory`), { code: 'EISDIR' });
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const handle: FileHandle = await open(temp, 'wx', 0o644);
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await handle.close();
  };
  return {
    sink: fileSink(handle),
    async commit() {
      await handle.sync();
      await close();
      await rename(temp, target);
    },
    async discard() {
      await close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
    },
  };
}

import { readFileSync } from 'node:fs';
import { link, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { CryptocollectError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { processExists } from '../system/process-exists.js';
import { dataDirError } from './data-dir-errors.js';

/**
 * PGlite lets two processes open one data directory and then silently loses one's writes, so the embedded
 * database is guarded by a lock file holding the owner's pid, host and process start time. A lock whose
 * process is gone (kill -9, power loss) is stale and taken over.
 */
interface LockOwner {
  pid: number;
  host: string;
  /** Kernel start time of the process (Linux /proc), so a recycled pid is not mistaken for the owner. */
  procStart: string | null;
  since: string;
}

export class EmbeddedLockError extends CryptocollectError {
  constructor(message: string) {
    super('embedded-database-locked', message, EXIT.failure);
  }
}

export interface EmbeddedLock {
  readonly file: string;
  release(): Promise<void>;
}

function procStartOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime) comes after the parenthesised command name, which may itself contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(owner: LockOwner): boolean {
  if (!processExists(owner.pid)) return false;
  const start = procStartOf(owner.pid);
  return !(owner.procStart && start && owner.procStart !== start);
}

async function readOwner(file: string): Promise<LockOwner | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LockOwner;
  } catch {
    return null;
  }
}

export async function acquireEmbeddedLock(dataDir: string): Promise<EmbeddedLock> {
  await mkdir(dataDir, { recursive: true }).catch((err: unknown) => {
    throw dataDirError(err, dataDir) ?? err;
  });
  const file = path.join(dataDir, 'cryptocollect.lock');
  const me: LockOwner = { pid: process.pid, host: hostname(), procStart: procStartOf(process.pid), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await createLockFile(file, dataDir, JSON.stringify(me))) {
      return {
        file,
        release: async () => {
          const owner = await readOwner(file);
          if (owner?.pid === me.pid && owner.host === me.host) await unlink(file).catch(() => undefined);
        },
      };
    }
    const owner = await readOwner(file);
    if (owner && (owner.host !== me.host || isAlive(owner))) {
      const where = owner.host === me.host ? `process ${owner.pid}` : `process ${owner.pid} on host ${owner.host}`;
      throw new EmbeddedLockError(
        `the embedded database in ${dataDir} is in use by ${where} (since ${owner.since}); wait for it to finish, or remove ${file} if that process no longer runs`,
      );
    }
    await takeOverStale(file, owner);
  }
  throw new EmbeddedLockError(`could not lock the embedded database in ${dataDir}: another process keeps taking the lock`);
}

/**
 * Creates the lock file holding `text`; false when it exists already. A file that could be created but not written
 * (disk full) is removed again, so the next start does not find an empty lock.
 */
async function createLockFile(file: string, dataDir: string, text: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw dataDirError(err, dataDir) ?? err;
  }
  try {
    await handle.writeFile(text);
  } catch (err) {
    await unlink(file).catch(() => undefined);
    throw dataDirError(err, dataDir) ?? err;
  } finally {
    await handle.close().catch(() => undefined);
  }
  return true;
}

/**
 * Moves a stale lock aside and deletes it — unless another process replaced it in the meantime, in which case
 * that live lock is put back (link() never overwrites).
 */
async function takeOverStale(file: string, stale: LockOwner | null): Promise<void> {
  const aside = `${file}.stale.${process.pid}`;
  try {
    await rename(file, aside);
  } catch {
    return;
  }
  const moved = await readOwner(aside);
  if (stale && moved && (moved.pid !== stale.pid || moved.since !== stale.since)) {
    await link(aside, file).catch(() => undefined);
  }
  await unlink(aside).catch(() => undefined);
}

import { statSync } from 'node:fs';
import path from 'node:path';
import { DataDirError, type DatabaseCode } from '../errors.js';

/**
 * What a file system can refuse the embedded database's folder, in the words a user needs. One table, whoever met
 * the refusal: the lock file (db/embedded-lock.ts) or PGlite's file system layer (db/watched-node-fs.ts).
 * `where` is the path the refusal named (the data directory when it named none).
 */
interface DataDirProblem {
  readonly code: DatabaseCode;
  /** PostgreSQL cannot work around it inside its data directory (EEXIST there is routine, for instance). */
  readonly refusesWrites: boolean;
  message(dataDir: string, where: string): string;
}

const DISK_FULL = 'free some space on its file system and run again (committed candles are kept)';
const notWritable = (why: (where: string) => string) => (dataDir: string, where: string) =>
  `the embedded database in ${dataDir} cannot be written: ${why(where)}; fix that or choose another --data-dir`;
const notADirectory = (dataDir: string) => {
  const file = blockingFile(dataDir);
  return `the embedded database cannot use ${dataDir}: ${file === dataDir ? 'it' : file} is a file, not a directory; choose another --data-dir`;
};

const PROBLEMS: Readonly<Record<string, DataDirProblem>> = {
  ENOSPC: { code: 'database-disk-full', refusesWrites: true, message: (dir) => `the embedded database in ${dir} is out of disk space; ${DISK_FULL}` },
  EDQUOT: { code: 'database-disk-full', refusesWrites: true, message: (dir) => `the embedded database in ${dir} is out of disk space (disk quota exceeded); ${DISK_FULL}` },
  EROFS: { code: 'data-dir-read-only', refusesWrites: true, message: notWritable((where) => `${where} is on a read-only file system`) },
  EACCES: { code: 'data-dir-permission-denied', refusesWrites: true, message: notWritable((where) => `permission denied on ${where}`) },
  EPERM: { code: 'data-dir-permission-denied', refusesWrites: true, message: notWritable((where) => `operation not permitted on ${where}`) },
  EEXIST: { code: 'data-dir-not-a-directory', refusesWrites: false, message: notADirectory },
  ENOTDIR: { code: 'data-dir-not-a-directory', refusesWrites: false, message: notADirectory },
};

function problemOf(err: unknown): DataDirProblem | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? PROBLEMS[code] : undefined;
}

/** Whether `err` is a refusal PGlite met inside its data directory that no retry or recovery gets past. */
export function refusesWrites(err: unknown): err is NodeJS.ErrnoException {
  return problemOf(err)?.refusesWrites === true;
}

/** The DataDirError for a file-system refusal of the data directory `dataDir`, or null when `err` is none. */
export function dataDirError(err: unknown, dataDir: string): DataDirError | null {
  const problem = problemOf(err);
  if (!problem) return null;
  const e = err as NodeJS.ErrnoException;
  const where = e.path ?? dataDir;
  return new DataDirError(problem.code, problem.message(dataDir, where), { path: where, errno: e.code ?? null }, { cause: err });
}

/** The deepest part of `dir` that exists and is not a directory (mkdir's EEXIST/ENOTDIR do not say which). */
function blockingFile(dir: string): string {
  for (let p = dir; p !== path.dirname(p); p = path.dirname(p)) {
    try {
      if (!statSync(p).isDirectory()) return p;
    } catch {
      // Missing, or below the file we are looking for: look further up.
    }
  }
  return dir;
}

import { lstat } from 'node:fs/promises';
import path from 'node:path';

/** Where the embedded database keeps its files inside the data directory. */
export function embeddedStoreLocation(dataDir: string): string {
  return path.join(dataDir, 'pgdata');
}

/**
 * Whether an embedded database was ever created in `dataDir`, without creating one (opening it would). What
 * cannot be looked at (a permission, a file in the way) counts as there: opening it then says what is wrong.
 */
export async function embeddedStoreExists(dataDir: string): Promise<boolean> {
  return lstat(embeddedStoreLocation(dataDir)).then(
    () => true,
    (err: NodeJS.ErrnoException) => err.code !== 'ENOENT',
  );
}

import type { PGlite } from '@electric-sql/pglite';

type PostgresMod = PGlite['Module'];

/**
 * Lets go of a backend that never started: only the interval timer PostgreSQL may have armed is cleared — during
 * start-up it re-arms itself every 10 s, and as a Node timer it would keep the process alive for ever. PGlite's own
 * close() does the same first, then runs the backend's shutdown.
 */
export function abandonBackend(pg: PGlite): void {
  try {
    (pg.Module as PostgresMod | undefined)?._pgl_setPGliteActive(0);
  } catch {
    // The module never got far enough to arm a timer.
  }
}

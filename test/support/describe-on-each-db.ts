// One suite per database kind, the two running at once: each has its own fake exchange and database, and most of
// their time is spent waiting on the CLI children they start, so a file's PostgreSQL and embedded halves need not
// wait for each other. The tests inside one kind still run one after another, in order.
import { describe } from 'node:test';
import { DB_KINDS, type DbKind } from './targets.ts';

export function describeOnEachDb(name: string, fn: (kind: DbKind) => void): void {
  describe(name, { concurrency: true }, () => {
    for (const kind of DB_KINDS) describe(`${name} on ${kind}`, { concurrency: false }, () => fn(kind));
  });
}

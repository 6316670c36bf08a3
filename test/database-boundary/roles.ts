// Roles with chosen privileges on a test database, for running the CLI as a user who may do less than the owner.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { query } from '../support/stored-rows.ts';
import type { Target } from '../support/targets.ts';
import { testClusterUrl } from '../support/test-database.ts';

export interface Role {
  readonly name: string;
  /** The target, connecting as this role. */
  readonly target: Target;
  /** Drops the role; call after the target's database is gone (roles are the cluster's). */
  drop(): Promise<void>;
}

/** A login role (the test cluster trusts local connections) given `grants`, each a statement with `%r` for its name. */
export async function createRole(owner: Target, prefix: string, grants: readonly string[]): Promise<Role> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await query(owner, `create role ${name} login`);
  for (const g of grants) await query(owner, g.replaceAll('%r', name));
  const url = new URL(owner.databaseUrl as string);
  url.username = name;
  return {
    name,
    target: { ...owner, databaseUrl: url.toString() },
    drop: async () => {
      const admin = new pg.Client({ connectionString: testClusterUrl() });
      await admin.connect();
      try {
        await admin.query(`drop role if exists ${name}`);
      } finally {
        await admin.end();
      }
    },
  };
}

export const READ_ONLY_GRANTS = ['grant usage on schema public to %r', 'grant select on all tables in schema public to %r'];
export const WRITER_GRANTS = [
  'grant usage on schema public to %r',
  'grant select, insert, update, delete on all tables in schema public to %r',
  'grant usage, select on all sequences in schema public to %r',
];

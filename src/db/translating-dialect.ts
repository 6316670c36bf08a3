import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult, TransactionSettings } from 'kysely';

export type Translate = (err: unknown) => unknown;
type SavepointCompiler = Parameters<NonNullable<Driver['savepoint']>>[2];

/**
 * A Kysely dialect whose every statement — query builder, raw `sql`, the migrator's, a transaction's begin and end,
 * getting a connection — fails with the translated error (db/database-failure.ts) rather than the driver's own. The
 * one place where driver errors become the documented messages, for PostgreSQL and PGlite alike.
 */
export function translatingDialect(inner: Dialect, translate: Translate): Dialect {
  return {
    createDriver: () => new TranslatingDriver(inner.createDriver(), translate),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createAdapter: () => inner.createAdapter(),
    createIntrospector: (db) => inner.createIntrospector(db),
  };
}

class TranslatingDriver implements Driver {
  /** The wrapper handed to Kysely for each of the inner driver's connections, so it gets the same one back. */
  private readonly wrapped = new WeakMap<DatabaseConnection, TranslatingConnection>();

  constructor(
    private readonly inner: Driver,
    private readonly translate: Translate,
  ) {}

  private async run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.translate(err);
    }
  }

  private unwrap(connection: DatabaseConnection): DatabaseConnection {
    return connection instanceof TranslatingConnection ? connection.inner : connection;
  }

  init(): Promise<void> {
    return this.run(() => this.inner.init());
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.run(() => this.inner.acquireConnection());
    let wrapper = this.wrapped.get(connection);
    if (!wrapper) {
      wrapper = new TranslatingConnection(connection, this.translate);
      this.wrapped.set(connection, wrapper);
    }
    return wrapper;
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.run(() => this.inner.beginTransaction(this.unwrap(connection), settings));
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.run(() => this.inner.commitTransaction(this.unwrap(connection)));
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.run(() => this.inner.rollbackTransaction(this.unwrap(connection)));
  }

  savepoint(connection: DatabaseConnection, name: string, compile: SavepointCompiler): Promise<void> {
    const call = this.inner.savepoint?.bind(this.inner);
    if (!call) return Promise.reject(new Error('this database driver does not support savepoints'));
    return this.run(() => call(this.unwrap(connection), name, compile));
  }

  rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: SavepointCompiler): Promise<void> {
    const call = this.inner.rollbackToSavepoint?.bind(this.inner);
    if (!call) return Promise.reject(new Error('this database driver does not support savepoints'));
    return this.run(() => call(this.unwrap(connection), name, compile));
  }

  releaseSavepoint(connection: DatabaseConnection, name: string, compile: SavepointCompiler): Promise<void> {
    const call = this.inner.releaseSavepoint?.bind(this.inner);
    if (!call) return Promise.reject(new Error('this database driver does not support savepoints'));
    return this.run(() => call(this.unwrap(connection), name, compile));
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.run(() => this.inner.releaseConnection(this.unwrap(connection)));
  }

  destroy(): Promise<void> {
    return this.run(() => this.inner.destroy());
  }
}

class TranslatingConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    private readonly translate: Translate,
  ) {}

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    try {
      return await this.inner.executeQuery<R>(compiledQuery);
    } catch (err) {
      throw this.translate(err);
    }
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    try {
      yield* this.inner.streamQuery<R>(compiledQuery, chunkSize);
    } catch (err) {
      throw this.translate(err);
    }
  }
}

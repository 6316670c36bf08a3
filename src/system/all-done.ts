/**
 * Promise.all that settles only once every promise has: the first failure is thrown then, with no query of the
 * others still on its way when the caller goes on to close the database.
 */
export async function allDone<T>(promises: ReadonlyArray<Promise<T>>): Promise<T[]> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((p) => p.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((p) => (p as PromiseFulfilledResult<T>).value);
}

/** Counters a run reports: every request sent, and the trouble met on the way. */
export interface RequestStats {
  requests: number;
  weight: number;
  retries: number;
  rateLimited: number;
}

export function emptyRequestStats(): RequestStats {
  return { requests: 0, weight: 0, retries: 0, rateLimited: 0 };
}

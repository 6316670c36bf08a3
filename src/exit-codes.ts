/** The documented exit codes (README "Exit codes" and `--help`). */
export const EXIT = {
  success: 0,
  failure: 1,
  usage: 2,
  partial: 3,
  /** The database's schema is newer than this binary's migrations: upgrade cryptocollect. */
  schemaTooNew: 4,
  /**
   * `status --check` / `gaps --check`: a series is behind, has gaps, or a command's last run did not succeed;
   * `gaps --verify`: stored candles differ from an archive file the archive replaced since.
   */
  unhealthy: 5,
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODES_HELP = `Exit codes:
  0    success
  1    failure (exchange or database error, every series failed)
  2    invalid usage or input (flags, dates, symbols, intervals, configuration)
  3    partial: some series failed, the others succeeded (gaps --verify: an archive file could not be verified)
  4    the database was upgraded by a newer cryptocollect: upgrade this one
  5    status --check, gaps --check: unhealthy (a series behind or with gaps, a last run not successful);
       gaps --verify: stored candles differ from an archive file replaced since
  130  interrupted (SIGINT/SIGTERM)`;

#!/usr/bin/env bash
# A Nagios/Icinga plugin, and a cron check, over `cryptocollect status --check`: every active series within its
# lag and without gaps, and the last run of each command a success.
#
#   check-freshness.sh [status --check options…]      e.g. --grace 20m, --max-lag 2h, --symbols BTCUSDT, --quiet
#
# Plugin conventions: the tool's lines on stdout (the status line first, `OK: …` or `UNHEALTHY: N problems`, then
# one line per problem), and exit 0 OK, 2 CRITICAL (status --check's exit 5: unhealthy), 3 UNKNOWN (the check could
# not run: the database unreachable, a bad option… — its one line follows `UNKNOWN: `). From cron, pass --quiet:
# nothing is printed when all is well, so cron mails only problems.
#
# "Behind" is judged against each series' own interval (--max-lag auto): a series is stale once the candle after
# its newest collected one has closed more than the grace ago (default 1h15m, an hourly forward and 15 minutes to
# spare), so a daily series twenty hours "behind" every evening is current. The rule is the tool's, not this
# script's: cryptocollect status --check --json gives each series' allowance.
set -uo pipefail

cryptocollect=${CRYPTOCOLLECT:-/usr/local/bin/cryptocollect}

out=$("$cryptocollect" status --check "$@" 2>&1)
code=$?
case $code in
  0) [[ -z "$out" ]] || printf '%s\n' "$out"; exit 0 ;;
  5) printf '%s\n' "$out"; exit 2 ;;
  *) printf 'UNKNOWN: %s\n' "${out#cryptocollect: }"; exit 3 ;;
esac

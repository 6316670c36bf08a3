#!/usr/bin/env bash
# Alert (exit 1, the list on stderr) when a tracked series is behind or has gaps; silent when all is well, so it can
# run from cron. Reads `cryptocollect status --json` (needs jq).
#
# "Behind" is judged against each series' own interval, not one fixed lag: a daily series is normally up to a day
# behind the clock (its newest closed candle opened yesterday), an hourly one up to an hour. A series is stale when
#   lag_seconds > its interval + how often forward runs (CADENCE_SECONDS, default 3600) + GRACE_SECONDS (900)
# so a 2-hour rule would not call every daily series stale from 02:00 each day.
#
# This script will give way to `cryptocollect status --check` (the operations issue): the tool's own check, with
# the same rule, exit codes of its own and nothing to parse. Until then the rule lives here.
set -euo pipefail

cryptocollect=${CRYPTOCOLLECT:-/usr/local/bin/cryptocollect}
cadence=${CADENCE_SECONDS:-3600}
grace=${GRACE_SECONDS:-900}

# A failing status (the database unreachable, …) ends the script with its exit code and its one line on stderr.
status=$("$cryptocollect" status --json --runs 1)

problems=$(jq -r --argjson cadence "$cadence" --argjson grace "$grace" '
  # An interval in seconds; a month (1M) at its longest.
  def seconds: {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "M": 2678400} as $unit
    | (.[:-1] | tonumber) * $unit[.[-1:]];
  (.series[]
   | ((.interval | seconds) + $cadence + $grace) as $allowed
   | select(.lag_seconds > $allowed or .gaps > 0)
   | "\(.symbol) \(.interval): \(.lag_seconds) s behind (allowed \($allowed) s), \(.gaps) gaps"),
  (.runs[0] | select(. != null and .status == "failed") | "the last run (#\(.id), \(.command)) failed: \(.error)")
' <<<"$status")

if [[ -n "$problems" ]]; then
  printf 'cryptocollect needs attention:\n%s\n' "$problems" >&2
  exit 1
fi
if [[ -t 1 ]]; then
  echo "all $(jq '.series | length' <<<"$status") series current"
fi

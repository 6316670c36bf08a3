#!/usr/bin/env bash
# Alert when any series lags more than two hours or has gaps, reading `status --json` (needs jq).
set -euo pipefail
status=$(npx cryptocollect status --json)
stale=$(jq -r '.series[] | select(.lag_seconds > 7200 or .gaps > 0)
               | "\(.symbol) \(.interval): lag \(.lag_seconds)s, \(.gaps) gaps"' <<<"$status")
last_run=$(jq -r '.runs[0] | "\(.command) \(.status) at \(.started_at)"' <<<"$status")
if [[ -n "$stale" ]]; then
  printf 'cryptocollect needs attention (last run: %s)\n%s\n' "$last_run" "$stale" >&2
  exit 1
fi
echo "all series current (last run: $last_run)"

#!/usr/bin/env bash
# How long a newcomer waits (issue 21, "install in seconds"), from a clean clone of this
# repository into a temporary folder, every output line time-stamped:
#   benchmarks/first_run.sh demo   `make demo` until /healthz answers on port 8000
#   benchmarks/first_run.sh ci     `bash .ci/run` until pytest's workers have collected the
#                                  tests (the first tests start then)
# Outside `make bench`: it needs port 8000 free and takes one to two minutes.
set -uo pipefail
what=${1:?"demo or ci"}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'pkill -f "$work/.venv" 2>/dev/null; rm -rf "$work"' EXIT
git clone -q "$repo" "$work" && cd "$work" || exit 1
start=$(date +%s.%N)
stamp() { while IFS= read -r line; do
  printf '%6.1f %s\n' "$(echo "$(date +%s.%N) - $start" | bc)" "${line:0:110}"; done; }
case $what in
  demo) (setsid make demo 2>&1 | stamp > "$work/log") &
        until curl -sf http://127.0.0.1:8000/healthz >/dev/null 2>&1; do sleep 0.2; done ;;
  ci)   (setsid bash .ci/run 2>&1 | stamp > "$work/log") &
        until grep -Eq '^ *[0-9.]+ [0-9]+ workers \[' "$work/log"; do sleep 0.2; done ;;
  *)    echo "demo or ci" >&2; exit 2 ;;
esac
end=$(date +%s.%N)
grep -av '^ *[0-9.]* *$' "$work/log"
echo "$what: $(echo "$end - $start" | bc) s"

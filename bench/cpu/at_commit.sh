#!/usr/bin/env bash
# Run a benchmark against the code of one commit while the checkout is being edited by others:
#
#   bench/cpu/at_commit.sh <commit> bench/cpu/run.py --profile        # "before": the services of <commit>
#   bench/cpu/at_commit.sh HEAD bench/xlsx/run.py --rows 20000
#
# The commit is exported (git archive) to /tmp/carnet-bench-tree-<commit>, the checkout's bench/ is copied
# over it (today's benchmark on yesterday's services), and the script runs with PYTHONPATH on the export's
# packages: they come before the venv's editable installs of the checkout, for the benchmark and for every
# process the stack starts (nameko services, gunicorn gateway, bootstraps). Results go to the checkout's
# bench/results unless --out says otherwise.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
COMMIT=$(git -C "$ROOT" rev-parse --short "${1:?usage: at_commit.sh <commit> <bench script> [args]}")
SCRIPT=${2:?usage: at_commit.sh <commit> <bench script> [args]}
shift 2
TREE=/tmp/carnet-bench-tree-$COMMIT
rm -rf "$TREE" && mkdir -p "$TREE"
git -C "$ROOT" archive "$COMMIT" | tar -x -C "$TREE"
cp -r "$ROOT/bench/." "$TREE/bench/"
echo "$COMMIT" > "$TREE/SOURCE_COMMIT"
PATHS=$(find "$TREE/libs" "$TREE/services" -mindepth 1 -maxdepth 1 -type d | sort | tr '\n' ':')
export PYTHONPATH="$PATHS$TREE/gateway"
case " $* " in *" --out "*) ;; *) set -- "$@" --out "$ROOT/bench/results" ;; esac
exec "$ROOT/.venv/bin/python" "$TREE/$SCRIPT" "$@"

#!/usr/bin/env bash
# The three nbval runs of `make test-notebooks` side by side, one CPU thread each (the runs are
# single-threaded at heart, and a CI machine has 2 cores), each logging to DIR/NAME.log; the logs
# are printed in order at the end, and the exit status is that of the first run that failed.
#   usage: bash tests/nbval_runs.sh PYTHON DIR
set -u
python=$1 dir=$2
mkdir -p "$dir"
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
runs=("seed0 0" "seed1-avx2 1 avx2" "seed0-default 0 default")
pids=()
for run in "${runs[@]}"; do
    set -- $run
    bash tests/nbval.sh "$python" "$dir/$1" "$2" "${3:-}" > "$dir/$1.log" 2>&1 &
    pids+=($!)
done
status=0
for k in "${!runs[@]}"; do
    wait "${pids[$k]}"
    rc=$?
    set -- ${runs[$k]}
    echo "===== nbval run $1 (exit $rc) ====="
    cat "$dir/$1.log"
    if [ $rc -ne 0 ] && [ $status -eq 0 ]; then status=$rc; fi
done
exit $status

#!/usr/bin/env bash
# The runs of `make test` side by side, one CPU thread each: the package's tests and doctests
# ("crit", with --with-package-tests) and the two nbval runs of `make test-notebooks`. Each run is
# single-threaded at heart and a CI machine has 2 cores, so running them one after the other leaves
# a core idle. Each run logs to DIR/NAME.log; the logs are printed in order at the end, and the
# exit status is that of the first run that failed.
#   usage: bash tests/nbval_runs.sh PYTHON DIR [--with-package-tests]
set -u
python=$1 dir=$2 with_package=${3:-}
mkdir -p "$dir"
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
runs=("seed0 0" "seed1-default 1 default")
if [ "$with_package" = "--with-package-tests" ]; then runs=("crit" "${runs[@]}"); fi
pids=()
for run in "${runs[@]}"; do
    set -- $run
    if [ "$1" = crit ]; then
        MPLBACKEND=Agg "$python" -m pytest --doctest-modules tests crit > "$dir/$1.log" 2>&1 &
    else
        bash tests/nbval.sh "$python" "$dir/$1" "$2" "${3:-}" > "$dir/$1.log" 2>&1 &
    fi
    pids+=($!)
done
status=0
for k in "${!runs[@]}"; do
    wait "${pids[$k]}"
    rc=$?
    set -- ${runs[$k]}
    echo "===== run $1 (exit $rc) ====="
    cat "$dir/$1.log"
    if [ $rc -ne 0 ] && [ $status -eq 0 ]; then status=$rc; fi
done
exit $status

#!/usr/bin/env bash
# Run every notebook under nbval, converted into a fresh folder, at one seed and one ATen CPU kernel path.
#   usage: bash tests/nbval.sh PYTHON DIR SEED [ATEN_CPU_CAPABILITY]
# A critical network amplifies rounding, so another seed or another kernel path (default: the portable
# kernels; avx2) gives other avalanches, as another CPU would: every chapter must run on each of them.
# The kernel runs in DIR, which starts empty, so crit's results cache (DIR/.cache) computes afresh.
# pytest's exit code 5 ("no tests collected") is not a failure.
set -u
python=$1 dir=$2 seed=$3 capability=${4:-}
rm -rf "$dir"
"$python" -m crit notebooks --to-ipynb "$dir" --seed "$seed" || exit $?
echo "nbval: SEED=$seed, ATEN_CPU_CAPABILITY=${capability:-native}"
export CRIT_CACHE_DIR="$(cd "$dir" && pwd)/.cache"  # this run's own cache, even when runs go side by side
if [ -n "$capability" ]; then export ATEN_CPU_CAPABILITY=$capability; fi
MPLBACKEND=Agg "$python" -m pytest --nbval-lax --nbval-current-env -p no:cacheprovider \
    --nbval-sanitize-with tests/nbval_sanitize.cfg "$dir"
rc=$?
if [ $rc -eq 5 ]; then echo "nbval: no notebook cells to run"; rc=0; fi
exit $rc

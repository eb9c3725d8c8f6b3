#!/usr/bin/env bash
# The paper profile in one job on a GPU machine that has PyTorch but no Jupyter, from the repository root:
#
#   CRIT_COMMIT=$(git rev-parse --short=12 HEAD) bash benchmarks/gpu_paper_run.sh
#
# 1. times the authors' headline run (benchmarks/engine.py --headline);
# 2. computes each chapter at the paper profile (benchmarks/paper_profile.py prints its time), the
#    cheapest first, each given at most CHAPTER_LIMIT seconds so that a slow one costs only itself;
# 3. publishes each chapter right after it is computed (python -m crit publish --only NAME): its
#    parts and the whole page, with the device, the wall times and CRIT_COMMIT (the copy of the tree
#    on such a machine has no .git);
# 4. packs results/paper/ and the logs into $OUT/results-paper.tgz (one file to bring back; unpack it
#    in the repository and `make book` renders the published chapters on a CPU).
#
# Settings (environment): OUT (default _build/gpu-run), DEVICE (cuda), PROFILE (paper; "ci" with
# DEVICE=cpu tries the script on a CPU: nothing is published), CHAPTER_LIMIT (seconds, default 240),
# HEADLINE (1; 0 skips step 1), PYTHON (python3). Wheels in .whl/ (e.g. mnist1d, missing on such
# machines) are installed first; crit is imported from this folder (it need not be installed).
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-_build/gpu-run}
DEVICE=${DEVICE:-cuda}
PROFILE=${PROFILE:-paper}
LIMIT=${CHAPTER_LIMIT:-240}
PY=${PYTHON:-python3}
export PYTHONUNBUFFERED=1 CRIT_CACHE_DIR=${CRIT_CACHE_DIR:-/tmp/crit-$PROFILE-cache}
export PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH}
mkdir -p "$OUT/logs"
if compgen -G ".whl/*.whl" >/dev/null; then
  $PY -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/crit-site \
    .whl/*.whl || exit 1
  export PYTHONPATH=/tmp/crit-site:$PYTHONPATH
fi
$PY -c "import torch; print('device:', torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'cpu')" \
  | tee "$OUT/logs/device.txt"
if [ "${HEADLINE:-1}" = 1 ]; then
  $PY benchmarks/engine.py --device "$DEVICE" --headline 2>&1 | tee "$OUT/logs/headline.txt"
fi
for name in quasi_critical_scaling phase_diagram susceptibility_predicts_learning universality_classes; do
  timeout "$LIMIT" $PY benchmarks/paper_profile.py --profile "$PROFILE" --device "$DEVICE" --only "$name" 2>&1 \
    | tee -a "$OUT/logs/profile.txt"
  rc=${PIPESTATUS[0]}
  echo "$name: exit $rc$( [ "$rc" = 124 ] && echo " (past CHAPTER_LIMIT=$LIMIT s)")" | tee -a "$OUT/logs/profile.txt"
  if [ "$PROFILE" = paper ]; then
    $PY -m crit publish --only "$name" 2>&1 | tee -a "$OUT/logs/publish.txt"
  fi
done
tar czf "$OUT/results-paper.tgz" $( [ -d results/paper ] && echo results/paper ) -C "$OUT" logs
ls -l "$OUT/results-paper.tgz"

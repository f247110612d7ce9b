#!/usr/bin/env bash
# One-shot GPU run for a lent GPU machine (the device tool's `run`): a short real-GPU equality check,
# then `python -m benchmarks gpu`; everything lands in $OUT. Finishes in under 5 minutes (timeout guards).
#
# Prepare once, here, in the repository root (no GPU needed; nothing of this is committed):
#   echo /.whl/ >> .git/info/exclude; echo /.device_data/ >> .git/info/exclude
#   # numpy 2.4.x for the device's Python 3.12 (its numpy 2.5 breaks `import numba.cuda`: np.row_stack):
#   python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
#     --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 --platform manylinux_2_17_x86_64 \
#     --platform manylinux2014_x86_64 --platform manylinux1_x86_64 -d .whl 'numpy==2.4.*'
#   .venv/bin/python -m benchmarks.device_data      # 4 TUM pairs per dataset from ../shared/data -> .device_data/
# Then call the device tool:
#   run(command="bash benchmarks/device_oneshot.sh", carry=[".whl", ".device_data"], timeout_s=330)
# Without the wheel the device's own numpy is used; without .device_data (or ../shared/data) the TUM rows skip.
#
# Files back in $OUT (7, within the tool's 8): env.txt, check.log, check.json, gpu.log, gpu.md, gpu.json, gpu.png.
# Exit status: the equality check's (0 passed, 1 failed, 2 no GPU, 124 timed out), or the benchmark's if that failed.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 3
OUT=${OUT:-$ROOT/benchmarks/results/device}
mkdir -p "$OUT"
PY=${PYTHON:-python3}
CHECK_S=${CHECK_S:-100}   # equality check, cold compiles included (about a minute)
BENCH_S=${BENCH_S:-160}   # hard limit of the benchmark; its own budget is 45 s less so it writes its report
export NUMBA_CACHE_DIR=/tmp/numba_cache_jacgen PYTHONUNBUFFERED=1 OMP_WAIT_POLICY=PASSIVE
mkdir -p "$NUMBA_CACHE_DIR"

SITE=""
WHEEL=$(ls .whl/numpy-2.4*.whl 2>/dev/null | head -n 1)
if [ -n "$WHEEL" ]; then
  SITE=/tmp/site_jacgen
  timeout 30 "$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target "$SITE" \
    "$WHEEL" || { mkdir -p "$SITE" && "$PY" -m zipfile -e "$WHEEL" "$SITE"; }
fi
export PYTHONPATH="${SITE:+$SITE:}$ROOT"

if ls .device_data/*/pairs.csv >/dev/null 2>&1; then
  DATA=$ROOT/.device_data
else
  DATA=$ROOT/../shared/data
fi

{
  echo "date: $(date -u +%FT%TZ)  root: $ROOT  python: $PY  PYTHONPATH: $PYTHONPATH  data: $DATA"
  echo "numpy wheel: ${WHEEL:-none (device numpy)}"
  git -C "$ROOT" rev-parse --short HEAD 2>/dev/null
  timeout 10 nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.mem --format=csv 2>&1
  timeout 30 "$PY" -c 'import sys, numpy, numba; print(sys.version.split()[0], "numpy", numpy.__version__, "numba", numba.__version__)
from numba import cuda; ok = cuda.is_available(); print("numba.cuda available:", ok); ok and cuda.detect()' 2>&1
} >"$OUT/env.txt" 2>&1
cat "$OUT/env.txt"

set -o pipefail
timeout -k 5 "$CHECK_S" "$PY" -m benchmarks.device_check --data "$DATA" --json "$OUT/check.json" 2>&1 | tee "$OUT/check.log"
check_rc=$?
echo "device_check exit status: $check_rc" | tee -a "$OUT/check.log"

BENCH_GPU_BUDGET_S=$((BENCH_S - 45)) timeout -k 5 "$BENCH_S" "$PY" -m benchmarks gpu --data "$DATA" --out "$OUT" 2>&1 \
  | tee "$OUT/gpu.log"
bench_rc=$?
echo "benchmarks gpu exit status: $bench_rc" | tee -a "$OUT/gpu.log"
[ "$check_rc" -ne 0 ] && exit "$check_rc"
exit "$bench_rc"

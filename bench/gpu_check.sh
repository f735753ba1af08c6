#!/usr/bin/env bash
# The GPU check, under 5 minutes on one NVIDIA GPU: the CuPy tests (which skip elsewhere; with
# them the array_api_strict tests of the same files, a few seconds), then
# the GPU benchmarks (AUC by sorting, the MLP SGD step), printing their figures. Needs CuPy and
# array-api-compat in the environment (PyTorch too, for the MLP step's comparison):
#   .venv/bin/pip install -e '.[gpu,test]'
#   bench/gpu_check.sh            # or PY=/path/to/python bench/gpu_check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
export PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}"
"$PY" -c "import cupy; print('GPU:', cupy.cuda.runtime.getDeviceProperties(0)['name'].decode())"
timeout 120 "$PY" -m pytest -q -p no:cacheprovider -n 0 -rs \
    tests/stats/test_device_metrics.py tests/core/test_evaluate_engines.py \
    tests/autodiff/test_namespaces.py tests/ml/test_fit_namespaces.py
timeout 110 "$PY" bench/bench_gpu_auc.py --n 1e8 --repeats 5
timeout 60 "$PY" bench/bench_gpu_mlp.py --device cuda --batch 8192 --repeats 20

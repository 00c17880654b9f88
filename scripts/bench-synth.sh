#!/usr/bin/env bash
# Synthesis benchmark: release build linked as one static executable (as a user's `synth` binary would be,
# see README), each case in a fresh process, median of N runs with min and max; then the
# `synth` CLI itself writing the pipeline, spawn to exit.
# Usage: scripts/bench-synth.sh [--vs-cdk] [--runs N] [--sizes 100,1000,10000,20000]
#   --vs-cdk   also synthesizes the same apps with AWS CDK for Python (scripts/cdk-bench-app.py, `app.synth()`,
#              no `cdk` CLI) and prints the ratio; CDK_PYTHON picks the interpreter (default python3),
#              CDK_RUNS the runs per case (default 3). Without an AWS CDK install it says so and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."
extra=()
if [ "${1:-}" = "--vs-cdk" ]; then
  shift
  python="$(command -v "${CDK_PYTHON:-python3}" || true)"
  if [ -z "$python" ] || ! "$python" -c 'import aws_cdk' >/dev/null 2>&1 || ! command -v node >/dev/null; then
    echo "--vs-cdk: no AWS CDK for Python here ('${CDK_PYTHON:-python3} -c \"import aws_cdk\"' fails or node is missing);"
    echo "install it with 'pip install aws-cdk-lib' (needs node for the jsii runtime) or point CDK_PYTHON at a venv's python. Nothing measured."
    exit 0
  fi
  extra=(--cdk-python "$python" --cdk-runs "${CDK_RUNS:-3}")
  export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1
fi
# The static executable with direct metadata access (scripts/build-synth.sh says why), as a user's fast `synth` is built.
bin="$(scripts/build-synth.sh --product SynthBenchmark --product synth --show-bin-path)"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m), $(swift --version 2>&1 | head -1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$bin/SynthBenchmark" "$@" --synth "$bin/synth" ${extra[@]+"${extra[@]}"}

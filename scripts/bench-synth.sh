#!/usr/bin/env bash
# Synthesis benchmark: release build, each case in a fresh process, median of N runs with min and max.
# Usage: scripts/bench-synth.sh [--runs N] [--sizes 100,1000,10000,20000]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product SynthBenchmark >/dev/null
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m), $(swift --version 2>&1 | head -1)"
exec "$(swift build -c release --show-bin-path)/SynthBenchmark" "$@"

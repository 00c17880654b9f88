#!/usr/bin/env bash
# Synthesis benchmark: release build with the Swift runtime and Foundation linked statically (as a user's
# `synth` binary would be), each case in a fresh process, median of N runs with min and max; then the
# `synth` CLI itself writing the pipeline, spawn to exit.
# Usage: scripts/bench-synth.sh [--runs N] [--sizes 100,1000,10000,20000]
set -euo pipefail
cd "$(dirname "$0")/.."
build=(swift build -c release --static-swift-stdlib)
"${build[@]}" --product SynthBenchmark >/dev/null
"${build[@]}" --product synth >/dev/null
bin="$("${build[@]}" --show-bin-path)"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m), $(swift --version 2>&1 | head -1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$bin/SynthBenchmark" "$@" --synth "$bin/synth"

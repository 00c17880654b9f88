#!/usr/bin/env bash
# Synthesis benchmark: release build linked as one static executable (as a user's `synth` binary would be,
# see README), each case in a fresh process, median of N runs with min and max; then the
# `synth` CLI itself writing the pipeline, spawn to exit.
# Usage: scripts/bench-synth.sh [--runs N] [--sizes 100,1000,10000,20000]
set -euo pipefail
cd "$(dirname "$0")/.."
# Static executable: the Swift runtime, Foundation and glibc linked in, nothing for the dynamic loader to
# relocate or look up at start (a separate scratch path, so the usual release build keeps its flags).
build=(swift build -c release --static-swift-stdlib -Xswiftc -static-executable --scratch-path .build-static)
"${build[@]}" --product SynthBenchmark >/dev/null
"${build[@]}" --product synth >/dev/null
bin="$("${build[@]}" --show-bin-path)"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m), $(swift --version 2>&1 | head -1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$bin/SynthBenchmark" "$@" --synth "$bin/synth"

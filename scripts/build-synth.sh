#!/usr/bin/env bash
# Builds `synth` (or another product of the synthesis side, for example SynthBenchmark) as the fastest binary
# this toolchain makes, in its own scratch path so the usual debug and release builds keep their flags:
#   -c release --static-swift-stdlib -static-executable
#       one executable with the Swift runtime, Foundation and glibc linked in: nothing for the dynamic loader
#       to map, relocate or look up at start;
#   -disable-concrete-type-metadata-mangled-name-accessors
#       code asks for a concrete generic type's metadata (Value<String>, Resource<IAM.Role>) through its
#       accessor, which hands the runtime the witness tables it needs, instead of through its mangled name,
#       which makes the runtime demangle the name and look every generic requirement up among the binary's
#       ~6,000 protocol conformance records (a quarter of the pipeline's instructions).
# Usage: scripts/build-synth.sh [--product NAME]... [--show-bin-path]
#   Prints nothing but SwiftPM's errors; with --show-bin-path, prints the directory of the binaries.
set -euo pipefail
cd "$(dirname "$0")/.."
flags=(-c release --static-swift-stdlib -Xswiftc -static-executable
       -Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors
       --scratch-path .build-static)
products=()
show=false
while [ $# -gt 0 ]; do
  case "$1" in
    --product) products+=("$2"); shift 2 ;;
    --show-bin-path) show=true; shift ;;
    *) echo "build-synth.sh: unknown argument $1 (use --product NAME, --show-bin-path)" >&2; exit 2 ;;
  esac
done
[ ${#products[@]} -gt 0 ] || products=(synth)
for product in "${products[@]}"; do
  swift build "${flags[@]}" --product "$product" >/dev/null
done
if $show; then swift build "${flags[@]}" --show-bin-path; fi

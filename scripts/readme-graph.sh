#!/usr/bin/env bash
# Writes the pipeline's `synth --graph` into README.md between the synth-graph markers, or with --check fails when
# the embedded graph is stale (SynthTests.testReadmeGraphIsCurrent checks the same in `swift test`).
set -euo pipefail
cd "$(dirname "$0")/.."
graph=$(swift run ${SWIFT_RUN_FLAGS:-} synth --graph)
begin='<!-- synth-graph:begin (scripts/readme-graph.sh writes this block) -->'
end='<!-- synth-graph:end -->'
new=$(awk -v begin="$begin" -v end="$end" -v graph="$graph" '
  $0 == begin { print; print "```mermaid"; print graph; print "```"; skip = 1; next }
  $0 == end { skip = 0 }
  !skip { print }' README.md)
if [ "${1:-}" = "--check" ]; then
  if [ "$new" != "$(cat README.md)" ]; then echo "readme-graph: README.md's graph is stale; run scripts/readme-graph.sh" >&2; exit 1; fi
  echo "README.md graph is up to date"
else
  printf '%s\n' "$new" > README.md
fi

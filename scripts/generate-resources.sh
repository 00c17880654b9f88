#!/usr/bin/env bash
# Regenerates Sources/AWSResources/Generated from the registry schemas shipped with cfn-lint,
# or with --check fails when the committed code differs from a fresh generation (naming each differing,
# missing or extra file). SWIFT_RUN_FLAGS passes extra flags to swift run (e.g. "--scratch-path .build-gen").
set -euo pipefail
cd "$(dirname "$0")/.."
pinned=1.51.0
version=$(python3 -c 'import cfnlint.version; print(cfnlint.version.__version__)' 2>/dev/null || true)
if [ "$version" != "$pinned" ]; then
  echo "generate-resources: cfn-lint $pinned is required (found: ${version:-none}); pip install cfn-lint==$pinned" >&2
  exit 1
fi
schemas=$(python3 -c 'import cfnlint,os; print(os.path.join(os.path.dirname(cfnlint.__file__), "data", "schemas"))')
swift run ${SWIFT_RUN_FLAGS:-} ResourceGenerator --schemas "$schemas" --cfn-lint-version "$version" "$@"

#!/usr/bin/env bash
# Builds the functions' one `bootstrap` (every handler, picked by `_HANDLER`) as a static executable (no shared libraries: it runs on provided.al2023 whatever its glibc),
# strips it, and writes .build/lambda/ModelRegistrar.zip with `bootstrap` (mode 0755) at its root.
# The architecture is the build host's: build on arm64 for the default arm64 function, or set registrar.architecture.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product bootstrap --scratch-path .build-lambda -Xswiftc -static-executable >&2
binary="$(swift build -c release --product bootstrap --scratch-path .build-lambda --show-bin-path)/bootstrap"
out=.build/lambda
mkdir -p "$out"
cp "$binary" "$out/bootstrap"
strip "$out/bootstrap"
chmod 0755 "$out/bootstrap"
if readelf -d "$out/bootstrap" 2>/dev/null | grep -q NEEDED; then
  echo "package-lambda: bootstrap needs shared libraries:" >&2
  readelf -d "$out/bootstrap" | grep NEEDED >&2
  exit 1
fi
rm -f "$out/ModelRegistrar.zip"
python3 - "$out/bootstrap" "$out/ModelRegistrar.zip" <<'PY'
import sys, zipfile
source, target = sys.argv[1:3]
info = zipfile.ZipInfo("bootstrap", date_time=(2020, 1, 1, 0, 0, 0))
info.external_attr = (0o100755 << 16)
info.compress_type = zipfile.ZIP_DEFLATED
with zipfile.ZipFile(target, "w") as z, open(source, "rb") as f:
    z.writestr(info, f.read())
PY
arch=$(uname -m); [ "$arch" = aarch64 ] && arch=arm64
echo "$out/ModelRegistrar.zip ($arch; set registrar.architecture to match): bootstrap $(stat -c %s "$out/bootstrap") bytes, zip $(stat -c %s "$out/ModelRegistrar.zip") bytes, no shared libraries"

# Sourced by .ci/run (and usable by hand): prepares what the handler's integration tests need.
#   start_lambda_test_env  installs moto[server] if moto_server is missing, packages the static bootstrap
#                          (scripts/package-lambda.sh), starts moto_server on a free 127.0.0.1 port in the background,
#                          waits until it answers, and exports LAMBDA_BOOTSTRAP and MOTO_ENDPOINT for `swift test`
#   stop_lambda_test_env   stops that moto_server (by its PID)
# Usage: source scripts/ci-lambda.sh; start_lambda_test_env; trap stop_lambda_test_env EXIT; swift test
start_lambda_test_env() {
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  if ! command -v moto_server >/dev/null 2>&1; then
    python3 -m pip install -q 'moto[server]==5.2.1' || { echo "ci-lambda: cannot install moto[server]" >&2; return 1; }
  fi
  "$root/scripts/package-lambda.sh" || { echo "ci-lambda: packaging the bootstrap failed" >&2; return 1; }
  export LAMBDA_BOOTSTRAP="$root/.build/lambda/bootstrap"
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  moto_server -H 127.0.0.1 -p "$port" >"${TMPDIR:-/tmp}/moto-lambda-tests.log" 2>&1 &
  LAMBDA_TEST_MOTO_PID=$!
  local up=""
  for _ in $(seq 1 150); do
    if python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' "http://127.0.0.1:$port/moto-api/" 2>/dev/null; then
      up=1; break
    fi
    kill -0 "$LAMBDA_TEST_MOTO_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$up" ]; then
    echo "ci-lambda: moto_server did not answer on 127.0.0.1:$port (log: ${TMPDIR:-/tmp}/moto-lambda-tests.log)" >&2
    stop_lambda_test_env
    return 1
  fi
  export MOTO_ENDPOINT="http://127.0.0.1:$port"
  echo "ci-lambda: bootstrap $LAMBDA_BOOTSTRAP; moto_server $MOTO_ENDPOINT (pid $LAMBDA_TEST_MOTO_PID)"
}

stop_lambda_test_env() {
  if [ -n "${LAMBDA_TEST_MOTO_PID:-}" ]; then
    kill "$LAMBDA_TEST_MOTO_PID" 2>/dev/null || true
    wait "$LAMBDA_TEST_MOTO_PID" 2>/dev/null || true
    LAMBDA_TEST_MOTO_PID=""
  fi
}

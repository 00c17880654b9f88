# Sourced by .ci/run (and usable by hand): prepares what the handler's integration tests need.
#   start_lambda_test_env  installs moto[server] if missing, packages the static bootstrap, starts moto_server on a
#                          free 127.0.0.1 port, and exports MODEL_REGISTRAR_BOOTSTRAP and MOTO_ENDPOINT for `swift test`
#   stop_lambda_test_env   stops moto_server (by its PID)
start_lambda_test_env() {
  command -v moto_server >/dev/null || python3 -m pip install -q 'moto[server]==5.2.1'
  scripts/package-lambda.sh
  export MODEL_REGISTRAR_BOOTSTRAP="$PWD/.build/lambda/bootstrap"
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  moto_server -H 127.0.0.1 -p "$port" >"${TMPDIR:-/tmp}/moto-lambda-tests.log" 2>&1 &
  LAMBDA_TEST_MOTO_PID=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1 && break; sleep 0.1; done
  export MOTO_ENDPOINT="http://127.0.0.1:$port"
  echo "bootstrap: $MODEL_REGISTRAR_BOOTSTRAP; moto_server: $MOTO_ENDPOINT (pid $LAMBDA_TEST_MOTO_PID)"
}

stop_lambda_test_env() {
  if [ -n "${LAMBDA_TEST_MOTO_PID:-}" ]; then kill "$LAMBDA_TEST_MOTO_PID" 2>/dev/null || true; wait "$LAMBDA_TEST_MOTO_PID" 2>/dev/null || true; fi
}

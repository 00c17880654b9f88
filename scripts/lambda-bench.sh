#!/usr/bin/env bash
# Handler figures (prints them; not a test): cold start from exec to the first /next request, warm per-invocation
# overhead against a local Runtime API (no AWS call), the same with the SSM write against moto_server, peak RSS,
# binary and zip sizes; for the prediction API (_HANDLER=predict): cold start, a rejected request (no network at all), and
# a 16-text /predict against a local stub SageMaker runtime with the stub's own time taken out.
# Usage: scripts/lambda-bench.sh [invocations]   (default 200)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200}
[ -x .build/lambda/bootstrap ] || scripts/package-lambda.sh >/dev/null 2>&1
command -v moto_server >/dev/null || python3 -m pip install -q 'moto[server]==5.2.1'
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time; }
python3 - "$n" <<'PY'
import http.server, json, os, resource, socket, subprocess, sys, threading, time, urllib.request

n = int(sys.argv[1])
bootstrap = ".build/lambda/bootstrap"
upload = open("Tests/RegistrarTests/Fixtures/s3-events/object-created-put.json", "rb").read()
test_event = open("Tests/RegistrarTests/Fixtures/s3-events/test-event.json", "rb").read()

def serve(events):
    """A Runtime API that hands out `events` and records when each request arrives."""
    state = {"first_next": None, "done": threading.Event(), "times": []}
    queue = list(events)
    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # else the fake server's split writes meet delayed ACKs (~40 ms)
        def log_message(self, *a): pass
        def reply(self, code, body=b"", headers=()):
            self.send_response(code)
            for k, v in headers: self.send_header(k, v)
            self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
        def do_GET(self):
            now = time.perf_counter()
            if state["first_next"] is None: state["first_next"] = now
            state["times"].append(now)
            if not queue:
                # No more events: close the connection, so the bootstrap exits (and /usr/bin/time reports).
                state["done"].set(); self.close_connection = True; return
            body = queue.pop(0)
            self.reply(200, body, [("Lambda-Runtime-Aws-Request-Id", "r%d" % len(queue)), ("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 30000))])
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0))); self.reply(202)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, state

def run(events, env_extra, measure_rss=False, log=None):
    server, state = serve(events)
    env = {"PATH": "/usr/bin:/bin", "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:%d" % server.server_address[1], "_HANDLER": "registrar", "SSM_PARAMETER_NAME": "/bench/model",
           "AWS_REGION": "us-west-2", "AWS_ACCESS_KEY_ID": "AKIDBENCH", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}
    env.update(env_extra)
    command = ["/usr/bin/time", "-v", bootstrap] if measure_rss else [bootstrap]
    start = time.perf_counter()
    p = subprocess.Popen(command, env=env, stdout=log or subprocess.DEVNULL, stderr=subprocess.PIPE if measure_rss else subprocess.DEVNULL)
    state["done"].wait(120)
    try:
        _, err = p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill(); _, err = p.communicate()
    server.shutdown()
    rss = None
    if measure_rss:
        rss = next((int(l.split(":")[1]) for l in err.decode().splitlines() if "Maximum resident set size" in l), None)
    times = state["times"]
    per = [(b - a) * 1000 for a, b in zip(times[1:-1], times[2:])]
    return (state["first_next"] - start) * 1000, per, rss

def median(values): s = sorted(values); return s[len(s) // 2]

colds = [run([test_event], {})[0] for _ in range(20)]
_, warm, rss = run([test_event] * n, {}, measure_rss=True)
print("bootstrap %d bytes, zip %d bytes" % (os.path.getsize(bootstrap), os.path.getsize(".build/lambda/ModelRegistrar.zip")))
print("cold start, exec to first /next: median %.2f ms (min %.2f, max %.2f; 20 runs)" % (median(colds), min(colds), max(colds)))
print("warm invocation without SSM (s3:TestEvent), /next to /next: median %.3f ms over %d" % (median(warm), len(warm)))
print("peak RSS (/usr/bin/time -v, %d invocations): %s KiB" % (n, rss))

port = socket.socket(); port.bind(("127.0.0.1", 0)); p = port.getsockname()[1]; port.close()
moto = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(p)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
for _ in range(100):
    try: urllib.request.urlopen("http://127.0.0.1:%d/moto-api/" % p); break
    except Exception: time.sleep(0.1)
_, with_ssm, rss_ssm = run([upload] * n, {"AWS_ENDPOINT_URL": "http://127.0.0.1:%d" % p}, measure_rss=True)
moto.kill(); moto.wait()
print("warm invocation with SSM PutParameter against moto (includes moto's own time): median %.2f ms over %d; peak RSS %s KiB" % (median(with_ssm), len(with_ssm), rss_ssm))

# The prediction API. Function URL events (payload 2.0) as Lambda delivers them.
def url_event(method, path, body=None):
    event = {"version": "2.0", "rawPath": path, "rawQueryString": "", "headers": {"content-type": "application/json"}, "isBase64Encoded": False,
             "requestContext": {"http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1"}, "requestId": "bench"}}
    if body is not None: event["body"] = json.dumps(body)
    return json.dumps(event).encode()

# A stub SageMaker runtime on loopback: answers every InvokeEndpoint at once and records its own time per request.
stub_times = []
class Stub(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    def log_message(self, *a): pass
    def do_POST(self):
        start = time.perf_counter()
        texts = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))["inputs"]
        body = json.dumps([{"label": "POSITIVE", "score": 0.99} for _ in texts]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json"); self.send_header("X-Amzn-Invoked-Production-Variant", "AllTraffic")
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
        stub_times.append((time.perf_counter() - start) * 1000)
stub = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Stub)
threading.Thread(target=stub.serve_forever, daemon=True).start()
predict_env = {"_HANDLER": "predict", "ENDPOINT_NAME": "sentiment-endpoint", "AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME": "http://127.0.0.1:%d" % stub.server_address[1]}
texts = ["This is a fairly ordinary review sentence number %d, neither short nor long, about the product." % i for i in range(16)]
good = url_event("POST", "/predict", {"inputs": texts})
rejected = url_event("POST", "/predict", {"inputs": texts + ["one too many"]})
# Interleaved with the registrar's, so both see the same machine load.
pairs = [(run([test_event], {})[0], run([rejected], predict_env)[0]) for _ in range(20)]
colds_registrar, colds_predict = [a for a, _ in pairs], [b for _, b in pairs]
_, warm_rejected, rss_predict = run([rejected] * n, predict_env, measure_rss=True)
stub_times.clear()
import tempfile, re
with tempfile.TemporaryFile() as log:
    _, warm_good, _ = run([good] * n, predict_env, log=log)
    log.seek(0)
    # The handler's own line per request: "<id> POST /predict 200 16 texts, variant AllTraffic (0.9 ms)" (0.1 ms steps).
    handled = [float(m.group(1)) for m in re.finditer(rb"POST /predict 200 .*\(([0-9.]+) ms\)", log.read())]
stub.shutdown()
# Invocation i's /next→/next interval holds invocation i's stub call (the first /next carries no invocation).
overhead = [total - served for total, served in zip(warm_good, stub_times[1:])]
in_handler = [total - served for total, served in zip(handled, stub_times)]
print("predict: cold start, exec to first /next: median %.2f ms (min %.2f, max %.2f; 20 runs); registrar interleaved with it: median %.2f ms (min %.2f, max %.2f)"
      % (median(colds_predict), min(colds_predict), max(colds_predict), median(colds_registrar), min(colds_registrar), max(colds_registrar)))
print("predict: warm rejected request (17 texts → 400, no network), /next to /next: median %.3f ms over %d; peak RSS %s KiB" % (median(warm_rejected), len(warm_rejected), rss_predict))
print("predict: warm 16-text /predict against a loopback stub runtime, /next to /next: median %.3f ms; stub's own time median %.3f ms; handler overhead without the stub: median %.3f ms over %d"
      % (median(warm_good), median(stub_times), median(overhead), len(overhead)))
print("predict: the same, timed inside the handler (event in → response out, the stub call included) minus the stub's own time: median %.2f ms over %d"
      % (median(in_handler), len(in_handler)))
PY

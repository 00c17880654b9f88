#!/usr/bin/env bash
# Handler figures (prints them; not a test): cold start from exec to the first /next request, warm per-invocation
# overhead against a local Runtime API (no AWS call), the same with the SSM write against moto_server, peak RSS,
# binary and zip sizes. Usage: scripts/lambda-bench.sh [invocations]   (default 200)
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

def run(events, env_extra, measure_rss=False):
    server, state = serve(events)
    env = {"PATH": "/usr/bin:/bin", "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:%d" % server.server_address[1], "_HANDLER": "registrar", "SSM_PARAMETER_NAME": "/bench/model",
           "AWS_REGION": "us-west-2", "AWS_ACCESS_KEY_ID": "AKIDBENCH", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}
    env.update(env_extra)
    command = ["/usr/bin/time", "-v", bootstrap] if measure_rss else [bootstrap]
    start = time.perf_counter()
    p = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE if measure_rss else subprocess.DEVNULL)
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
PY

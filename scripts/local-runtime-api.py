#!/usr/bin/env python3
"""A local Lambda Runtime API on 127.0.0.1: starts a bootstrap, hands it events, prints its answers.

usage: local-runtime-api.py --bootstrap PATH --event FILE [--event FILE ...] [--env K=V ...] [--timeout 30]

Each /response or /error body is printed as one JSON line {"requestId", "status": "response"|"error", "body", "errorType"};
an /init/error is printed with status "init-error". Exits 0 when every event got a response, 1 otherwise.
Serves only 127.0.0.1 and stops after --timeout seconds whatever happens. Stdlib only.
"""
import argparse, http.server, json, os, queue, subprocess, sys, threading, time, uuid

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--event", action="append", default=[])
    parser.add_argument("--env", action="append", default=[])
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--deadline-ms", type=int, default=30000, help="time each invocation gets")
    args = parser.parse_args()

    events = queue.Queue()
    for path in args.event:
        with open(path, "rb") as f:
            events.put((str(uuid.uuid4()), f.read()))
    total = events.qsize()
    results, done = [], threading.Event()
    connections = set()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        def log_message(self, *a): pass
        def reply(self, status, body=b"", headers=()):
            self.send_response(status)
            for k, v in headers: self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        def do_GET(self):
            connections.add(self.client_address)
            if self.path != "/2018-06-01/runtime/invocation/next":
                return self.reply(404)
            try:
                request_id, body = events.get(timeout=args.timeout)
            except queue.Empty:
                return self.reply(500)
            deadline = int(time.time() * 1000) + args.deadline_ms
            self.reply(200, body, [("Lambda-Runtime-Aws-Request-Id", request_id), ("Lambda-Runtime-Deadline-Ms", str(deadline)),
                                   ("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-west-2:123456789012:function:local"),
                                   ("Content-Type", "application/json")])
        def do_POST(self):
            connections.add(self.client_address)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            parts = self.path.split("/")
            if self.path == "/2018-06-01/runtime/init/error":
                results.append({"status": "init-error", "body": body.decode(), "errorType": self.headers.get("Lambda-Runtime-Function-Error-Type")})
                self.reply(202); done.set(); return
            if len(parts) == 6 and parts[5] in ("response", "error"):
                results.append({"requestId": parts[4], "status": parts[5], "body": body.decode(),
                                "errorType": self.headers.get("Lambda-Runtime-Function-Error-Type")})
                self.reply(202)
                if len(results) == total: done.set()
                return
            self.reply(404)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = dict(os.environ)
    env.update(kv.split("=", 1) for kv in args.env)
    env["AWS_LAMBDA_RUNTIME_API"] = "127.0.0.1:%d" % server.server_address[1]
    process = subprocess.Popen([args.bootstrap], env=env, stdout=sys.stderr)
    # Wait for every answer, but no longer than --timeout, and not at all once the bootstrap has exited.
    give_up = time.monotonic() + args.timeout
    finished = not total
    while not finished and time.monotonic() < give_up:
        finished = done.wait(0.05)
        if not finished and process.poll() is not None:
            finished = done.wait(0.2)
            if not finished:
                print("local-runtime-api: bootstrap exited with status %d" % process.returncode, file=sys.stderr)
            break
    time.sleep(0.05)
    process.kill(); process.wait()
    server.shutdown()
    for result in results:
        print(json.dumps(result))
    print(json.dumps({"connections": len(connections)}), file=sys.stderr)
    ok = finished and len(results) == total and all(r["status"] == "response" for r in results)
    sys.exit(0 if ok else 1)

if __name__ == "__main__":
    main()

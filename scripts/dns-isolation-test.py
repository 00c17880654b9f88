#!/usr/bin/env python3
"""Proves that the static `bootstrap` loads no shared library at run time, host lookups included.

usage: scripts/dns-isolation-test.py [--bootstrap PATH]     (default: $LAMBDA_BOOTSTRAP, else .build/lambda/bootstrap)

Needs root (CI runs as root), strace, unshare, chroot, ip (iproute2) and Debian's libnss_myhostname.so.2 (downloaded
with `apt-get download libnss-myhostname` into .build/dns-isolation/ when missing). Prints SKIPPED with the reason and
exits 0 only where unshare or chroot are not permitted; any other failure exits 1.

Inside a private mount namespace and a private network namespace (loopback only, brought up here), it builds a throwaway
root holding only the binary, /proc (mounted: the Swift runtime reads /proc/self/exe), /etc/hosts, /etc/resolv.conf
pointing at a DNS responder this script runs on 127.0.0.1:53 (A 127.0.0.1 for the AWS host, SERVFAIL for one name,
NXDOMAIN for the rest), an /etc/nsswitch.conf naming `myhostname` before `dns`, and Debian's libnss_myhostname.so.2 +
the host's libc.so.6 where the loader looks. The bootstrap runs chrooted there under `strace -f -e trace=openat,execve`
(execve only to mark the exec), fed by scripts/local-runtime-api.py. Asserted, for each case:
  - no path containing `.so` (not even /etc/ld.so.cache) is opened, or tried, after the exec of /bootstrap;
  - the AWS host resolves (DNS answer 127.0.0.1), the connection to 443 is refused: an /invocation/error, then the
    process takes the next event (an s3:TestEvent answered with a /response);
  - the SSM endpoint set to an unknown host (NXDOMAIN): an /invocation/error naming that host and glibc's message
    "Name or service not known", not retried, and the process lives on;
  - a resolver failure (SERVFAIL, EAI_AGAIN): an /invocation/error naming the host and "Temporary failure in name
    resolution", retried (the name is looked up more than once), and the process lives on.
"""
import argparse, glob, json, os, shutil, socket, struct, subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AWS_HOST = "ssm.us-west-2.amazonaws.com"
UNKNOWN_HOST = "ssm.unknown-host.invalid"
SERVFAIL_HOST = "ssm.servfail.test"
FIXTURES = os.path.join(ROOT, "Tests/RegistrarTests/Fixtures/s3-events")


def say(text):
    print("dns-isolation-test: " + text, flush=True)


def skip(reason):
    say("SKIPPED: " + reason)
    sys.exit(0)


def fail(reason):
    say("FAIL: " + reason)
    sys.exit(1)


def permitted(command):
    return subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0


def myhostname_library():
    """Debian's libnss_myhostname.so.2, downloaded once into .build/dns-isolation/."""
    cache = os.path.join(ROOT, ".build/dns-isolation")
    found = glob.glob(os.path.join(cache, "x/usr/lib/*/libnss_myhostname.so.2"))
    if found:
        return found[0]
    for tool in ["apt-get", "dpkg-deb"]:
        if shutil.which(tool) is None:
            fail("%s is not installed: it downloads Debian's libnss-myhostname" % tool)
    os.makedirs(cache, exist_ok=True)
    for f in glob.glob(os.path.join(cache, "*.deb")):
        os.remove(f)
    download = ["apt-get", "download", "libnss-myhostname"]
    if subprocess.run(download, cwd=cache, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        if subprocess.run(download, cwd=cache).returncode != 0:
            fail("cannot download libnss-myhostname (apt-get download libnss-myhostname)")
    deb = glob.glob(os.path.join(cache, "*.deb"))[0]
    subprocess.run(["dpkg-deb", "-x", deb, os.path.join(cache, "x")], check=True)
    found = glob.glob(os.path.join(cache, "x/usr/lib/*/libnss_myhostname.so.2"))
    if not found:
        fail("no libnss_myhostname.so.2 in " + deb)
    return found[0]


# ---- a DNS responder on 127.0.0.1:53 (UDP), for this test only -------------------------------------------------

class Responder(threading.Thread):
    """A 127.0.0.1 for AWS_HOST (no AAAA), SERVFAIL for SERVFAIL_HOST, NXDOMAIN for every other name; logs each query."""

    def __init__(self):
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 53))
        self.queries = []

    @staticmethod
    def parse_name(packet, offset):
        labels = []
        while packet[offset] != 0:
            length = packet[offset]
            labels.append(packet[offset + 1:offset + 1 + length].decode("ascii", "replace"))
            offset += 1 + length
        return ".".join(labels).lower(), offset + 1

    def run(self):
        while True:
            try:
                packet, peer = self.sock.recvfrom(4096)
                ident, flags, qdcount = struct.unpack("!HHH", packet[:6])
                name, end = self.parse_name(packet, 12)
                qtype, qclass = struct.unpack("!HH", packet[end:end + 4])
                question = packet[12:end + 4]
                answers = b""
                if name == AWS_HOST:
                    rcode = 0
                    if qtype == 1:
                        answers = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + socket.inet_aton("127.0.0.1")
                elif name == SERVFAIL_HOST:
                    rcode = 2
                else:
                    rcode = 3
                self.queries.append((name, {1: "A", 28: "AAAA"}.get(qtype, str(qtype)), {0: "NOERROR", 2: "SERVFAIL", 3: "NXDOMAIN"}[rcode]))
                reply_flags = 0x8000 | (flags & 0x0100) | 0x0080 | rcode  # response, RD copied, RA
                header = struct.pack("!HHHHHH", ident, reply_flags, 1, 1 if answers else 0, 0, 0)
                self.sock.sendto(header + question + answers, peer)
            except Exception as error:  # a malformed query must not stop the responder
                self.queries.append(("?", "?", "error: %s" % error))


# ---- inside the namespaces ---------------------------------------------------------------------------------------

def inner(bootstrap, library):
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    work = tempfile.mkdtemp(prefix="dns-isolation-")
    root = os.path.join(work, "root")
    libdir = os.path.dirname(os.path.realpath("/lib/%s-linux-gnu/libc.so.6" % os.uname().machine))
    if not os.path.exists(os.path.join(libdir, "libc.so.6")):
        fail("no host libc.so.6 in " + libdir)
    mounted = False
    try:
        for d in ["etc", "proc", libdir.lstrip("/"), "lib/%s-linux-gnu" % os.uname().machine, "usr/lib/%s-linux-gnu" % os.uname().machine]:
            os.makedirs(os.path.join(root, d), exist_ok=True)
        shutil.copy2(bootstrap, os.path.join(root, "bootstrap"))
        # Where a static glibc's dlopen looks on Debian: the multiarch directories (ld.so.cache is absent).
        for d in {libdir, "/lib/%s-linux-gnu" % os.uname().machine, "/usr/lib/%s-linux-gnu" % os.uname().machine}:
            shutil.copy2(library, os.path.join(root, d.lstrip("/"), "libnss_myhostname.so.2"))
            shutil.copy2(os.path.join(libdir, "libc.so.6"), os.path.join(root, d.lstrip("/"), "libc.so.6"))
        with open(os.path.join(root, "etc/resolv.conf"), "w") as f:
            f.write("nameserver 127.0.0.1\noptions attempts:1 timeout:2\n")
        with open(os.path.join(root, "etc/hosts"), "w") as f:
            f.write("127.0.0.1 localhost\n::1 localhost\n")
        with open(os.path.join(root, "etc/nsswitch.conf"), "w") as f:
            f.write("hosts: files myhostname dns\n")
        subprocess.run(["mount", "-t", "proc", "proc", os.path.join(root, "proc")], check=True)
        mounted = True
        responder = Responder()
        responder.start()

        failures = []
        cases = [
            ("AWS host resolves, 443 refused", {}, AWS_HOST,
             ["%s:443" % AWS_HOST, "Connection refused"]),
            ("SSM endpoint on an unknown host (NXDOMAIN)", {"AWS_ENDPOINT_URL_SSM": "https://%s" % UNKNOWN_HOST}, UNKNOWN_HOST,
             [UNKNOWN_HOST, "Name or service not known"]),
            ("SSM endpoint whose lookup fails (SERVFAIL)", {"AWS_ENDPOINT_URL_SSM": "https://%s" % SERVFAIL_HOST}, SERVFAIL_HOST,
             [SERVFAIL_HOST, "Temporary failure in name resolution"]),
        ]
        for number, (title, extra, host, expected) in enumerate(cases, 1):
            say("case %d: %s" % (number, title))
            trace = os.path.join(work, "trace-%d.txt" % number)
            pidfile = os.path.join(work, "strace-%d.pid" % number)
            wrapper = os.path.join(work, "run-%d.sh" % number)
            with open(wrapper, "w") as f:
                # Not exec: local-runtime-api.py kills its child at the end; strace must live on to write the whole trace.
                f.write("#!/bin/sh\nstrace -f -qq -e trace=openat,execve -o '%s' chroot '%s' /bootstrap &\necho $! > '%s'\nwait $!\n"
                        % (trace, root, pidfile))
            os.chmod(wrapper, 0o755)
            env = {"_HANDLER": "registrar", "SSM_PARAMETER_NAME": "/mlops/model", "AWS_REGION": "us-west-2",
                   "AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "secret"}
            env.update(extra)
            before = sum(1 for q in responder.queries if q[0] == host and q[1] == "A")
            command = [sys.executable, os.path.join(ROOT, "scripts/local-runtime-api.py"), "--bootstrap", wrapper, "--timeout", "20",
                       "--event", os.path.join(FIXTURES, "object-created-put.json"), "--event", os.path.join(FIXTURES, "test-event.json")]
            for key, value in sorted(env.items()):
                command += ["--env", "%s=%s" % (key, value)]
            clean = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k not in ("SSM_PARAMETER_NAME", "_HANDLER")}
            run = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean)
            pid = int(open(pidfile).read().strip()) if os.path.exists(pidfile) else None
            for _ in range(200):  # strace ends when the bootstrap does (its Runtime API is gone)
                if pid is None or not os.path.exists("/proc/%d" % pid):
                    break
                time.sleep(0.05)
            results = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
            lines = open(trace).read().splitlines() if os.path.exists(trace) else []
            exec_index = next((i for i, line in enumerate(lines) if 'execve("/bootstrap"' in line), None)
            problems = []
            if exec_index is None:
                problems.append("no execve of /bootstrap in the strace output")
                after = []
            else:
                after = [line for line in lines[exec_index + 1:] if "openat(" in line]
            say("  files opened after exec (strace):")
            for line in after:
                print("    " + line.split(" ", 1)[1] if " " in line else line, flush=True)
            libraries = [line for line in after if ".so" in line]
            if libraries:
                problems.append("shared libraries opened after exec: " + "; ".join(l.split(" ", 1)[1] for l in libraries))
            statuses = [r.get("status") for r in results]
            if statuses != ["error", "response"]:
                problems.append("expected an /invocation/error then a /response for the next event, got %s" % statuses)
            else:
                body = results[0].get("body", "")
                missing = [text for text in expected if text not in body]
                if missing:
                    problems.append("the /invocation/error does not say %s: %s" % (missing, body))
                say("  /invocation/error: %s %s" % (results[0].get("errorType"), body))
                say("  next event: %s %s" % (results[1].get("status"), results[1].get("body")))
            lookups = sum(1 for q in responder.queries if q[0] == host and q[1] == "A") - before
            say("  DNS A queries for %s: %d" % (host, lookups))
            if lookups < 1:
                problems.append("the DNS responder saw no A query for %s" % host)
            if host == SERVFAIL_HOST and lookups < 2:
                problems.append("EAI_AGAIN was not retried (one A query for %s)" % host)
            if host == UNKNOWN_HOST and lookups > 2:
                problems.append("EAI_NONAME was retried (%d A queries for %s)" % (lookups, host))
            if problems:
                sys.stderr.write(run.stderr)
                for problem in problems:
                    say("  case %d FAILED: %s" % (number, problem))
                failures += problems
            else:
                say("  case %d ok" % number)
        if failures:
            fail("%d problem(s); see above" % len(failures))
        say("PASS: no shared library opened after exec in any case; lookups answered or failed with typed errors")
    finally:
        if mounted:
            subprocess.run(["umount", "-l", os.path.join(root, "proc")], check=False)
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bootstrap", default=os.environ.get("LAMBDA_BOOTSTRAP") or os.path.join(ROOT, ".build/lambda/bootstrap"))
    parser.add_argument("--inner", metavar="LIBRARY", help=argparse.SUPPRESS)
    args = parser.parse_args()
    bootstrap = os.path.abspath(args.bootstrap)
    if args.inner:
        inner(bootstrap, args.inner)
        return
    if not os.access(bootstrap, os.X_OK):
        fail("no executable bootstrap at %s (scripts/package-lambda.sh builds it)" % bootstrap)
    if os.geteuid() != 0:
        skip("not root: unshare and chroot are not permitted")
    if not permitted(["unshare", "-m", "-n", "true"]):
        skip("unshare -m -n is not permitted here (no CAP_SYS_ADMIN?)")
    if not permitted(["chroot", "/", "true"]):
        skip("chroot is not permitted here")
    for tool in ["strace", "ip", "mount"]:
        if shutil.which(tool) is None:
            fail("%s is not installed (.ci/run installs strace and iproute2)" % tool)
    library = myhostname_library()
    sys.stdout.flush()
    os.execvp("unshare", ["unshare", "-m", "-n", "--propagation", "private", sys.executable, os.path.abspath(__file__),
                          "--bootstrap", bootstrap, "--inner", library])


if __name__ == "__main__":
    main()

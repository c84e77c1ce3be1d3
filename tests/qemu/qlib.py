"""
qlib.py: the harness the QEMU test suites share (tests/qemu/run, tests/qemu/heap).
A suite is a list of functions test_<name>() that raise Fail; suite_main() runs them,
prints `PASS name (s)` or `FAIL name: reason` and the closing `N passed, N failed`, and
takes every cluster a test started down on every way out (a failed test's logs stay in
the cluster's state directory). Clusters come from tools/cluster; `up` names them after
the suite's process so two suites never collide.
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLUSTER = os.path.join(ROOT, "tools", "cluster")
PREFIX = "q%d" % (os.getpid() % 10000)
PING_RE = re.compile(r"ping (\d+): sent (\d+) received (\d+) lost (\d+) min (\d+) "
                     r"median (\d+) max (\d+) us")

started = []
opts = argparse.Namespace(accel=os.environ.get("PLURIX_ACCEL", "tcg"), keep=False)


class Fail(Exception):
    pass


def run(args, timeout=600, check=False):
    r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=timeout)
    if check and r.returncode != 0:
        raise Fail("%s -> %d: %s" % (" ".join(args[:4]), r.returncode, r.stdout[-600:]))
    return r


def cluster(*args, timeout=600, check=False):
    return run([CLUSTER] + [str(a) for a in args], timeout=timeout, check=check)


def up(name, *args):
    name = "%s-%s" % (PREFIX, name)
    started.append(name)
    r = cluster("up", "--name", name, "--accel", opts.accel, "--timeout", 90, *args,
                timeout=300)
    if r.returncode != 0:
        raise Fail("up %s: %s" % (" ".join(map(str, args)), r.stdout.strip()[-800:]))
    return name


def info(name):
    return json.loads(cluster("info", name, check=True).stdout)


def exec_(name, node, command, timeout=60, want=0):
    """Run a shell command on a node; raise unless exec's exit status is want."""
    r = cluster("exec", name, node, command, "--timeout", timeout, timeout=timeout + 30)
    if want is not None and r.returncode != want:
        raise Fail("node %d `%s`: exit %d, want %d: %s" % (node, command, r.returncode, want,
                                                          r.stdout.strip()[-400:]))
    return r.stdout


def exec_all(name, nodes, command, timeout=300):
    """The same command on several nodes at once; returns {node: output}."""
    out, errs = {}, []

    def one(i):
        try:
            out[i] = exec_(name, i, command, timeout)
        except Fail as e:
            errs.append(str(e))
    ts = [threading.Thread(target=one, args=(i,)) for i in nodes]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    if errs:
        raise Fail("; ".join(errs))
    return out


def stats(name, node):
    s = {}
    for ln in exec_(name, node, "stats").splitlines():
        p = ln.split()
        if len(p) == 2 and p[1].isdigit():
            s[p[0]] = int(p[1])
    return s


def node_exit(name, node, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        st = info(name)["nodes"][node]
        if st.get("exit") is not None:
            return st["exit"]
        time.sleep(0.1)
    return None


def check_alive(name):
    """Every node still runs: none exited, rebooted or panicked behind our back."""
    for i, st in enumerate(info(name)["nodes"]):
        if st.get("exit") is not None or st.get("panic"):
            raise Fail("node %d: exit %s %s" % (i, st.get("exit"), st.get("panic") or ""))


def pings(out):
    return [tuple(int(x) for x in m.groups()) for m in PING_RE.finditer(out)]


def cleanup(*_):
    for c in started:
        cluster("down", c, timeout=60)
    started.clear()


def suite_main(tests, shared=None, shared_users=()):
    """Run tests; shared: a dict whose "name" is a cluster the tests in shared_users
    (in order) use one after another, kept up between them."""
    global opts
    p = argparse.ArgumentParser()
    p.add_argument("-k", help="run only tests whose name contains this")
    p.add_argument("--accel", default=os.environ.get("PLURIX_ACCEL", "tcg"))
    p.add_argument("--keep", action="store_true")
    opts = p.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    passed = failed = 0
    t0 = time.time()
    try:
        for t in tests:
            name = t.__name__[5:]
            if opts.k and opts.k not in name:
                continue
            t1 = time.time()
            failed_now = True
            try:
                t()
                print("PASS %s (%.1f s)" % (name, time.time() - t1))
                passed += 1
                failed_now = False
            except (Fail, subprocess.TimeoutExpired, OSError, ValueError) as e:
                print("FAIL %s: %s" % (name, str(e).replace("\n", " | ")))
                failed += 1
                if opts.keep:
                    print("  kept: %s" % " ".join(started))
                    started.clear()
            sys.stdout.flush()
            keep = (shared or {}).get("name") if name in list(shared_users)[:-1] else None
            for c in [x for x in started if x != keep]:
                # a failed test's logs stay in the state directory for a post-mortem
                cluster("down", c, *([] if failed_now else ["--purge"]), timeout=60)
                started.remove(c)
    except KeyboardInterrupt:
        print("interrupted")
        failed += 1
    finally:
        cleanup()
    print("qemu suite: %.0f s, accel %s" % (time.time() - t0, opts.accel))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


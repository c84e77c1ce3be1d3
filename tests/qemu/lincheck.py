#!/usr/bin/env python3
"""
lincheck.py: a linearizability checker for the histories of one register (one heap word)
that clients read (get), write (put v) and increment (inc: adds 1, returns the new value).
tests/qemu/history uses it on each key; it runs on the host and touches nothing else.

An op is Op(client, kind, arg, result, t_inv, t_ret): kind "get" | "put" | "inc"; arg put's
value (None otherwise); result the value the node printed, or None if the op failed or
timed out. A failed op may or may not have taken effect: it is pending forever (it may
take effect at any point after its invocation, or never), so a failed get is dropped and a
failed put or inc is a candidate the search may linearize anywhere after t_inv, or leave out.

check(ops, init) searches for a linearization the way Wing & Gong do, with Lowe's
memoisation: a state is (the set of ops linearized, the register's value); an op may be
linearized next iff no other op still to be linearized returned before it was invoked; a
state seen once is not searched again. The history is linearizable iff some path
linearizes every completed op. On a violation it finds the shortest prefix (the ops that
returned first, with every op invoked before the last of them returned; those that had not
returned yet counted as pending) that is not linearizable, and describes the op whose
return made it so.

    tests/qemu/lincheck.py --self-test   hand-made histories: PASS/FAIL lines and
                                         "N passed, N failed"
"""

import collections
import sys

Op = collections.namedtuple("Op", "client kind arg result t_inv t_ret")
INF = float("inf")


def fmt(op):
    what = "%s(%s)" % (op.kind, "" if op.arg is None else op.arg)
    res = "failed" if op.result is None else str(op.result)
    return "c%s %s -> %s [%.4f, %.4f]" % (op.client, what, res, op.t_inv, op.t_ret)


def step(op, value):
    """The register's value after op, or None if op's result says it could not run on value."""
    if op.kind == "get":
        return value if op.result == value else None
    new = op.arg if op.kind == "put" else value + 1
    if op.result is not None and op.result != new:
        return None
    return new


def _prepare(ops):
    """Failed gets dropped; failed ops return at infinity; ordered by invocation."""
    kept = [o for o in ops if not (o.kind == "get" and o.result is None)]
    kept = [o._replace(t_ret=INF) if o.result is None else o for o in kept]
    return sorted(kept, key=lambda o: o.t_inv)


def _search(ops, init):
    """Values the register may hold once every completed op is linearized (empty: none)."""
    n = len(ops)
    must = 0
    for i, o in enumerate(ops):
        if o.result is not None:
            must |= 1 << i
    seen, ends = set(), set()
    stack = [(0, init)]
    while stack:
        done, value = stack.pop()
        if (done, value) in seen:
            continue
        seen.add((done, value))
        if done & must == must:
            ends.add(value)
        left = [i for i in range(n) if not done >> i & 1]
        if not left:
            continue
        min_ret = min(ops[i].t_ret for i in left)
        for i in left:
            if ops[i].t_inv > min_ret:
                break            # sorted by invocation: none later can go next either
            new = step(ops[i], value)
            if new is not None:
                stack.append((done | 1 << i, new))
    return ends


def _prefix(ops, k):
    """The k ops that returned first, and every op invoked before the k-th returned (pending)."""
    done = sorted((o for o in ops if o.result is not None), key=lambda o: o.t_ret)
    cut = done[k - 1].t_ret
    first = set(id(o) for o in done[:k])
    out = []
    for o in ops:
        if id(o) in first:
            out.append(o)
        elif o.t_inv < cut:
            out.append(o._replace(result=None))
    return out, done[k - 1]


def check(ops, init=0):
    """(True, "") if linearizable, else (False, a description of the violation)."""
    if _search(_prepare(ops), init):
        return True, ""
    ndone = sum(1 for o in ops if o.result is not None)
    lo, hi = 1, ndone                 # prefix lo-1 is fine, prefix hi is not
    while lo < hi:
        mid = (lo + hi) // 2
        if _search(_prepare(_prefix(ops, mid)[0]), init):
            lo = mid + 1
        else:
            hi = mid
    bad, culprit = _prefix(ops, lo)
    before = _search(_prepare(_prefix(ops, lo - 1)[0]), init) if lo > 1 else {init}
    near = [o for o in bad if o.t_ret >= culprit.t_inv or o is culprit]
    desc = ("not linearizable: the first %d ops to return are, %d are not; the op whose "
            "return breaks it: %s; values the register may hold after the %d before it: %s; "
            "ops overlapping or after its invocation: %s" % (
                lo - 1, lo, fmt(culprit), lo - 1, sorted(before)[:8],
                "; ".join(fmt(o) for o in near[:12])))
    return False, desc


def _selftest():
    def op(c, kind, arg, result, a, b):
        return Op(c, kind, arg, result, a, b)
    cases = [
        ("sequential", True, [op(1, "put", 5, 5, 0, 1), op(2, "get", None, 5, 2, 3),
                              op(1, "inc", None, 6, 4, 5), op(3, "get", None, 6, 6, 7)]),
        ("stale_read", False, [op(1, "put", 5, 5, 0, 1), op(2, "get", None, 0, 2, 3)]),
        ("lost_increment_overlapping", False, [op(1, "inc", None, 1, 0, 2),
                                               op(2, "inc", None, 1, 1, 3)]),
        ("lost_increment_sequential", False, [op(1, "inc", None, 1, 0, 1),
                                              op(2, "inc", None, 2, 2, 3),
                                              op(3, "inc", None, 2, 4, 5)]),
        ("concurrent_ok", True, [op(1, "put", 1, 1, 0, 10), op(2, "get", None, 0, 1, 2),
                                 op(3, "get", None, 1, 3, 4), op(2, "inc", None, 2, 5, 6),
                                 op(3, "inc", None, 3, 5.5, 9), op(2, "get", None, 3, 9.5, 11)]),
        ("concurrent_incs_either_order", True, [op(1, "inc", None, 2, 0, 4),
                                                op(2, "inc", None, 1, 1, 3),
                                                op(3, "get", None, 2, 5, 6)]),
        ("read_goes_back", False, [op(1, "put", 1, 1, 0, 10), op(2, "get", None, 1, 1, 2),
                                   op(3, "get", None, 0, 3, 4)]),
        ("failed_inc_took_effect", True, [op(1, "inc", None, None, 0, 1),
                                          op(2, "get", None, 1, 2, 3),
                                          op(2, "inc", None, 2, 4, 5)]),
        ("failed_inc_no_effect", True, [op(1, "inc", None, None, 0, 1),
                                        op(2, "get", None, 0, 2, 3)]),
        ("failed_put_takes_effect_late", True, [op(1, "put", 9, None, 0, 1),
                                                op(2, "get", None, 0, 2, 3),
                                                op(2, "get", None, 9, 4, 5)]),
        ("failed_inc_not_before_invocation", False, [op(2, "get", None, 1, 0, 1),
                                                     op(1, "inc", None, None, 2, 3)]),
        ("failed_inc_at_most_once", False, [op(1, "inc", None, None, 0, 1),
                                            op(2, "get", None, 1, 2, 3),
                                            op(2, "get", None, 2, 4, 5)]),
        ("failed_get_ignored", True, [op(1, "get", None, None, 0, 1),
                                      op(2, "put", 3, 3, 2, 3)]),
        ("initial_value", True, [op(1, "get", None, 7, 0, 1)], 7),
    ]
    passed = failed = 0
    for case in cases:
        name, want, ops = case[:3]
        got, why = check(ops, *case[3:])
        if got == want and (want or "not linearizable" in why):
            print("PASS lincheck %s" % name)
            passed += 1
        else:
            print("FAIL lincheck %s: got %s, want %s %s" % (name, got, want, why))
            failed += 1
    got, why = check([op(1, "put", 5, 5, 0, 1), op(2, "get", None, 5, 2, 3),
                      op(2, "get", None, 0, 4, 5), op(1, "get", None, 5, 6, 7)])
    if not got and "get() -> 0" in why.split("breaks it:")[1].split(";")[0]:
        print("PASS lincheck names_the_stale_get")
        passed += 1
    else:
        print("FAIL lincheck names_the_stale_get: %s" % why)
        failed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        sys.exit(_selftest())
    print("usage: lincheck.py --self-test")
    sys.exit(2)

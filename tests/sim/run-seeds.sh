#!/usr/bin/env bash
# tests/sim/run-seeds.sh SIM SIM_BROKEN SEEDS JOBS SIM_BROKEN_CODE: what
# `make test-sim` runs.
#  1. SEEDS seeds (each configured from itself: 2-16 nodes, workload mix,
#     mostly with faults), split over JOBS parallel processes; every failing
#     seed prints its seed and replay command.
#  2. The checkers catch a deliberately broken protocol (SIM_BROKEN: mutant 1,
#     invalidation skipped; SIM_BROKEN_CODE: mutant 8, a write to the sealed
#     code area taken; dsm/impl.h) on every one of 20 seeds.
#  3. A hot spot on 16 nodes stays within the retry bound (below).
#  4. A seed replays bit for bit: two runs print the same digest.
#  5. Takeovers happened in the seeds' long partitions (proto.h 11).
#  6. The PageServer's disk failed in the seeds: disk errors and torn writes
#     (a crash inside a checkpoint's write) happened.
#  7. The PageServer served code pages (proto.h 12), as it must once the
#     master is dead.
#  8. Seeds that once failed are replayed (regression seeds, below).
# Last line: "N passed, N failed" (each seed and each check counts one).
set -u
sim=$1 broken=$2 seeds=$3 jobs=$4 broken_code=$5
dir=build/test-logs/sim
mkdir -p "$dir"
per=$(( (seeds + jobs - 1) / jobs ))
pids=()
for ((j = 0; j < jobs; j++)); do
	first=$((1 + j * per))
	count=$per
	[ $((first + count - 1)) -gt "$seeds" ] && count=$((seeds - first + 1))
	"$sim" --first "$first" --count "$count" > "$dir/part$j.log" 2>&1 &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
passed=0 failed=0
for ((j = 0; j < jobs; j++)); do
	log=$dir/part$j.log
	grep -A1 '^FAIL' "$log"
	grep '^seeds ' "$log"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		echo "FAIL sim part $j died:"; tail -n 20 "$log"; failed=$((failed + 1)); continue
	fi
	passed=$((passed + $(echo "$line" | awk '{print $1}')))
	failed=$((failed + $(echo "$line" | awk '{print $3}')))
done
echo "seeds: $passed passed, $failed failed"

# The long partitions of the seeds that draw one (proto.h 11): the PageServer
# away from the manager takes over in some of them, or the test proves nothing.
splits=$(cat "$dir"/part*.log | sed -n 's/.* \([0-9]*\) splits, .*/\1/p' | awk '{s+=$1} END {print s+0}')
takeovers=$(cat "$dir"/part*.log | sed -n 's/.* \([0-9]*\) takeovers$/\1/p' | awk '{s+=$1} END {print s+0}')
if [ "$takeovers" -gt 0 ]; then
	echo "PASS $takeovers takeovers by the PageServer (a restarted manager's included) in" \
		"$splits long partitions (none where it had no checkpoint yet, or nobody asked)"
	passed=$((passed + 1))
else
	echo "FAIL no takeover in $splits long partitions"
	failed=$((failed + 1))
fi

# The disk faults of the seeds' fault phases (sim.c, sim_disk): errors from
# every disk call and crashes in a checkpoint's write, or the PageServer's
# error paths were not driven at all.
sum_field() {
	cat "$dir"/part*.log | sed -n "s/^seeds .*, $1 \([0-9]*\), .*/\1/p" | awk '{s+=$1} END {print s+0}'
}
disk_errors=$(sum_field 'disk errors')
torn=$(sum_field 'torn writes')
if [ "$disk_errors" -gt 0 ] && [ "$torn" -gt 0 ]; then
	echo "PASS the PageServer's disk failed: $disk_errors disk errors, $torn torn writes" \
		"(none became an image)"
	passed=$((passed + 1))
else
	echo "FAIL the disk never failed: $disk_errors disk errors, $torn torn writes"
	failed=$((failed + 1))
fi

# The code area (proto.h 12, work_code.c): code pages fetched, and served by
# the PageServer (the seeds that kill the master fetch them only after).
code_fetches=$(sum_field 'code fetches')
code_timeouts=$(sum_field 'code timeouts')
code_ps=$(sum_field 'code pages from the PageServer')
kills=$(sum_field 'masters killed')
if [ "$code_ps" -gt 0 ]; then
	echo "PASS the code area: $code_fetches code pages fetched, $code_timeouts fetches timed" \
		"out and asked again, $code_ps code pages served by the PageServer ($kills seeds" \
		"killed the master after its install)"
	passed=$((passed + 1))
else
	echo "FAIL the PageServer never served a code page ($code_fetches code pages fetched)"
	failed=$((failed + 1))
fi

# broken BIN WHAT: the checkers catch the protocol broken in BIN on 20 seeds.
broken() {
	local log=$dir/$(basename "$1").log
	if "$1" --first 1 --count 20 --expect-fail > "$log" 2>&1; then
		echo "PASS checkers catch a broken protocol ($2) on 20 of 20 seeds"
		grep 'caught' "$log" | head -n 3
		passed=$((passed + 1))
	else
		echo "FAIL checkers missed the broken protocol ($2):"; grep -A1 '^FAIL' "$log"
		failed=$((failed + 1))
	fi
}
broken "$broken" "invalidation skipped"
broken "$broken_code" "a write to the sealed code area taken"

# 4. Starvation: 16 nodes hammer one page; retries stay within
#    DSM_STARVE_AFTER (3) + 1 and every transaction commits in the bound.
out=$("$sim" --seed 3 --nodes 16 --workload hotspot --faults 0)
retries=$(echo "$out" | sed -n 's/.*max retries \([0-9]*\).*/\1/p' | head -n 1)
if echo "$out" | grep -q '^1 passed' && [ -n "$retries" ] && [ "$retries" -le 4 ]; then
	echo "PASS hot spot, 16 nodes: max retries $retries (bound 4); $(echo "$out" | sed -n 2p)"
	passed=$((passed + 1))
else
	echo "FAIL hot spot starvation bound:"; echo "$out"
	failed=$((failed + 1))
fi

# 5. Seeds that failed once, each fixed where its cause was, replayed: the
#    contention manager ranked starving requests ahead of waiting commits,
#    which then waited past the liveness bound (dsm/mgr.c mgr_pick, proto.h 5).
#    From the 10^5-seed soak of stop 22 (make sim-soak): 1796242340722695 a
#    reset decided while the PageServer wrote a newer checkpoint (proto.h
#    8.6); 1796242340712253 a PageServer that joined an epoch older than its
#    image (11.4); 1796242340775585 an unobserved takeover reset
#    (tests/sim/history.c); 1796242340725825 a read at an unsaved epoch's
#    time (11.5); 1796242340726389 (invalidation missed) and ...763568 failed
#    on branch `turns` and pass since, their causes not isolated (a net).
for seed in 8522 6211 1796242340722695 1796242340712253 1796242340775585 \
	    1796242340725825 1796242340726389 1796242340763568; do
	if out=$("$sim" --seed "$seed") && echo "$out" | grep -q '^1 passed'; then
		echo "PASS regression seed $seed: $(echo "$out" | sed -n 2p)"
		passed=$((passed + 1))
	else
		echo "FAIL regression seed $seed (replay: make sim SEED=$seed):"
		echo "$out" | grep '^FAIL'
		failed=$((failed + 1))
	fi
done

a=$("$sim" --seed 7 | grep '^digest')
b=$("$sim" --seed 7 | grep '^digest')
if [ -n "$a" ] && [ "$a" = "$b" ]; then
	echo "PASS seed 7 replays bit for bit ($a)"
	passed=$((passed + 1))
else
	echo "FAIL seed 7 does not replay: '$a' vs '$b'"
	failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

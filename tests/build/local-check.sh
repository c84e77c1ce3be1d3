#!/usr/bin/env bash
# tests/build/local-check.sh: the node-local boundary is checked by the build.
#  1. `make local-check` passes on this tree.
#  2. In a copy of the tree (sources and the built objects, so only what
#     changes is rebuilt), a call from node-local code (kernel/wait.c) to a
#     shell function (shell_notice, shell/shell.c) makes `make local-check`
#     fail, and its message names the symbol, the node-local file that refers
#     to it and the file that defines it; `make` (all) fails the same way.
#  3. The same for data: node-local code reading a heap-resident variable
#     (kernel_ready_us, kernel/main.c).
# Last line: "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
passed=0 failed=0
ok() { echo "PASS $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; shift; printf '  %s\n' "$@"; failed=$((failed + 1)); }

out=$(make --no-print-directory local-check 2>&1)
if [ $? -eq 0 ] && grep -q '^local-check: ok' <<<"$out"; then ok local-check-clean
else bad local-check-clean "$out"; fi

tmp=$(mktemp -d /tmp/plurix-localcheck.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
git ls-files -z --cached --others --exclude-standard | xargs -0 cp -a --parents -t "$tmp"
cp -a build "$tmp/" && rm -rf "$tmp/build/test-logs"

# $1 name, $2 C text appended to kernel/wait.c, $3 symbol, $4 defining file
probe() {
	cp -a kernel/wait.c "$tmp/kernel/wait.c"
	printf '%s\n' "$2" >> "$tmp/kernel/wait.c"
	touch "$tmp/kernel/wait.c"
	local out rc
	out=$(make -C "$tmp" --no-print-directory local-check 2>&1); rc=$?
	if [ $rc -ne 0 ] && grep -q "kernel/wait.c: $3, defined in $4" <<<"$out"; then
		grep -A1 '^local-check:' <<<"$out" | sed 's/^/  /'
		grep "kernel/wait.c: $3" <<<"$out" | sed 's/^/  /'
		ok "$1"
	else
		bad "$1" "rc $rc" "$out"
	fi
	out=$(make -C "$tmp" --no-print-directory all 2>&1); rc=$?
	if [ $rc -ne 0 ] && grep -q "$3" <<<"$out"; then ok "$1-in-make"
	else bad "$1-in-make" "rc $rc" "$(tail -n 5 <<<"$out")"; fi
}
probe local-check-catches-call 'void shell_notice(const char *fmt, ...);
void wait_probe(void) { shell_notice("probe"); }' shell_notice shell/shell.c
probe local-check-catches-data '#include <stdint.h>
extern uint64_t kernel_ready_us;
uint64_t wait_probe_data(void) { return kernel_ready_us; }' kernel_ready_us kernel/main.c
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

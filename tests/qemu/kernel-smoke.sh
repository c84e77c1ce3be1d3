#!/usr/bin/env bash
# kernel-smoke.sh: QEMU smoke tests of build/plurix.elf and build/plurix.iso
# against docs/CONTRACT.md. Each case boots a node with its serial console on
# a FIFO pair (-serial pipe:), waits for what the node prints, and checks the
# output and QEMU's exit code (isa-debug-exit: 33 pass, 35 failure).
#
#   1. boot, `info`, a bad command, `poweroff`         -> exit 33
#   2. `crash pf`                                       -> panic line, exit 35
#   3. bad command line with test=1                     -> error: boot:, exit 35
#   4. the ISO through GRUB (-cdrom)                    -> ready line
#   5. two nodes on a loopback socket netdev: ping 1000 times, 0 lost
#   6. build/plurix-node.elf (the node-local part alone) as a master of a new
#      heap: it has no kernel to install            -> error: boot:, exit 35
#
# Usage: tests/qemu/kernel-smoke.sh [case...]   (default: all)
# Prints "PASS <case>" / "FAIL <case>" and the closing "N passed, N failed".
# Networking stays on 127.0.0.1. QEMU runs with TCG (no KVM).
set -u

ELF=${ELF:-build/plurix.elf}
NODE_ELF=${NODE_ELF:-build/plurix-node.elf}
ISO=${ISO:-build/plurix.iso}
QEMU=${QEMU:-qemu-system-i386}
PORT=${PORT:-$((20000 + $$ % 20000))}
WORK=$(mktemp -d /tmp/plurix-smoke.XXXXXX)
passed=0
failed=0
pids=()

cleanup() {
	local f
	for f in "$WORK"/*.pid; do
		[[ -s $f ]] && kill "$(cat "$f")" 2>/dev/null
	done
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT

# boot NAME QEMU-ARGS...: start QEMU with serial on $WORK/NAME.{in,out};
# the console log accumulates in $WORK/NAME.log, the exit code in NAME.rc.
boot() {
	local name=$1
	shift
	mkfifo "$WORK/$name.in" "$WORK/$name.out"
	( "$QEMU" -nographic -no-reboot -monitor none -accel tcg \
	    -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	    -pidfile "$WORK/$name.pid" -serial "pipe:$WORK/$name" "$@" >"$WORK/$name.qemu" 2>&1
	  echo $? >"$WORK/$name.rc" ) &
	pids+=($!)
	cat "$WORK/$name.out" >"$WORK/$name.log" &
	pids+=($!)
	exec {fd}>"$WORK/$name.in"
	eval "fd_$name=$fd"
}

# send NAME LINE: type one line on the node's console.
send() {
	local fd_var="fd_$1"
	printf '%s\r' "$2" >&"${!fd_var}"
}

# wait_for NAME REGEX [SECONDS]: until the console log matches (grep -E).
wait_for() {
	local i
	for ((i = 0; i < ${3:-30} * 10; i++)); do
		grep -qE "$2" "$WORK/$1.log" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "  timeout waiting for /$2/ on $1; console was:"
	sed 's/^/  | /' "$WORK/$1.log" | tail -20
	return 1
}

# wait_exit NAME CODE [SECONDS]: QEMU must exit with CODE.
wait_exit() {
	local i rc
	for ((i = 0; i < ${3:-30} * 10; i++)); do
		if [[ -s $WORK/$1.rc ]]; then
			rc=$(cat "$WORK/$1.rc")
			[[ $rc == "$2" ]] && return 0
			echo "  $1: QEMU exit code $rc, expected $2"
			return 1
		fi
		sleep 0.1
	done
	echo "  $1: QEMU did not exit"
	return 1
}

# cmd NAME LINE REGEX: send a command, wait for its final line (ok|error)
# after the echo, and require REGEX in its output.
cmd() {
	local before
	before=$(wc -l <"$WORK/$1.log")
	send "$1" "$2"
	for ((i = 0; i < 600; i++)); do
		tail -n +"$((before + 1))" "$WORK/$1.log" | grep -qE $'^(ok|error: .*)\r?$' && break
		sleep 0.1
	done
	tail -n +"$((before + 1))" "$WORK/$1.log" >"$WORK/$1.last"
	grep -qE "$3" "$WORK/$1.last" && return 0
	echo "  $1: '$2' did not print /$3/; it printed:"
	sed 's/^/  | /' "$WORK/$1.last"
	return 1
}

APPEND='node=0 role=master cluster=1 test=1'
READY='^plurix: node [0-9]+ role [a-z]+ cluster [0-9]+ ready in [0-9]+ us'

case_info() {
	boot info -kernel "$ELF" -append "$APPEND" &&
	wait_for info "$READY" &&
	wait_for info 'plurix:0> ' &&
	cmd info info '^ready_us [0-9]+' &&
	grep -qE '^mac ([0-9a-f]{2}:){5}[0-9a-f]{2}' "$WORK/info.last" &&
	grep -qE '^ok' "$WORK/info.last" &&
	cmd info 'frobnicate now' '^error: unknown command' &&
	cmd info 'ping' '^error: usage' &&
	cmd info 'crash zz' '^error: crash' &&
	cmd info 'help' '^ok' &&
	cmd info 'stats' '^rej_crc [0-9]+' &&
	send info poweroff &&
	wait_exit info 33
}

case_panic() {
	boot panic -kernel "$ELF" -append "$APPEND" &&
	wait_for panic 'plurix:0> ' &&
	send panic 'crash pf' &&
	wait_for panic '^panic: vector 14 .*cr2 0x80000000' 10 &&
	wait_exit panic 35
}

case_bootarg() {
	boot bootarg -kernel "$ELF" -append 'node=1 role=boss cluster=1 test=1' &&
	wait_for bootarg '^error: boot: role' &&
	wait_exit bootarg 35
}

case_iso() {
	boot iso -cdrom "$ISO" &&
	wait_for iso "$READY" 60
}

case_ping() {
	boot n0 -kernel "$ELF" -append 'node=0 role=master cluster=1 test=1' \
	    -device rtl8139,netdev=n0 -netdev "socket,id=n0,listen=127.0.0.1:$PORT" &&
	wait_for n0 'plurix:0> ' &&
	boot n1 -kernel "$ELF" -append 'node=1 role=slave cluster=1 test=1' \
	    -device rtl8139,netdev=n1 -netdev "socket,id=n1,connect=127.0.0.1:$PORT" &&
	wait_for n1 'plurix:1> ' &&
	cmd n0 'ping 1 1000 64' '^ping 1: sent 1000 received 1000 lost 0 ' &&
	cmd n1 'ping 0 200 1472' '^ping 0: sent 200 received 200 lost 0 ' &&
	cmd n1 'ping all 5' '^ping 0: sent 5 received 5 lost 0' &&
	cmd n0 'bench tx 1 20000 1472' '^sent 20000 in [0-9]+ us' &&
	cmd n1 'stats' '^accepted [1-9]' &&
	grep -hE '^(ping [0-9]|sent )' "$WORK/n0.log" "$WORK/n1.log" | sed 's/^/  /' &&
	send n0 poweroff && send n1 poweroff &&
	wait_exit n0 33 && wait_exit n1 33
}

case_nodeimage() {
	boot nodeimage -kernel "$NODE_ELF" -append 'node=0 role=master cluster=1 test=1' &&
	wait_for nodeimage '^dsm: heap of 256 MB' &&
	wait_for nodeimage '^error: boot: a master that creates a heap installs the kernel' &&
	wait_exit nodeimage 35
}

cases=("$@")
[[ ${#cases[@]} -eq 0 ]] && cases=(info panic bootarg iso ping nodeimage)
for c in "${cases[@]}"; do
	if "case_$c"; then
		echo "PASS kernel-smoke-$c"
		passed=$((passed + 1))
	else
		echo "FAIL kernel-smoke-$c"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]

#!/usr/bin/env bash
# disk.sh: QEMU tests of the ATA driver (drivers/ata.c), the `disk` and `disktest`
# commands (shell/diskcmd.c) and the image tool (tools/psimage.c). Each node boots
# alone from build/plurix.elf under TCG, its serial console on a FIFO pair; a case
# reads what the node printed and how QEMU exited (isa-debug-exit: 33 pass).
#
#   disk     a PageServer with a 256 MB IDE disk: the boot line names it, `disk`,
#            `disktest 16 end` (DMA) and `disktest 4 pio end` in the scratch area,
#            tests over the PageServer's image refused, bad arguments
#   nodisk   no drive: `ata: no disk`, quick boot, `disktest 1` and `disk` fail
#            with error:, the node keeps working (`info`)
#   atapi    a CD-ROM as primary master is not taken for a disk
#   lba48    200 GB sparse disk: `disktest ... end` goes through the LBA48
#            commands, DMA and PIO; the data lands at the end of the host file
#   ioerror  QEMU's blkdebug fails one request once: `disktest` ends with a device
#            error naming the Status and Error registers, `disk` counts it, the
#            next `disktest` passes; a test larger than the disk is refused
#   psimage  the host tool: format, checkpoints, a flipped bit (fallback, exit 1),
#            truncated, garbage and missing files (exit 2)
#
# Usage: tests/qemu/disk.sh [case...]   (default: all)
# Prints "PASS disk-<case>" / "FAIL disk-<case>: why" and "N passed, N failed".
# No network device at all: nothing is sent anywhere.
set -u

ELF=${ELF:-build/plurix.elf}
QEMU=${QEMU:-qemu-system-i386}
PSIMAGE=${PSIMAGE:-build/tools/psimage}
TMP=$(mktemp -d /tmp/plurix-disk.XXXXXX)
why=""
passed=0
failed=0
helpers=()      # console readers and QEMU's wrapper shells

stop_all() {
	local p
	for p in "$TMP"/*.pid; do
		[[ -s $p ]] && kill "$(cat "$p")" 2>/dev/null
	done
	[[ ${#helpers[@]} -gt 0 ]] && kill "${helpers[@]}" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$TMP"
}
trap stop_all EXIT
[[ -n ${KEEP:-} ]] && trap - EXIT

# start N APPEND [QEMU-ARGS...]: node N with console $TMP/N.{in,out}, what it
# printed in $TMP/N.raw (log N: without the CRs) and QEMU's exit status in $TMP/N.rc.
start() {
	local n=$1 append=$2
	shift 2
	mkfifo "$TMP/$n.in" "$TMP/$n.out"
	{
		"$QEMU" -accel tcg -display none -monitor none -no-reboot -nodefaults \
			-device isa-debug-exit,iobase=0xf4,iosize=0x04 -pidfile "$TMP/$n.pid" \
			-serial "pipe:$TMP/$n" -kernel "$ELF" -append "$append" "$@" \
			>"$TMP/$n.qemu" 2>&1
		echo $? >"$TMP/$n.rc"
	} &
	helpers+=($!)
	cat "$TMP/$n.out" >"$TMP/$n.raw" &
	helpers+=($!)
	exec {fd}<>"$TMP/$n.in"         # read-write: never blocks, even if QEMU died
	printf -v "console_$n" '%s' "$fd"
}

log() {
	tr -d '\r' <"$TMP/$1.raw" 2>/dev/null
}

# seen N REGEX [SECONDS]: the console log matches REGEX (grep -E) in time.
seen() {
	local t
	for ((t = 0; t < ${3:-60} * 5; t++)); do
		log "$1" | grep -qE "$2" && return 0
		if [[ -s $TMP/$1.rc ]]; then
			why="node $1: QEMU exited $(cat "$TMP/$1.rc"): $(head -c 300 "$TMP/$1.qemu")"
			return 1
		fi
		sleep 0.2
	done
	why="no /$2/ from node $1 (last line: $(log "$1" | tail -n 1))"
	return 1
}

# do_cmd N LINE: type LINE, wait for its closing ok/error line and the prompt
# after it (so the line is complete); the command's output (after the echo) is
# left in $TMP/N.out.txt.
do_cmd() {
	local fdv="console_$1" from t
	from=$(($(log "$1" | wc -l) + 1))
	printf '%s\r' "$2" >&"${!fdv}"
	for ((t = 0; t < 600; t++)); do
		log "$1" | sed -n "$((from + 1)),\$p" >"$TMP/$1.out.txt"
		awk '/^(ok|error: .*)$/ { done = 1; next } done && /^plurix:[0-9]+> / { p = 1 }
		     END { exit !p }' "$TMP/$1.out.txt" && return 0
		sleep 0.2
	done
	why="'$2' did not finish on node $1"
	return 1
}

# expect N LINE REGEX...: run LINE; every REGEX must be among its lines.
expect() {
	local n=$1 line=$2 re
	shift 2
	do_cmd "$n" "$line" || return 1
	for re in "$@"; do
		grep -qE "$re" "$TMP/$n.out.txt" && continue
		why="'$line' printed no /$re/: $(tr '\n' '|' <"$TMP/$n.out.txt" | cut -c1-300)"
		return 1
	done
}

# off N: `poweroff`, and QEMU must exit with the pass code 33.
off() {
	local fdv="console_$1" t
	printf 'poweroff\r' >&"${!fdv}"
	for ((t = 0; t < 150; t++)); do
		if [[ -s $TMP/$1.rc ]]; then
			[[ $(cat "$TMP/$1.rc") == 33 ]] && return 0
			why="node $1: QEMU exit status $(cat "$TMP/$1.rc"), not 33"
			return 1
		fi
		sleep 0.2
	done
	why="node $1: QEMU did not exit after poweroff"
	return 1
}

PROMPT='^plurix: node 0 role [a-z]+ cluster 1 ready in [0-9]+ us'
FIGURES='^(write|read) (dma|pio) [0-9]+ MB in [0-9]+ us: [0-9]+\.[0-9] MB/s, [0-9]+ us per'

# A PageServer's disk holds its image; `disktest ... end` measures the driver in the
# 64 MB scratch area at the end of the disk (kernel/psnode.h), anything else is refused.
case_disk() {
	local img=$TMP/d256.img
	truncate -s 256M "$img"
	start d 'node=0 role=pageserver cluster=1 test=1' \
		-drive "file=$img,format=raw,if=ide,index=0" &&
	seen d '^ata: QEMU HARDDISK 524288 sectors \(256 MB\), DMA$' &&
	seen d "$PROMPT" &&
	expect d disk '^model QEMU HARDDISK$' '^sectors 524288$' '^dma 1$' '^ok$' &&
	expect d 'disktest 16 end' '^write 50% \(8 of 16 MB\)' "$FIGURES" '^read dma 16 MB' \
		'^verify 32768 sectors from 491520 ok$' '^ok$' &&
	grep -E '^(write|read) dma' "$TMP/d.out.txt" | sed 's/^/  /' &&
	expect d 'disktest 4 pio end' '^write pio 4 MB' '^read pio 4 MB' '^ok$' &&
	grep -E '^(write|read) pio' "$TMP/d.out.txt" | sed 's/^/  /' &&
	expect d 'disktest 16' "^error: disktest: this disk holds the PageServer's image" &&
	expect d 'disktest 65 end' "^error: disktest: this disk holds the PageServer's image" &&
	expect d 'disktest 0' '^error: usage: disktest' &&
	expect d 'disktest 1 fast' "^error: disktest: unknown option 'fast'" &&
	expect d disk '^errors 0$' '^timeouts 0$' '^irqs [1-9][0-9]*$' '^ok$' &&
	off d &&
	# the node's pattern is in the host file's last 16 MB, not truncate's zeros
	[[ $(tail -c 16777216 "$img" | tr -d '\0' | wc -c) -gt 16000000 ]] ||
	{ [[ -n $why ]] || why="the disk image holds no written data"; return 1; }
}

case_nodisk() {
	start n 'node=0 role=master cluster=1 test=1' &&
	seen n '^ata: no disk \(no drive on the primary channel\)$' &&
	seen n "$PROMPT" &&
	expect n 'disktest 1' '^error: disktest: no disk$' &&
	expect n disk '^error: disk: no disk$' &&
	expect n info '^ready_us [0-9]+$' '^ok$' &&
	local us=$(sed -n 's/^ready_us //p' "$TMP/n.out.txt") &&
	{ ((us < 3000000)) || { why="boot took $us us without a disk"; return 1; }; } &&
	off n
}

case_atapi() {
	truncate -s 1M "$TMP/cd.iso"
	start a 'node=0 role=master cluster=1 test=1' \
		-drive "file=$TMP/cd.iso,format=raw,if=ide,index=0,media=cdrom" &&
	seen a '^ata: no disk \(ATAPI or SATA signature, not an ATA disk\)$' &&
	seen a "$PROMPT" &&
	expect a 'disktest 1 pio' '^error: disktest: no disk$' &&
	expect a info '^ok$' &&
	off a
}

case_lba48() {
	truncate -s 200G "$TMP/big.img"
	start b 'node=0 role=master cluster=1 test=1' \
		-drive "file=$TMP/big.img,format=raw,if=ide,index=0" &&
	seen b '^ata: QEMU HARDDISK 419430400 sectors \(204800 MB\), DMA$' &&
	seen b "$PROMPT" &&
	expect b 'disktest 2 end' '^verify 4096 sectors from 419426304 ok$' '^ok$' &&
	expect b 'disktest 1 pio end' '^verify 2048 sectors from 419428352 ok$' '^ok$' &&
	expect b disk '^lba48 1$' '^errors 0$' &&
	off b &&
	[[ $(tail -c 2097152 "$TMP/big.img" | tr -d '\0' | wc -c) -gt 2000000 ]] ||
	{ [[ -n $why ]] || why="no data at the end of the 200 GB image"; return 1; }
}

case_ioerror() {
	truncate -s 16M "$TMP/e.img"
	printf '%s\n' '[inject-error]' 'event = "read_aio"' 'errno = "5"' 'sector = "1000"' \
		'once = "on"' >"$TMP/bd.conf"
	start e 'node=0 role=master cluster=1 test=1' \
		-drive "file=blkdebug:$TMP/bd.conf:$TMP/e.img,format=raw,if=ide,index=0,rerror=report,werror=report" &&
	seen e "$PROMPT" &&
	expect e 'disktest 1' \
		'^error: disktest: (write|read): device error \(status 0x[0-9a-f]{2} error 0x04: ABRT' &&
	expect e disk '^errors 1$' '^timeouts 0$' '^last_error 0x04$' &&
	expect e 'disktest 1' '^verify 2048 sectors from 0 ok$' '^ok$' &&
	expect e 'disktest 17' '^error: disktest: disk too small: 17 MB asked, the disk has 16 MB$' &&
	off e
}

# ps RC ARGS...: psimage must exit RC; its output is in $TMP/ps.txt.
ps() {
	local want=$1 rc
	shift
	"$PSIMAGE" "$@" >"$TMP/ps.txt" 2>&1
	rc=$?
	[[ $rc == "$want" ]] && return 0
	why="psimage $* exited $rc, not $want: $(tail -n 2 "$TMP/ps.txt" | tr '\n' '|')"
	return 1
}

case_psimage() {
	local img=$TMP/ps.img
	ps 0 --format "$img" 8 1 1024 && ps 0 "$img" && grep -q '^verdict: ok: empty log' "$TMP/ps.txt" &&
	ps 2 --append "$img" 10 && grep -q 'a full checkpoint is needed' "$TMP/ps.txt" &&
	ps 0 --append "$img" 300 full && ps 0 --append "$img" 20 && ps 0 --append "$img" 30 &&
	ps 0 -v "$img" && grep -q '^ckpt 3 gtime 3 incr 30 pages 122880 bytes .*: good$' "$TMP/ps.txt" &&
	grep -q '^  ckpt 1 page 299 version 1 block' "$TMP/ps.txt" &&
	printf '\377' | dd of="$img" bs=1 seek=$((340 * 4096 + 100)) conv=notrunc status=none &&
	ps 1 "$img" && grep -q '^ckpt 3 .*: corrupt (data checksum, block 340)$' "$TMP/ps.txt" &&
	grep -q '^verdict: FALLBACK: .* restore uses ckpt 2' "$TMP/ps.txt" &&
	head -c 5000000 "$img" >"$TMP/short.img" && ps 2 "$TMP/short.img" &&
	grep -q 'image truncated (5000000 bytes; the superblock says 8388608)' "$TMP/ps.txt" &&
	head -c 1000000 /dev/urandom >"$TMP/junk.img" && ps 2 "$TMP/junk.img" &&
	grep -q 'not a PageServer image' "$TMP/ps.txt" &&
	ps 2 "$TMP/missing.img" && grep -q 'No such file' "$TMP/ps.txt"
}

cases=("$@")
[[ ${#cases[@]} -eq 0 ]] && cases=(disk nodisk atapi lba48 ioerror psimage)
for c in "${cases[@]}"; do
	why=""
	if "case_$c"; then
		echo "PASS disk-$c"
		passed=$((passed + 1))
	else
		echo "FAIL disk-$c: ${why:-failed}"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]

#!/usr/bin/env bash
# tests/build/images.sh: the two images of one link (mk/kernel.mk).
#  1. build/plurix.elf holds the heap-resident kernel: the shell's entry
#     (shell_run) and its help texts, after the node-local part.
#  2. build/plurix-node.elf holds the node-local part alone: not one symbol
#     of a heap-part object, no shell text, a heap part of only the zero
#     filler word; its node-local sections are plurix.elf's, size for size
#     (not byte for byte: the image's end, where kalloc begins, differs), and
#     both carry the same build id (kernel_build_id).
# Each image's loaded size is printed (mk/image-size). Last line "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
full=build/plurix.elf node=build/plurix-node.elf
passed=0 failed=0
ok() { echo "PASS $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

mk/image-size "$full"
mk/image-size "$node"
if nm "$full" | grep -qw shell_run && grep -qa 'help: this list' "$full"; then
	ok image-full-holds-the-kernel
else
	bad image-full-holds-the-kernel "no shell_run or help text in $full"
fi
heap_syms=$(nm --defined-only build/kernel/shell/*.o build/kernel/kernel/main.o \
	build/kernel/kernel/sched.o | awk 'NF == 3 && $2 ~ /[TDRB]/ {print $3}' | sort -u)
found=$(nm "$node" | awk '{print $3}' | grep -xF -f <(echo "$heap_syms") | head -n 5)
if [ -z "$found" ] && ! grep -qa 'help: this list' "$node"; then
	ok image-node-holds-no-heap-part
else
	bad image-node-holds-no-heap-part "heap-resident symbols or text in $node: ${found:-help text}"
fi
heap_bytes=$(size -A "$node" | awk '$1 ~ /^\.heap\./ {s += $2} END {print s + 0}')
if [ "$heap_bytes" -le 4 ]; then ok image-node-heap-part-empty
else bad image-node-heap-part-empty "$heap_bytes bytes in its heap part, want at most 4 (linker.ld's filler)"; fi
bid() { objdump -s -j .local.rodata --start-address=0x$(nm "$1" | awk '$3 == "kernel_build_id" {print $1}') \
	--stop-address=$((0x$(nm "$1" | awk '$3 == "kernel_build_id" {print $1}') + 4)) "$1" | tail -n 1 | awk '{print $2}'; }
if [ -n "$(bid "$full")" ] && [ "$(bid "$full")" = "$(bid "$node")" ]; then ok image-same-build-id
else bad image-same-build-id "build ids $(bid "$full") and $(bid "$node")"; fi
lsize() { size -A "$1" | awk '$1 ~ /^\.local\./ {printf "%s %s ", $1, $2}'; }
if [ "$(lsize "$full")" = "$(lsize "$node")" ]; then ok image-node-local-part-same
else bad image-node-local-part-same "node-local sections: $(lsize "$full") vs $(lsize "$node")"; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

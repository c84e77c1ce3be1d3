#!/usr/bin/env bash
# tests/build/rtpng.sh: the raytrace picture's host path. build/host/rtref renders
# scene 0 at 160x120 and scene 2 at 37x29 (edge tiles) in `run raytrace --dump`'s
# text form; tools/rtpng turns it into a PNG; the PNG is decoded again
# (tools/rtimage.py's png_read: every CRC, zlib, the rows) and must hold the
# dump's bytes, and rtpng's checksum must be rtref's (the reference checksums
# of programs/raytrace/rt.h). build/host/rtref32, whose rt.c is compiled with the
# programs' flags (-m32, freestanding), must give every scene's host checksum. Then
# rtpng must refuse a cut-off dump and write nothing. Writes only under build/test-logs/rtpng/. Last line "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
dir=build/test-logs/rtpng
mkdir -p "$dir"
passed=0 failed=0
ok() { echo "PASS $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

# check_picture NAME SCENE W H: rtref | rtpng, then decode and compare.
check_picture() {
	local name=$1 dump=$dir/$1.txt png=$dir/$1.png
	rm -f "$png"
	if ! build/host/rtref "$2" "$3" "$4" >"$dump" 2>"$dir/$1.rtref"; then
		bad "$name" "rtref failed: $(cat "$dir/$1.rtref")"
		return
	fi
	local want got
	want=$(grep -o 'fnv1a 0x[0-9a-f]*' "$dir/$1.rtref")
	got=$(tools/rtpng "$png" "$dump" | grep -o 'fnv1a 0x[0-9a-f]*')
	if [ -z "$want" ] || [ "$want" != "$got" ]; then
		bad "$name" "rtref says '$want', rtpng '$got'"
		return
	fi
	if python3 - "$dump" "$png" <<'PY'; then ok "$name"; else bad "$name" "the PNG does not decode to the dump"; fi
import sys
sys.path.insert(0, "tools")
import rtimage
with open(sys.argv[1], "rb") as f:
    dumped = rtimage.parse_dump(f)
with open(sys.argv[2], "rb") as f:
    decoded = rtimage.png_read(f.read())
sys.exit(0 if dumped == decoded else 1)
PY
}

check_picture rtpng-scene0-160x120 0 160 120
check_picture rtpng-scene2-37x29 2 37 29

# The program's own build of rt.c (-m32, PROG_CFLAGS) renders the host's bytes.
for s in 0 1 2 3; do
	want=$(build/host/rtref "$s" 160 120 2>&1 >/dev/null | grep -o 'fnv1a 0x[0-9a-f]*')
	got=$(build/host/rtref32 "$s" 160 120 2>&1 >/dev/null | grep -o 'fnv1a 0x[0-9a-f]*')
	if [ -n "$want" ] && [ "$want" = "$got" ]; then
		ok "rtref32-scene$s-is-the-host-picture"
	else
		bad "rtref32-scene$s-is-the-host-picture" "host '$want', -m32 '$got'"
	fi
done

head -n 50 "$dir/rtpng-scene0-160x120.txt" >"$dir/cut.txt"
rm -f "$dir/cut.png"
if ! tools/rtpng "$dir/cut.png" "$dir/cut.txt" 2>"$dir/cut.err" && [ ! -e "$dir/cut.png" ] &&
	grep -q '49 rows of 120' "$dir/cut.err"; then
	ok rtpng-refuses-a-cut-dump
else
	bad rtpng-refuses-a-cut-dump "$(cat "$dir/cut.err")"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

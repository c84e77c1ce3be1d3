#!/usr/bin/env bash
# tests/build/rtpng.sh: the raytrace picture's host path. build/host/rtref renders
# scene 0 at 160x120 and scene 2 at 37x29 (edge tiles) in `run raytrace --dump`'s
# text form; tools/rtpng turns it into a PNG; the PNG is decoded again
# (tools/rtimage.py's png_read: every CRC, zlib, the rows) and must hold the
# dump's bytes, and rtpng's checksum must be rtref's (the reference checksums
# of programs/raytrace/rt.h). build/host/rtref32, whose rt.c is compiled with the
# programs' flags (-m32, freestanding), must give every scene's host checksum. Then
# rtpng must refuse a cut-off dump and write nothing. tools/cluster image's reading
# side is run on a socket pair that plays a node (no cluster is started). Writes only under build/test-logs/rtpng/. Last line "N passed, N failed".
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

# tools/cluster image's reading side: exec_read over a socket pair that plays a node
# (prompt and echo, the dump with CR LF in odd-sized pieces, one console line between
# rows, then ok) hands the lines to image_write, whose PNG holds the dump's bytes.
if python3 - "$dir/rtpng-scene0-160x120.txt" "$dir/cluster-image.png" <<'PY'; then
import importlib.machinery, socket, sys, threading, time
sys.path.insert(0, "tools")
import rtimage
cluster = importlib.machinery.SourceFileLoader("cluster", "tools/cluster").load_module()
dump = open(sys.argv[1], "rb").read()
lines = dump.split(b"\n")
lines.insert(7, b"heap: node 2 joined")
text = b"plurix> run raytrace --dump\r\n" + b"\r\n".join(lines) + b"ok\r\n"
a, b = socket.socketpair()
def feed():
    for i in range(0, len(text), 997):
        a.sendall(text[i:i + 997])
threading.Thread(target=feed, daemon=True).start()
got = []
rc = cluster.exec_read(b, b"run raytrace --dump", time.time() + 20, False, got.append)
rc = rc or cluster.image_write(got, sys.argv[2])
decoded = rtimage.png_read(open(sys.argv[2], "rb").read())
sys.exit(0 if rc == 0 and decoded == rtimage.parse_dump(dump.split(b"\n")) else 1)
PY
	ok cluster-image-reads-a-dump
else
	bad cluster-image-reads-a-dump "exec_read and image_write did not give the dump's PNG"
fi

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

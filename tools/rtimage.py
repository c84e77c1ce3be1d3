"""
rtimage.py: the raytrace picture's text form and its PNG (used by tools/rtpng and
`tools/cluster image`; stdlib only: zlib and struct).

The text form is what `run raytrace --dump` and build/host/rtref print:

    P <w> <h>
    R <y> <hex of row y's bytes: R, G, B per pixel>     (y = 0 .. h-1, in order)

parse_dump checks all of it (sizes, order, every row's length and digits) before it
returns a picture; lines that begin with neither "P " nor "R " are skipped, since a node's
console may put its own lines between them. It reads and writes only what it is given.
"""

import struct
import zlib

W_MAX = H_MAX = 256   # programs/raytrace/rt.h: RT_W_MAX, RT_H_MAX
FNV_INIT = 0x811C9DC5
PNG_SIG = b"\x89PNG\r\n\x1a\n"


class DumpError(ValueError):
    pass


def parse_dump(lines):
    """(w, h, rgb bytes) from the text form's lines (str or bytes); DumpError if it is off."""
    w = h = None
    rows = []
    for ln in lines:
        if isinstance(ln, bytes):
            ln = ln.decode("ascii", "replace")
        f = ln.split()
        if not f or f[0] not in ("P", "R"):
            continue
        if f[0] == "P":
            if w is not None or len(f) != 3 or not (f[1].isdigit() and f[2].isdigit()):
                raise DumpError("bad or second P line: %r" % ln[:80])
            w, h = int(f[1]), int(f[2])
            if not (1 <= w <= W_MAX and 1 <= h <= H_MAX):
                raise DumpError("size %dx%d outside 1x1 .. %dx%d" % (w, h, W_MAX, H_MAX))
            continue
        if w is None:
            raise DumpError("an R line before the P line")
        if len(f) != 3 or f[1] != str(len(rows)):
            raise DumpError("row %d expected, got %r" % (len(rows), ln[:40]))
        if len(f[2]) != w * 6:
            raise DumpError("row %d: %d hex digits, not %d" % (len(rows), len(f[2]), w * 6))
        try:
            rows.append(bytes.fromhex(f[2]))
        except ValueError:
            raise DumpError("row %d: not hex" % len(rows))
        if len(rows) > h:
            raise DumpError("more than %d rows" % h)
    if w is None:
        raise DumpError("no P line")
    if len(rows) != h:
        raise DumpError("%d rows of %d" % (len(rows), h))
    return w, h, b"".join(rows)


def fnv1a(data, h=FNV_INIT):
    """FNV-1a 32, as rt_fnv1a in programs/raytrace/rt.c."""
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def _chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data +
            struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png_bytes(w, h, rgb):
    """An 8-bit RGB PNG of w x h pixels, every row with filter type 0 (none)."""
    stride = w * 3
    raw = b"".join(b"\x00" + rgb[y * stride:(y + 1) * stride] for y in range(h))
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (PNG_SIG + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(raw, 9)) +
            _chunk(b"IEND", b""))


def png_read(data):
    """(w, h, rgb) of a PNG png_bytes wrote (8-bit RGB, filter 0); ValueError otherwise.
    Checks every chunk's CRC: what the tests use to see a written PNG decode."""
    if data[:8] != PNG_SIG:
        raise ValueError("not a PNG")
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        (crc,) = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
        if len(body) != n or zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
            raise ValueError("chunk %r: short or bad CRC" % kind)
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    if not ihdr or ihdr[2:] != (8, 2, 0, 0, 0):
        raise ValueError("not 8-bit RGB without interlace")
    w, h = ihdr[0], ihdr[1]
    raw = zlib.decompress(idat)
    stride = w * 3 + 1
    if len(raw) != h * stride or any(raw[y * stride] != 0 for y in range(h)):
        raise ValueError("rows not %d bytes of filter type 0" % stride)
    return w, h, b"".join(raw[y * stride + 1:(y + 1) * stride] for y in range(h))


def write_png(path, w, h, rgb):
    with open(path, "wb") as f:
        f.write(png_bytes(w, h, rgb))

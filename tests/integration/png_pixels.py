#!/usr/bin/env python3
"""Minimal PNG reader for the screenshot tests (8-bit RGB/RGBA, non-interlaced, as Chromium writes):
finds where a colour occurs. Usage:
  png_pixels.py SHOT.png within AREA MARK   two lines: the column runs "x0-x1 x2-x3 ..." holding colour
                                           AREA (RRGGBB), then those holding MARK in AREA's rows
  png_pixels.py SHOT.png crop X Y W H OUT.png       a crop, to look at"""
import struct
import sys
import zlib


def read_png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit("not a PNG: " + path)
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                sys.exit("unsupported PNG (depth %d, colour type %d, interlace %d)" % (depth, ctype, interlace))
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return width, height, bpp, rows


def main():
    path, cmd = sys.argv[1], sys.argv[2]
    width, height, bpp, rows = read_png(path)
    if cmd == "crop":
        x, y, w, h = map(int, sys.argv[3:7])
        out = b"".join(b"\0" + bytes(rows[yy][x * bpp:(x + w) * bpp]) for yy in range(y, y + h))
        chunk = lambda k, d: struct.pack(">I", len(d)) + k + d + struct.pack(">I", zlib.crc32(k + d))
        ihdr = struct.pack(">IIBBBBB", w, h, 8, 2 if bpp == 3 else 6, 0, 0, 0)
        open(sys.argv[7], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
                                      chunk(b"IDAT", zlib.compress(out)) + chunk(b"IEND", b""))
        return
    area, mark = bytes.fromhex(sys.argv[3]), bytes.fromhex(sys.argv[4])
    at = lambda x, y: rows[y][x * bpp:x * bpp + 3]
    ys = [y for y in range(height) if any(at(x, y) == area for x in range(width))]
    if not ys:
        print("\n")
        return
    print(runs_of([x for x in range(width) if any(at(x, y) == area for y in ys)]))
    print(runs_of([x for x in range(width) if any(at(x, y) == mark for y in range(ys[0], ys[-1] + 1))]))


def runs_of(cols):
    runs, start = [], None
    for i, x in enumerate(cols):
        if start is None:
            start = x
        if i + 1 == len(cols) or cols[i + 1] != x + 1:
            runs.append("%d-%d" % (start, x))
            start = None
    return " ".join(runs)

main()

#!/usr/bin/env python3
"""@file tests/tools/check_png.py
@brief Checks that a PNG file is a real, non-blank picture (standard library only).

Usage: check_png.py FILE.png [--size WxH] [--min-size WxH] [--min-colors N]
                    [--max-dominant F] [--expect-color R,G,B[,TOL[,COUNT]]]...

Decodes the file with zlib (8-bit greyscale, grey+alpha, RGB, RGBA and
palette images, not interlaced, which is what VTK/ParaView and matplotlib
write) and checks:
- the size, exactly (--size) or at least (--min-size);
- at least N distinct colours (--min-colors, default 16);
- the most frequent colour (the background) covers at most F of the pixels
  (--max-dominant, default 0.98);
- for each --expect-color: at least COUNT pixels (default 50) whose R, G and B
  are each within TOL (default 40) of the colour, e.g. the red of the contact set.
Prints one line of statistics; exits 0 when every check passes, 1 otherwise.
"""

import argparse
import collections
import struct
import sys
import zlib


def read_png(path):
    """(width, height, rows) with rows a list of tuples of (r, g, b) per pixel."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file (bad signature)")
    position, idat, palette = 8, [], None
    width = height = depth = color_type = interlace = None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            width, height, depth, color_type, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            palette = [tuple(body[i:i + 3]) for i in range(0, len(body), 3)]
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if width is None:
        raise ValueError("no IHDR chunk")
    if depth != 8 or interlace != 0:
        raise ValueError("only 8-bit, non-interlaced PNGs are supported (depth %s, interlace %s)" % (depth, interlace))
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color_type]
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    if len(raw) != height * (stride + 1):
        raise ValueError("image data has %d bytes, expected %d" % (len(raw), height * (stride + 1)))
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        if kind == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 0xFF
        elif kind == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, previous))
        elif kind == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b = previous[i]
                c = previous[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else (b if pb <= pc else c))) & 0xFF
        elif kind != 0:
            raise ValueError("row %d: unknown filter %d" % (y, kind))
        previous = line
        if color_type == 3:
            rows.append([palette[v] for v in line])
        elif channels >= 3:
            rows.append([tuple(line[i:i + 3]) for i in range(0, stride, channels)])
        else:
            rows.append([(v, v, v) for v in line[::channels]])
    return width, height, rows


def parse_size(text):
    w, h = text.lower().split("x")
    return int(w), int(h)


def main():
    parser = argparse.ArgumentParser(description="Checks that a PNG is a real, non-blank picture")
    parser.add_argument("png")
    parser.add_argument("--size", help="exact WxH")
    parser.add_argument("--min-size", help="smallest WxH")
    parser.add_argument("--min-colors", type=int, default=16)
    parser.add_argument("--max-dominant", type=float, default=0.98)
    parser.add_argument("--expect-color", action="append", default=[], help="R,G,B[,TOL[,COUNT]]")
    args = parser.parse_args()

    try:
        width, height, rows = read_png(args.png)
    except (OSError, ValueError, KeyError, zlib.error, struct.error) as error:
        print("FAIL %s: %s" % (args.png, error))
        return 1
    counts = collections.Counter(pixel for row in rows for pixel in row)
    n_pixels = width * height
    dominant, dominant_count = counts.most_common(1)[0]
    problems = []
    if args.size and (width, height) != parse_size(args.size):
        problems.append("size %dx%d, expected %s" % (width, height, args.size))
    if args.min_size:
        w, h = parse_size(args.min_size)
        if width < w or height < h:
            problems.append("size %dx%d, expected at least %s" % (width, height, args.min_size))
    if len(counts) < args.min_colors:
        problems.append("%d distinct colours, expected at least %d (blank picture?)" % (len(counts), args.min_colors))
    if dominant_count > args.max_dominant * n_pixels:
        problems.append("colour %s covers %.1f%% of the picture, expected at most %.1f%% (blank picture?)"
                        % (dominant, 100.0 * dominant_count / n_pixels, 100.0 * args.max_dominant))
    found = []
    for spec in args.expect_color:
        values = [int(v) for v in spec.split(",")]
        rgb, tolerance, needed = values[:3], (values[3] if len(values) > 3 else 40), (values[4] if len(values) > 4 else 50)
        n = sum(c for pixel, c in counts.items() if all(abs(pixel[k] - rgb[k]) <= tolerance for k in range(3)))
        found.append("%d px near %s" % (n, tuple(rgb)))
        if n < needed:
            problems.append("%d pixels within %d of colour %s, expected at least %d" % (n, tolerance, tuple(rgb), needed))
    summary = "%s: %dx%d, %d colours, background %s %.1f%%%s" % (
        args.png, width, height, len(counts), dominant, 100.0 * dominant_count / n_pixels,
        (", " + ", ".join(found)) if found else "")
    if problems:
        print("FAIL " + summary + ": " + "; ".join(problems))
        return 1
    print("ok   " + summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())

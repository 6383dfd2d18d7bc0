#!/usr/bin/env python3
"""@file tests/tools/fuzz_cases.py
@brief Fuzz test of the case-file front end: mutants of cases/*.toml through
`obstacle-pinn validate` (and a few through a tiny `run`).

Usage: fuzz_cases.py OBSTACLE_PINN_BINARY SOURCE_DIR [--count N] [--seed S]
                     [--keep DIR] [--keep-all] [--runs N] [--jobs N] [--only I[,J...]]

From a fixed seed (printed first; FUZZ_SEED or --seed overrides it), every
mutant i is built from its own generator seeded with "SEED:i", so one mutant
can be rebuilt alone with --only i. The first mutants (COVERAGE) use every
listed hostile value once, on a case and key drawn from the seed; the rest
are drawn at random. The mutations: byte flips, deleted, duplicated and
swapped lines, truncation, empty / comment-only / binary files, hostile
values in place of values (huge and tiny numbers, nan/inf, empty and very
long strings, deeply nested expressions and arrays, non-finite and malformed
expressions, wrong types, arrays for scalars and back), unknown keys and
sections, duplicate keys and tables, crossed obstacles, degenerate domains,
and sizes at and past their documented limits (cases/README.md).

Every mutant goes through `obstacle-pinn validate MUTANT.toml`; it passes when
  - the exit code is 0 or 2 (no signal, no 1 or other code, no hang past the
    per-call timeout);
  - on exit 2, stderr names the mutant's file with a line and column
    (NAME.toml:LINE:COL, LINE within the file), except for refusals about the
    file as a whole (WHOLE_FILE_REFUSALS below), which must still name it;
  - no output carries "internal error" or raw C++ exception text (std::,
    basic_string, vector::, filesystem error, what(), ...);
  - a mutant that must be refused exits 2, not 0: an unknown key, a duplicate
    key or table, a wrong type, no [problem], a size past its documented
    limit, a non-finite expression (1/0, 10^400, ln(x) where x <= 0, ...), an
    assignment or comma list in an expression (x=y, x,y: muParser reads them,
    the documented grammar has neither), an empty source or boundary value,
    crossed obstacles (upper_obstacle < obstacle inside, both admissible on
    the boundary), a bad or degenerate domain (domain_refusal: min >= max,
    radius <= 0, or an extent or measure that overflows to inf or underflows
    to 0 in doubles, e.g. (-1e308, 1e308) or radius 5e-324).
Then a few accepted mutants are run for real on a tiny budget (every stage
at most 20 iterations, 64 points); exit 0, 1 (diverged) or 2 is fine, a
signal, another code, forbidden text or a hang is not.

The summary lists the exit-code histogram, crashes, hangs, unlocated
refusals and every failing mutant, each saved (mutant, output, how to
reproduce) under --keep DIR (default ./fuzz_cases_failures). The last line is
"N passed, N failed"; the exit status is 1 when any mutant failed.
Python 3 standard library only (tomllib, when present, for the run phase and
the degenerate-domain oracle).
"""
import argparse
import collections
import concurrent.futures
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

try:
    import tomllib  # Python >= 3.11
except ImportError:  # pragma: no cover - older Pythons skip what needs it
    tomllib = None

DEFAULT_SEED = 20240917
DEFAULT_COUNT = 300
DEFAULT_RUNS = 10
VALIDATE_TIMEOUT_S = 20
RUN_TIMEOUT_S = 60

# Refusals about the file as a whole may omit LINE:COL, but must name the file.
WHOLE_FILE_REFUSALS = [
    r"cannot open the case file",
    r"\bfile is empty\b",
]

# Text that must never reach a user: assertion failures and raw C++ exceptions.
FORBIDDEN_TEXT = [
    (r"internal error", "internal error"),
    (r"std::", "raw C++ exception (std::)"),
    (r"basic_string", "raw C++ exception (basic_string)"),
    (r"vector::", "raw C++ exception (vector::)"),
    (r"filesystem error", "raw C++ exception (filesystem error)"),
    (r"what\(\)", "uncaught exception (what())"),
    (r"terminate called", "std::terminate"),
    (r"\(failed: ", "API error text (failed: ...)"),
    (r"Segmentation fault|core dumped|AddressSanitizer|runtime error:", "crash report"),
]

EXPRESSION_KEYS = [
    ("problem", "source"), ("problem", "obstacle"), ("problem", "upper_obstacle"),
    ("problem", "exact"), ("problem", "lift"), ("problem", "boundary", "value"),
]

# Expressions that are non-finite everywhere: refused in any expression key.
NONFINITE_EXPRESSIONS = [
    "1/0", "0/0", "-1/0", "10^400", "sqrt(-1)", "acosh(0)", "log2(-1)", "ln(0)", "log10(-1)",
    "asin(2)", "atanh(1)", "exp(1000)", "1e308*10", "1" * 400, "(x - x)/0", "0.5 + 1/0",
    "x < 0.5 ? 1/0 : 1/0",
]
# Outside the documented grammar (cases/README.md, Expressions), though muParser
# reads them: an assignment (which changes the variable while evaluating) or a
# comma list (several results). Refused in any expression key.
ASSIGNMENTS_AND_LISTS = ["x=y", "y=1", "x,y", "1,2,3", "x=1,x", "sin(x),0", "y=x*2"]
# Malformed or odd expressions: refused with a location, or accepted.
ODD_EXPRESSIONS = [
    "x++", "++x", "x++x", "--x", "!x", "x!", "(", ")", "()", "x y",
    "q*x", "sin()", "sin(x,y)", "min()", "sum()", "max(x)", "1?2", "x?1:", "?:", "x<y?x:",
    "#", "x;y", "\\\"", "pi=3", "_e", "_pi", "t", "z", "$x", "1e", "0x10", "1..2", "   ", "x^^2",
    "nan", "inf", "NaN", "-inf", "1e308", "5e-324", "-1", "0", "99999999999999999999",
    "sin(x)^-1", "x < 0.5 ? 1 : ", "sqrt(x)", "1/x", "ln(abs(x) + 1)", "a" * 3000, "é",
    "x" + "+x" * 3000,
    "(" * 300 + "x" + ")" * 300,
    "(" * 2000 + "x" + ")" * 2000,
    "sin(" * 300 + "x" + ")" * 300,
    "-" * 500 + "x",
    "(" * 300 + "x",
]

# Hostile TOML values for any value position (as TOML source text).
HOSTILE_VALUES = [
    "1e308", "-1e308", "1.7976931348623157e308", "5e-324", "-5e-324", "1e-320", "-1", "0", "-0.0",
    "99999999999999999999", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
    "nan", "+nan", "-nan", "inf", "-inf", "4097", "100000001", "0x7fffffff", "0o777", "1_000_000",
    "1.5", "2000.0", "2e3", "true", "false", '""', '" "', '"' + "x" * 100000 + '"',
    '"' + "a" * 5000 + '"', '"\\u0000"', '"a/b"', '"../.."', '"é√ψ"', '"tanh "', '"TANH"',
    "[]", "[1, 2, 3]", "[[1]]", "{}", '{ type = "interval" }', '[1, "a"]', "1979-05-27T07:32:00Z",
    "[" * 300 + "]" * 300, "[" * 300 + "1" + "]" * 300, '"1/0"', '"x++"', '"x,y"', "'literal'",
]

# (section path, key) -> (values allowed, values refused), cases/README.md.
LIMITS = {
    (("sampling",), "interior"): (["1", "10000000", "10_000_000"], ["0", "-1", "10000001", "64.0"]),
    (("sampling",), "boundary"): (["0", "10000000"], ["-1", "10000001"]),
    (("sampling",), "adaptive_rounds"): (["0", "1000"], ["-1", "1001"]),
    (("sampling",), "adaptive_points"): (["0", "10000000"], ["-1", "10000001"]),
    (("output",), "evaluation_points"): (["0", "1", "2", "100000"], ["-1", "100001"]),
    (("output",), "log_every"): (["1", "100000000"], ["0", "100000001"]),
    (("output",), "snapshots"): (["0", "10000"], ["-1", "10001"]),
    (("reference",), "cells"): (["0", "4", "100000"], ["1", "3", "-1", "100001"]),
    (("run",), "seed"): (["0", "9223372036854775807"], ["-1", "9223372036854775808", "1.0"]),
    (("run",), "threads"): (["0", "4096"], ["-1", "4097"]),
    (("network",), "hidden"): (["[1]", "[4096]", "[1, 1, 1, 1, 1, 1, 1, 1, 1]"],
                               ["[]", "[0]", "[4097]", "[-1]", "[1, 1, 1, 1, 1, 1, 1, 1, 1, 1]", "16", "[16.0]"]),
    (("network",), "alpha"): (["0", "1", "5e-324"], ["-1", "1.0000001", "nan", "inf"]),
    (("loss",), "penalty"): (["0", "1e15"], ["-1", "1.0000001e15", "nan", "inf", "1e308"]),
    (("loss",), "boundary_weight"): (["1e15", "5e-324"], ["0", "-1", "inf"]),
    (("stage",), "iterations"): (["0", "100000000"], ["-1", "100000001", "2000.0", "2e3"]),
    (("stage",), "learning_rate"): (["10", "5e-324"], ["0", "10.000001", "-1", "nan"]),
    (("stage",), "multiplier_updates"): (["0", "100000"], ["-1", "100001"]),
    (("stage",), "time_limit"): (["0", "1e9"], ["-1", "1.0000001e9", "inf"]),
    (("stage",), "lr_step"): (["1", "100000000"], ["0", "100000001"]),
}


# --------------------------------------------------------------------------- scanning

class Span:
    """A value in the text: [begin, end) of line `line`, its kind and key path."""

    def __init__(self, line, begin, end, kind, path):
        self.line, self.begin, self.end, self.kind, self.path = line, begin, end, kind, path


def _scan_string(s, i):
    quote = s[i]
    j = i + 1
    while j < len(s):
        if quote == '"' and s[j] == "\\":
            j += 2
            continue
        if s[j] == quote:
            return j + 1
        j += 1
    return len(s)


def _scan_value(s, i, path, line, out):
    """Scans one TOML value at s[i:]; appends its spans; returns its end."""
    while i < len(s) and s[i] in " \t":
        i += 1
    if i >= len(s):
        return i
    c = s[i]
    if c in "\"'":
        end = _scan_string(s, i)
        out.append(Span(line, i, end, "string", path))
        return end
    if c == "[":
        j, index, inner = i + 1, 0, []
        while j < len(s):
            while j < len(s) and s[j] in " \t,":
                j += 1
            if j >= len(s) or s[j] in "]#":
                break
            k = _scan_value(s, j, path + (index,), line, inner)
            if k <= j:
                break
            j, index = k, index + 1
        end = j + 1 if j < len(s) and s[j] == "]" else len(s)
        out.append(Span(line, i, end, "array", path))
        out.extend(inner)
        return end
    if c == "{":
        j, inner = i + 1, []
        while j < len(s):
            while j < len(s) and s[j] in " \t,":
                j += 1
            if j >= len(s) or s[j] == "}":
                break
            m = re.match(r'([A-Za-z0-9_\-]+|"[^"]*")\s*=\s*', s[j:])
            if not m:
                break
            key = m.group(1).strip('"')
            k = _scan_value(s, j + m.end(), path + (key,), line, inner)
            if k <= j + m.end():
                break
            j = k
        end = j + 1 if j < len(s) and s[j] == "}" else len(s)
        out.append(Span(line, i, end, "table", path))
        out.extend(inner)
        return end
    m = re.match(r"[^\s,\]\}#]+", s[i:])
    if not m:
        return i
    token = m.group(0)
    kind = "bool" if token in ("true", "false") else "number"
    out.append(Span(line, i, i + len(token), kind, path))
    return i + len(token)


class Doc:
    """A case file as lines, with its sections and the spans of its values."""

    def __init__(self, text):
        self.lines = text.split("\n")
        self.spans = []
        self.key_lines = []  # (line, path of the key)
        self.headers = []  # (line, section path) with stage tables as ("stage", index)
        section, stage_count = (), 0
        for n, raw in enumerate(self.lines):
            stripped = raw.strip()
            if not stripped or stripped.startswith("#"):
                continue
            m = re.match(r"\[\[\s*([A-Za-z0-9_.\-]+)\s*\]\]", stripped)
            if m:
                name = m.group(1)
                section = (name, stage_count) if name == "stage" else tuple(name.split("."))
                if name == "stage":
                    stage_count += 1
                self.headers.append((n, section))
                continue
            m = re.match(r"\[\s*([A-Za-z0-9_.\-]+)\s*\]", stripped)
            if m:
                section = tuple(m.group(1).split("."))
                self.headers.append((n, section))
                continue
            m = re.match(r'(\s*)([A-Za-z0-9_\-]+|"[^"]*")\s*=\s*', raw)
            if m:
                path = section + (m.group(2).strip('"'),)
                self.key_lines.append((n, path))
                _scan_value(raw, m.end(), path, n, self.spans)

    def text(self):
        return "\n".join(self.lines)

    def replace(self, span, value):
        line = self.lines[span.line]
        self.lines[span.line] = line[:span.begin] + value + line[span.end:]
        return span.line

    def find(self, path):
        return [s for s in self.spans if s.path == path]

    def section_line(self, section):
        for n, sec in self.headers:
            if sec == section:
                return n
        return None

    def set_key(self, section, key, value):
        """Sets section.key = value (TOML text): replaces the value, adds the
        line after the section header, or appends the section. Returns the line."""
        for span in self.spans:
            if span.path == section + (key,):
                return self.replace(span, value)
        n = self.section_line(section)
        if n is None:
            header = "[[stage]]" if section[0] == "stage" else "[" + ".".join(section) + "]"
            self.lines += ["", header, "%s = %s" % (key, value)]
            return len(self.lines) - 1
        self.lines.insert(n + 1, "%s = %s" % (key, value))
        return n + 1


def toml_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --------------------------------------------------------------------------- domains

def domain_of(case_text):
    """(type, min list, max list, center, radius) of a case, or None."""
    if tomllib is None:
        return None
    try:
        d = tomllib.loads(case_text)["problem"]["domain"]
    except Exception:
        return None
    if not isinstance(d, dict):
        return None
    return d


def _number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def domain_refusal(d):
    """Why the domain table d (as tomllib parsed it) must be refused, or None.
    Refused (cases/README.md, problem.domain): not a table, a missing or
    unknown type, a key the type does not take, a coordinate that is not a
    finite number or a list of the wrong length, min >= max, radius <= 0; and
    degenerate in double arithmetic: an extent (max - min, or the diameter 2r)
    that overflows to inf, or a measure (length, area, volume) that overflows
    to inf or underflows to 0. A one-element list for an interval's min/max or
    a disk's radius is not judged (the parser reads it as the number)."""
    if not isinstance(d, dict):
        return "problem.domain is not a table"
    kind = d.get("type")
    if not isinstance(kind, str):
        return "missing domain type or not a string"
    allowed = {"disk": {"type", "center", "radius"}, "polygon": {"type", "vertices"}}.get(kind, {"type", "min", "max"})
    dims = {"interval": 1, "rectangle": 2, "box": 3, "disk": 2, "polygon": 2}.get(kind)
    if dims is None:
        return "missing or unknown domain type"
    if set(d) - allowed:
        return "key %s not allowed for a %s" % (sorted(set(d) - allowed)[0], kind)

    def coords(v, default, n):
        if v is None:
            return [default] * n, None
        if n == 1 and _number(v):
            v = [v]
        elif n == 1 and isinstance(v, list) and len(v) == 1:
            return None, "skip"
        if not (isinstance(v, list) and len(v) == n and all(_number(e) for e in v)):
            return None, "not %d number(s)" % n
        v = [float(e) for e in v]
        if not all(math.isfinite(e) for e in v):
            return None, "a non-finite coordinate"
        return v, None

    if kind == "polygon":
        return polygon_refusal(d.get("vertices"))
    if kind == "disk":
        c, why = coords(d.get("center"), 0.0, 2)
        r, why_r = coords(d.get("radius"), 1.0, 1)
        if why or why_r:
            return None if "skip" in (why, why_r) else "disk: " + (why or why_r)
        r = r[0]
        if not r > 0:
            return "radius %r <= 0" % r
        if not math.isfinite(2 * r) or not math.isfinite(math.pi * r * r):
            return "radius %r: the diameter or the area overflows to inf" % r
        if math.pi * r * r == 0:
            return "radius %r: the area underflows to 0" % r
        return None
    lo, why_lo = coords(d.get("min"), 0.0, dims)
    hi, why_hi = coords(d.get("max"), 1.0, dims)
    if why_lo or why_hi:
        return None if "skip" in (why_lo, why_hi) else "%s: %s" % (kind, why_lo or why_hi)
    measure = 1.0
    for k in range(dims):
        extent = hi[k] - lo[k]
        if not hi[k] > lo[k]:
            return "min %r >= max %r" % (lo[k], hi[k])
        if not math.isfinite(extent):
            return "extent %r - (%r) overflows to inf" % (hi[k], lo[k])
        measure *= extent
    if not math.isfinite(measure):
        return "the measure overflows to inf"
    if measure == 0:
        return "the measure underflows to 0"
    return None


def _cross(o, a, b):
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def _segments_meet(a, b, c, d):
    def sign(v):
        return (v > 0) - (v < 0)

    def within(p, q, r):
        return min(p[0], q[0]) <= r[0] <= max(p[0], q[0]) and min(p[1], q[1]) <= r[1] <= max(p[1], q[1])
    o1, o2, o3, o4 = sign(_cross(a, b, c)), sign(_cross(a, b, d)), sign(_cross(c, d, a)), sign(_cross(c, d, b))
    if o1 != o2 and o3 != o4:
        return True
    return ((o1 == 0 and within(a, b, c)) or (o2 == 0 and within(a, b, d)) or (o3 == 0 and within(c, d, a)) or
            (o4 == 0 and within(c, d, b)))


def polygon_refusal(v):
    """Why a polygon's vertices must be refused (cases/README.md, problem.domain), or None: missing, not
    a list of at least 3 [x, y] pairs of finite numbers, two consecutive vertices equal, two edges that
    meet other than neighbours at their shared vertex, neighbours folding back, no area, or a bounding
    box that overflows or collapses in doubles."""
    if not isinstance(v, list) or len(v) < 3:
        return "polygon: vertices missing, not a list or fewer than 3"
    if not all(isinstance(p, list) and len(p) == 2 and all(_number(e) for e in p) for p in v):
        return "polygon: a vertex is not two numbers"
    v = [(float(p[0]), float(p[1])) for p in v]
    if not all(math.isfinite(e) for p in v for e in p):
        return "polygon: a non-finite coordinate"
    n = len(v)
    for k in range(2):
        lo, hi = min(p[k] for p in v), max(p[k] for p in v)
        if not math.isfinite(hi - lo) or hi - lo == 0:
            return "polygon: the bounding box overflows or collapses"
    if any(v[i] == v[(i + 1) % n] for i in range(n)):
        return "polygon: two consecutive vertices are equal"
    for i in range(n):
        a, s, c = v[i], v[(i + 1) % n], v[(i + 2) % n]
        if _cross(a, s, c) == 0 and (a[0] - s[0]) * (c[0] - s[0]) + (a[1] - s[1]) * (c[1] - s[1]) > 0:
            return "polygon: edges fold back"
        for j in range(i + 2, n):
            if i == 0 and j == n - 1:
                continue
            if _segments_meet(v[i], v[(i + 1) % n], v[j], v[(j + 1) % n]):
                return "polygon: edges %d and %d meet" % (i, j)
    area = sum(v[k][0] * v[(k + 1) % n][1] - v[(k + 1) % n][0] * v[k][1] for k in range(n))
    if area == 0 or not math.isfinite(area):
        return "polygon: no area, or an area that overflows"
    return None


def domain_variants(d):
    """Hostile replacements for a case's domain table: (toml text, refusal reason or None)."""
    kind = d.get("type") if d else "interval"
    out = []
    if kind == "interval":
        for lo, hi in [("0.5", "0.5"), ("1.0", "0.0"), ("-1e308", "1e308"), ("0.0", "5e-324"),
                       ("0.0", "1e308"), ("-1e308", "-1e307"), ("nan", "1.0"), ("0.0", "inf"),
                       ("1e308", "1.7976931348623157e308"), ("-5e-324", "5e-324"), ("[0.0]", "[1.0]"),
                       ("[0.0, 0.0]", "1.0"), ('"0"', "1.0")]:
            out.append('{ type = "interval", min = %s, max = %s }' % (lo, hi))
        out.append('{ type = "interval", min = 0.0 }')
        out.append('{ type = "interval", max = 0.0 }')
    elif kind in ("rectangle", "box"):
        n = 2 if kind == "rectangle" else 3

        def arr(vals):
            return "[" + ", ".join(vals) + "]"
        for lo, hi in [(["0.0"] * n, ["1.0"] * (n - 1) + ["0.0"]), (["1.0"] * n, ["0.0"] * n),
                       (["-1e308"] * n, ["1e308"] * n), (["0.0"] * n, ["1e308"] * n),
                       (["0.0"] * n, ["1e-200"] * n), (["0.0"] * n, ["5e-324"] * n),
                       (["0.0"] * n, ["1.0"] * (n - 1) + ["5e-324"]), (["0.0"] * n, ["1.0"] * (n - 1) + ["1e308"]),
                       (["0.0"] * (n - 1), ["1.0"] * n), (["0.0"] * n, ["1.0"] * (n + 1)),
                       (["nan"] * n, ["1.0"] * n), (["0.0"] * n, ["inf"] * n)]:
            out.append('{ type = "%s", min = %s, max = %s }' % (kind, arr(lo), arr(hi)))
        out.append('{ type = "%s", min = 0.0, max = 1.0 }' % kind)
        out.append('{ type = "%s", min = [1e308, 1e308, 1e308], max = [1.7976931348623157e308, '
                   '1.7976931348623157e308, 1.7976931348623157e308] }' % kind)
    for r in ["5e-324", "1e308", "1e-160", "1e154", "0", "-1", "nan", "[1.0]"]:
        out.append('{ type = "disk", center = [0.0, 0.0], radius = %s }' % r)
    out.append('{ type = "disk", center = [1e308, 1e308], radius = 1.0 }')
    out.append('{ type = "disk", center = [0.0], radius = 1.0 }')
    out.append('{ type = "disk", min = 0.0, max = 1.0 }')
    for vertices in ["[[0, 0], [1, 1], [1, 0], [0, 1]]", "[[0, 0], [1, 0]]", "[[0, 0], [1, 0], [1, 0], [0, 1]]",
                     "[[0, 0], [1, 0], [0, 1], [0, 0]]", "[[0, 0], [1, 0], [2, 0]]", "[[0, 0], [2, 0], [1, 0], [0, 1]]",
                     "[[0, 0], [nan, 0], [0, 1]]", "[[0, 0], [1e308, 0], [0, 1e308]]", "[[0, 0], [1, 0, 0], [0, 1]]",
                     "[[0, 0], [5e-324, 0], [0, 5e-324]]", '"square"', "[]"]:
        out.append('{ type = "polygon", vertices = %s }' % vertices)
    out.append('{ type = "polygon" }')
    out.append('{ type = "polygon", vertices = [[0, 0], [1, 0], [0, 1]], min = [0, 0] }')
    out.append('{ type = "sphere" }')
    out.append("{ }")
    out.append('{ type = "interval", min = 0.0, max = 1.0, min = 0.5 }')
    return out


def bump(d):
    """An expression that is 0 on the boundary of the domain d and > 0 inside; None for a polygon
    (no such expression is at hand)."""
    kind = d.get("type")
    if kind == "polygon":
        return None
    if kind == "disk":
        c = d.get("center", [0.0, 0.0])
        r = d.get("radius", 1.0)
        return "%r - (x - (%r))^2 - (y - (%r))^2" % (float(r) ** 2, float(c[0]), float(c[1]))
    dims = {"interval": 1, "rectangle": 2, "box": 3}[kind]
    lo, hi = d.get("min", [0.0] * dims), d.get("max", [1.0] * dims)
    if dims == 1:
        lo, hi = [lo] if _number(lo) else lo, [hi] if _number(hi) else hi
    terms = ["(%s - (%r))*((%r) - %s)" % (v, float(lo[k]), float(hi[k]), v) for k, v in enumerate("xyz"[:dims])]
    return "*".join(terms)


# --------------------------------------------------------------------------- mutations

class Mutant:
    def __init__(self, index, case):
        self.index, self.case = index, case
        self.name = "m%04d-%s.toml" % (index, case)
        self.kind = ""
        self.desc = ""
        self.data = b""
        self.must_refuse = None  # why it has to be refused, or None
        self.line = None  # 0-based line of the mutation, for the report


def _lines_bytes(data):
    return data.split(b"\n")


def mutate_bytes(rng, data, ops=("flip", "flip", "delete_line", "duplicate_line", "swap_lines", "truncate")):
    """One byte-level mutation: (kind, description, new data, line or None)."""
    op = rng.choice(ops)
    lines = _lines_bytes(data)
    if op == "flip" and data:
        pos = rng.randrange(len(data))
        how = rng.choice(["bit", "printable", "any", "special"])
        old = data[pos]
        if how == "bit":
            new = old ^ (1 << rng.randrange(8))
        elif how == "printable":
            new = rng.randrange(32, 127)
        elif how == "any":
            new = rng.randrange(256)
        else:
            new = ord(rng.choice("\"'[]{}=#.,\\\n\r\t\x00\xff"))
        line = data[:pos].count(b"\n")
        return "byte_flip", "byte %d (line %d): 0x%02x -> 0x%02x" % (pos, line + 1, old, new), \
            data[:pos] + bytes([new]) + data[pos + 1:], line
    if op == "delete_line":
        n = rng.randrange(len(lines))
        desc = "deleted line %d: %r" % (n + 1, lines[n][:120].decode("utf-8", "replace"))
        return "delete_line", desc, b"\n".join(lines[:n] + lines[n + 1:]), n
    if op == "duplicate_line":
        n = rng.randrange(len(lines))
        desc = "duplicated line %d: %r" % (n + 1, lines[n][:120].decode("utf-8", "replace"))
        return "duplicate_line", desc, b"\n".join(lines[:n + 1] + lines[n:]), n
    if op == "swap_lines" and len(lines) > 1:
        a, b = sorted(rng.sample(range(len(lines)), 2))
        lines[a], lines[b] = lines[b], lines[a]
        return "swap_lines", "swapped lines %d and %d" % (a + 1, b + 1), b"\n".join(lines), a
    pos = rng.choice([0, 1]) if rng.random() < 0.15 else rng.randrange(len(data) + 1)
    return "truncate", "truncated to %d of %d bytes" % (pos, len(data)), data[:pos], data[:pos].count(b"\n")


LOG_OF_X = ["ln(x)", "log(x)", "log2(x)", "log10(x) + 1"]
DOMAIN_COVER = [
    '{ type = "interval", min = 0.5, max = 0.5 }',
    '{ type = "interval", min = -1e308, max = 1e308 }',
    '{ type = "interval", min = 1.0, max = 0.0 }',
    '{ type = "rectangle", min = [0.0, 0.0], max = [1.0, 0.0] }',
    '{ type = "rectangle", min = [0.0, 0.0], max = [1e-200, 1e-200] }',
    '{ type = "box", min = [0.0, 0.0, 0.0], max = [1e308, 1e308, 1e308] }',
    '{ type = "disk", center = [0.0, 0.0], radius = 5e-324 }',
    '{ type = "disk", center = [0.0, 0.0], radius = 1e308 }',
    '{ type = "disk", center = [0.0, 0.0], radius = 0 }',
    '{ type = "polygon", vertices = [[0, 0], [1, 1], [1, 0], [0, 1]] }',
]

# The first mutants cover every listed hostile value once (case and key drawn
# from the seed); the rest are drawn at random.
COVERAGE = ([("expression", e) for e in NONFINITE_EXPRESSIONS + ASSIGNMENTS_AND_LISTS + LOG_OF_X + [""]] +
            [("expression", e) for e in ODD_EXPRESSIONS] +
            [("domain", d) for d in DOMAIN_COVER] +
            [("whole_file", w) for w in ["empty", "comments_only", "no_problem_section", "binary", "crlf", "bom"]] +
            [("crossed", "inside"), ("crossed", "everywhere"), ("unknown_key", "section"),
             ("unknown_key", "top"), ("unknown_key", "in_section"), ("duplicate", "key"), ("duplicate", "table")] +
            [("limits", (section, key, v)) for (section, key), (good, bad) in sorted(LIMITS.items())
             for v in bad[:1]] +
            [("hostile_value", v) for v in HOSTILE_VALUES])


def expression_refusal(expr, path, domain):
    """Why the expression expr at key path must be refused, or None."""
    if expr in NONFINITE_EXPRESSIONS:
        return "non-finite expression"
    if expr in ASSIGNMENTS_AND_LISTS:
        return "assignment or comma list in an expression"
    if expr in LOG_OF_X and domain is not None and _xmin(domain) is not None and _xmin(domain) <= 0:
        return "non-finite expression (log of x <= 0 on the domain)"
    if expr == "" and path in (("problem", "source"), ("problem", "boundary", "value")):
        return "empty expression"
    return None


def make_mutant(seed, index, cases):
    rng = random.Random("%s:%d" % (seed, index))
    case = rng.choice(sorted(cases))
    original = cases[case]
    m = Mutant(index, case)
    doc = Doc(original)
    domain = domain_of(original)
    if index < len(COVERAGE):
        kind, forced = COVERAGE[index]
    else:
        kind, forced = rng.choices(
            ["bytes", "bytes_multi", "hostile_value", "expression", "type_swap", "unknown_key", "duplicate",
             "crossed", "domain", "limits"],
            weights=[18, 6, 16, 14, 10, 4, 5, 4, 9, 14])[0], None
    m.kind = kind

    if kind in ("bytes", "bytes_multi"):
        data = original.encode("utf-8")
        descs = []
        n_ops = 1 if kind == "bytes" else rng.randint(2, 4)
        for step in range(n_ops):
            ops = ("flip", "flip", "delete_line", "duplicate_line", "swap_lines")
            if step == n_ops - 1 and (kind == "bytes" or rng.random() < 0.3):
                ops += ("truncate",)  # at most one truncation, the last mutation
            op_kind, desc, data, line = mutate_bytes(rng, data, ops)
            descs.append(desc)
            m.line = line
            if kind == "bytes":
                m.kind = op_kind
        m.desc = "; ".join(descs)
        m.data = data
        return m

    if kind == "whole_file":
        text = original
        if forced == "empty":
            text, m.must_refuse = "", "no [problem] section"
        elif forced == "comments_only":
            text = "\n".join(l for l in doc.lines if l.strip().startswith("#")) + "\n"
            m.must_refuse = "no [problem] section"
        elif forced == "no_problem_section":
            start = doc.section_line(("problem",))
            ends = [n for n, _ in doc.headers if n > start]
            end = ends[0] if ends else len(doc.lines)
            text = "\n".join(doc.lines[:start] + doc.lines[end:])
            m.must_refuse = "no [problem] section"
        elif forced == "crlf":
            text = original.replace("\n", "\r\n")
        elif forced == "bom":
            text = "\ufeff" + original
        m.data = bytes(rng.randrange(256) for _ in range(300)) if forced == "binary" else text.encode("utf-8")
        m.desc = "whole file: %s" % forced
        return m

    if kind == "hostile_value":
        span = rng.choice(doc.spans)
        value = forced if forced is not None else rng.choice(HOSTILE_VALUES)
        m.desc = "%s: %s -> %s" % (".".join(map(str, span.path)), doc.lines[span.line][span.begin:span.end][:80],
                                   _short(value, 80))
        m.line = doc.replace(span, value)

    elif kind == "expression":
        present = [s for s in doc.spans if s.path in EXPRESSION_KEYS and s.kind == "string"]
        span = rng.choice(present)
        if forced is not None:
            expr = forced
        else:
            pick = rng.random()
            if pick < 0.45:
                expr = rng.choice(NONFINITE_EXPRESSIONS)
            elif pick < 0.52:
                expr = rng.choice(ASSIGNMENTS_AND_LISTS)
            elif pick < 0.6:
                expr = rng.choice(LOG_OF_X)
            elif pick < 0.65:
                expr = ""
            else:
                expr = rng.choice(ODD_EXPRESSIONS)
        m.must_refuse = expression_refusal(expr, span.path, domain)
        m.desc = "%s = %s" % (".".join(span.path), _short(toml_string(expr)))
        m.line = doc.replace(span, toml_string(expr))

    elif kind == "type_swap":
        span = rng.choice([s for s in doc.spans if s.kind in ("string", "number", "bool", "array")])
        old = doc.lines[span.line][span.begin:span.end]
        # A one-element array for the number of an interval's min/max or a disk's
        # radius is read as that number: not judged. Every other swap is a wrong type.
        one_number = span.path[:2] == ("problem", "domain") and span.path[-1] in ("min", "max", "radius")
        if span.kind == "string":
            new = rng.choice(["1", "0.5", "true", "[%s]" % old, "{ v = %s }" % old])
        elif span.kind == "number":
            new = rng.choice([toml_string(old), "[%s]" % old, "true", "{ v = %s }" % old])
        elif span.kind == "bool":
            new = rng.choice([toml_string(old), "1", "[%s]" % old])
        else:
            inner = old[1:-1].split(",")[0].strip() or "1"
            new = rng.choice([inner, toml_string(old), "{ v = %s }" % old])
        # The operator's coefficients and a boundary part's data are expressions
        # that may also be given as numbers (cases/README.md, "Operator").
        number_expression = len(span.path) >= 2 and span.path[0] == "problem" and (
            span.path[1] in ("diffusion", "convection", "reaction") or
            (span.path[1] == "boundary_part" and span.path[-1] in ("value", "coefficient")))
        refuse = not (one_number and span.kind == "number" and new == "[%s]" % old)
        if number_expression and span.kind == "string" and new in ("1", "0.5"):
            refuse = False
        m.must_refuse = "wrong type" if refuse else None
        m.desc = "%s: %s -> %s" % (".".join(map(str, span.path)), _short(old), _short(new))
        m.line = doc.replace(span, new)

    elif kind == "unknown_key":
        mode = forced or rng.choice(["section", "top", "in_section", "in_section", "in_section"])
        if mode == "section" or not doc.headers:
            m.desc = "unknown section [fuzz_section]"
            doc.lines += ["", "[fuzz_section]", "value = 1"]
            m.line = len(doc.lines) - 2
        elif mode == "top":
            m.desc = "unknown top-level key"
            doc.lines.insert(0, "fuzz_unknown = 1")
            m.line = 0
        else:
            n, section = rng.choice(doc.headers)
            key = rng.choice(["fuzz_unknown", "Name", "iteration", "hidden_layers", "domain_type", "seeds"])
            doc.lines.insert(n + 1, "%s = 1" % key)
            m.desc = "unknown key %r in [%s]" % (key, ".".join(map(str, section)))
            m.line = n + 1
        m.must_refuse = "unknown key"

    elif kind == "duplicate":
        mode = forced or rng.choice(["key", "table"])
        if mode == "key" and doc.key_lines:
            n, path = rng.choice(doc.key_lines)
            doc.lines.insert(n + 1, doc.lines[n])
            m.desc = "duplicate key %s" % ".".join(map(str, path))
            m.line = n + 1
        else:
            plain = [(n, s) for n, s in doc.headers if s[0] != "stage"]
            n, section = rng.choice(plain)
            doc.lines += ["", "[%s]" % ".".join(section)]
            m.desc = "duplicate table [%s]" % ".".join(section)
            m.line = len(doc.lines) - 1
        m.must_refuse = "duplicate key or table"

    elif kind == "crossed":
        mode = forced or rng.choice(["inside", "inside", "everywhere"])
        if mode == "inside" and domain is not None and bump(domain) is not None:
            # Both obstacles admissible on the boundary (0 there, g = 0), crossed inside.
            b = bump(domain)
            a = rng.choice(["1", "1000", "1e-6"])
            settings = [("obstacle", "%s*(%s)" % (a, b)), ("upper_obstacle", "-%s*(%s)" % (a, b))]
            value_span = doc.find(("problem", "boundary", "value"))
            if value_span:
                doc.replace(value_span[0], '"0"')
            else:
                doc.set_key(("problem",), "boundary", '{ type = "dirichlet", value = "0" }')
            for key in ("exact", "lift"):
                if doc.find(("problem", key)):
                    doc.replace(doc.find(("problem", key))[0], '""')
            m.desc = "crossed inside, admissible on the boundary (g = 0): obstacle = %s, upper_obstacle = %s" % (
                settings[0][1], settings[1][1])
        else:
            lo = rng.choice(["1", "0.3", "x + 10"])
            settings = [("obstacle", lo), ("upper_obstacle", "(%s) - 0.5" % lo)]
            m.desc = "crossed everywhere: obstacle = %s, upper_obstacle = (%s) - 0.5" % (lo, lo)
        for key, expr in settings:
            spans = doc.find(("problem", key))
            if spans:
                m.line = doc.replace(spans[0], toml_string(expr))
            else:
                m.line = doc.set_key(("problem",), key, toml_string(expr))
        m.must_refuse = "crossed obstacles (upper_obstacle < obstacle)"

    elif kind == "domain":
        spans = [s for s in doc.find(("problem", "domain")) if s.kind == "table"]
        variant = forced or rng.choice(domain_variants(domain))
        m.line = doc.replace(spans[0], variant)
        m.desc = "problem.domain = %s" % variant
        if tomllib is not None:
            try:
                why = domain_refusal(tomllib.loads("d = " + variant)["d"])
            except tomllib.TOMLDecodeError:
                why = "not valid TOML"  # a duplicate key
            if why:
                m.must_refuse = "bad or degenerate domain (%s)" % why

    elif kind == "limits":
        if forced:
            section, key, value = forced
            good, bad = LIMITS[(section, key)]
        else:
            (section, key), (good, bad) = rng.choice(sorted(LIMITS.items()))
            value = rng.choice(good + bad)
        refuse = "past the documented limit" if value in bad else None
        if section == ("stage",):
            stages = [s for _, s in doc.headers if s[0] == "stage"]
            section = rng.choice(stages) if stages else ("stage", 0)
            if key in ("learning_rate", "lr_step") and _is_ceres_stage(doc, section):
                refuse = "%s on a Ceres stage" % key
        m.line = doc.set_key(section, key, value)
        m.desc = "%s.%s = %s" % (".".join(map(str, section)), key, value)
        m.must_refuse = refuse

    m.data = doc.text().encode("utf-8")
    # Whatever the mutation, a bad or degenerate domain must be refused.
    if m.must_refuse is None and tomllib is not None:
        try:
            problem = tomllib.loads(m.data.decode("utf-8")).get("problem")
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            problem = None
        if isinstance(problem, dict) and "domain" in problem:
            why = domain_refusal(problem["domain"])
            if why:
                m.must_refuse = "bad or degenerate domain (%s)" % why
    return m


def _is_ceres_stage(doc, section):
    for s in doc.spans:
        if s.path == section + ("type",):
            return "ceres" in doc.lines[s.line][s.begin:s.end]
    return False


def _xmin(d):
    if d.get("type") == "polygon":
        v = d.get("vertices")
        return min(float(p[0]) for p in v) if isinstance(v, list) and v else None
    if d.get("type") == "disk":
        c, r = d.get("center", [0.0, 0.0]), d.get("radius", 1.0)
        return float(c[0]) - float(r)
    lo = d.get("min", 0.0)
    return float(lo if _number(lo) else lo[0])


def _short(text, n=100):
    text = text.replace("\n", "\\n")
    return text if len(text) <= n else text[:n] + "...(%d chars)" % len(text)


# --------------------------------------------------------------------------- checks

def check_text(text):
    return [why for pattern, why in FORBIDDEN_TEXT if re.search(pattern, text, re.IGNORECASE)]


def check_validate(m, rc, out, err, timed_out):
    """Reasons mutant m failed validate (empty: passed)."""
    if timed_out:
        return ["hang: validate did not finish within %d s" % VALIDATE_TIMEOUT_S]
    reasons = []
    if rc < 0:
        reasons.append("crash: killed by signal %d" % -rc)
    elif rc not in (0, 2):
        reasons.append("exit code %d (expected 0 or 2)" % rc)
    reasons += check_text(out + err)
    if rc == 2:
        located = re.findall(re.escape(m.name) + r":(\d+):(\d+)", err)
        n_lines = m.data.count(b"\n") + 1
        if located:
            line, col = int(located[0][0]), int(located[0][1])
            if not (1 <= line <= n_lines + 1 and col >= 1):
                reasons.append("location %d:%d outside the file (%d lines)" % (line, col, n_lines))
        elif m.name in err and any(re.search(p, err) for p in WHOLE_FILE_REFUSALS):
            pass
        elif re.search(r"\.toml:\d+:\d+", err):
            reasons.append("location names another file")
        else:
            reasons.append("unlocated refusal (no %s:LINE:COL)" % m.name)
    if rc == 0 and m.must_refuse:
        reasons.append("accepted, must be refused: %s" % m.must_refuse)
    return reasons


def check_run(rc, out, err, timed_out):
    if timed_out:
        return ["hang: run did not finish within %d s" % RUN_TIMEOUT_S]
    reasons = []
    if rc < 0:
        reasons.append("crash in run: killed by signal %d" % -rc)
    elif rc not in (0, 1, 2):
        reasons.append("run exit code %d (expected 0, 1 or 2)" % rc)
    reasons += ["run: " + r for r in check_text(out + err)]
    return reasons


def call(cmd, cwd, timeout, env):
    try:
        p = subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"), False
    except subprocess.TimeoutExpired as e:
        def text(b):
            return (b or b"").decode("utf-8", "replace")
        return None, text(e.stdout), text(e.stderr), True


def run_overrides(m):
    """--set options that make the run of mutant m tiny, or None when it is too big to try."""
    sets = ["output.log_every=10", "output.snapshots=0", "output.evaluation_points=11",
            "sampling.interior=64", "sampling.boundary=16", "sampling.adaptive_points=8",
            "reference.cells=8"]
    n_stages = None
    if tomllib is not None:
        try:
            doc = tomllib.loads(m.data.decode("utf-8"))
        except Exception:
            return None, None
        hidden = doc.get("network", {}).get("hidden", [32, 32])
        stages = doc.get("stage", [])
        inserted = sum(int(s.get("insert_neurons", 0)) for s in stages if isinstance(s, dict))
        if not isinstance(hidden, list) or sum(hidden) + inserted > 600 or len(hidden) > 4:
            return None, None
        n_stages = len(stages)
    else:
        n_stages = len(re.findall(rb"^\s*\[\[\s*stage\s*\]\]", m.data, re.M))
    extra = b""
    if n_stages == 0:
        extra = b"\n[[stage]]\niterations = 20\n"
        n_stages = 1
    for k in range(n_stages):
        sets += ["stage.%d.iterations=20" % k, "stage.%d.time_limit=5" % k]
    return sets, extra


# --------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("binary")
    ap.add_argument("source_dir")
    ap.add_argument("--count", type=int, default=int(os.environ.get("FUZZ_COUNT", DEFAULT_COUNT)))
    ap.add_argument("--seed", default=os.environ.get("FUZZ_SEED", str(DEFAULT_SEED)))
    ap.add_argument("--keep", default="fuzz_cases_failures",
                    help="folder for the failing mutants (default ./fuzz_cases_failures)")
    ap.add_argument("--keep-all", action="store_true", help="also keep the mutants that passed")
    ap.add_argument("--runs", type=int, default=int(os.environ.get("FUZZ_RUNS", DEFAULT_RUNS)),
                    help="accepted mutants to run for real (default %d)" % DEFAULT_RUNS)
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--only", default="", help="comma-separated mutant indices to rebuild and check")
    args = ap.parse_args()

    indices = [int(i) for i in args.only.split(",")] if args.only else list(range(args.count))
    print("fuzz_cases: seed %s (reproduce with --seed %s or FUZZ_SEED=%s), %d mutants, %d runs" %
          (args.seed, args.seed, args.seed, len(indices), args.runs), flush=True)
    start = time.monotonic()
    case_dir = os.path.join(args.source_dir, "cases")
    cases = {}
    for f in sorted(os.listdir(case_dir)):
        if f.endswith(".toml"):
            with open(os.path.join(case_dir, f), encoding="utf-8") as fh:
                cases[f[:-5]] = fh.read()
    if not cases:
        print("no cases in %s" % case_dir)
        return 2
    binary = os.path.abspath(args.binary)
    mutants = [make_mutant(args.seed, i, cases) for i in indices]

    env = dict(os.environ, OMP_WAIT_POLICY="passive", OMP_NUM_THREADS="1", OMP_PROC_BIND="spread",
               OMP_PLACES="threads")
    work = tempfile.mkdtemp(prefix="fuzz_cases_")
    keep = os.path.abspath(args.keep)
    if os.path.isdir(keep):  # forget the mutants of an earlier run (only those)
        for f in os.listdir(keep):
            if re.match(r"m\d{4,}-[A-Za-z0-9_.-]+\.(toml|txt)$", f):
                os.remove(os.path.join(keep, f))
    results = {}  # index -> dict
    try:
        for m in mutants:
            with open(os.path.join(work, m.name), "wb") as fh:
                fh.write(m.data)

        def validate(m):
            t = time.monotonic()
            rc, out, err, timed_out = call([binary, "validate", m.name], work, VALIDATE_TIMEOUT_S, env)
            return m, rc, out, err, timed_out, time.monotonic() - t

        with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
            for m, rc, out, err, timed_out, secs in pool.map(validate, mutants):
                results[m.index] = dict(mutant=m, rc=rc, out=out, err=err, timed_out=timed_out, secs=secs,
                                        reasons=check_validate(m, rc if rc is not None else 0, out, err, timed_out),
                                        run=None)
        t_validate = time.monotonic() - start

        # A few accepted mutants for real, on a tiny budget.
        rng = random.Random("%s:runs" % args.seed)
        # Accepted mutants that should have been refused first (up to half the
        # runs): they are the likeliest to break the solver.
        accepted = [r["mutant"] for _, r in sorted(results.items()) if r["rc"] == 0]
        rng.shuffle(accepted)
        suspicious = [m for m in accepted if m.must_refuse][:args.runs // 2]
        accepted = suspicious + [m for m in accepted if m not in suspicious]
        chosen = []
        for m in accepted:
            if len(chosen) >= args.runs:
                break
            sets, extra = run_overrides(m)
            if sets is not None:
                chosen.append((m, sets, extra))

        def run(item):
            m, sets, extra = item
            path = m.name
            if extra:
                path = m.name[:-5] + "-run.toml"
                with open(os.path.join(work, path), "wb") as fh:
                    fh.write(m.data + extra)
            cmd = [binary, "run", path, "--out", "out-%04d" % m.index, "--quiet", "--threads", "1"]
            for s in sets:
                cmd += ["--set", s]
            t = time.monotonic()
            rc, out, err, timed_out = call(cmd, work, RUN_TIMEOUT_S, env)
            shutil.rmtree(os.path.join(work, "out-%04d" % m.index), ignore_errors=True)
            return m, cmd, rc, out, err, timed_out, time.monotonic() - t

        with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
            for m, cmd, rc, out, err, timed_out, secs in pool.map(run, chosen):
                r = results[m.index]
                r["run"] = dict(cmd=cmd, rc=rc, out=out, err=err, secs=secs, timed_out=timed_out)
                r["reasons"] += check_run(rc if rc is not None else 0, out, err, timed_out)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    # ---- summary
    failed = [r for _, r in sorted(results.items()) if r["reasons"]]
    passed = len(results) - len(failed)
    hist = collections.Counter("timeout" if r["timed_out"] else r["rc"] for r in results.values())
    run_hist = collections.Counter("timeout" if r["run"]["timed_out"] else r["run"]["rc"]
                                   for r in results.values() if r["run"])
    kinds = collections.Counter(r["mutant"].kind for r in results.values())
    secs = sorted(r["secs"] for r in results.values())

    def count(pattern):
        return sum(1 for r in results.values() if any(re.search(pattern, x) for x in r["reasons"]))

    print("\nmutants tried: %d (%s)" % (len(results), ", ".join("%s %d" % kv for kv in sorted(kinds.items()))))
    print("validate exit codes: %s" % ", ".join("%s: %d" % (k, v) for k, v in sorted(hist.items(), key=str)))
    if secs:
        print("validate time per call: median %.3f s, max %.3f s; validate phase %.1f s" %
              (secs[len(secs) // 2], secs[-1], t_validate))
    print("runs: %d (%s)" % (sum(run_hist.values()),
                             ", ".join("exit %s: %d" % (k, v) for k, v in sorted(run_hist.items(), key=str))))
    print("crashes: %d, hangs: %d, unlocated refusals: %d, accepted but must be refused: %d, "
          "bad exit codes: %d, forbidden text: %d" %
          (count(r"crash"), count(r"hang"), count(r"unlocated|outside the file|another file"),
           count(r"must be refused"), count(r"exit code"),
           count(r"internal error|raw C\+\+|uncaught|terminate|API error|crash report")))
    groups = collections.Counter()
    for r in failed:
        for reason in r["reasons"]:
            groups[re.sub(r"location \d+:\d+", "location L:C", re.sub(r" \(.*$", "", reason))] += 1
    if groups:
        print("failure reasons:")
        for g, n in groups.most_common():
            print("  %4d  %s" % (n, g))
    runs = [r for _, r in sorted(results.items()) if r["run"]]
    if runs:
        print("runs of accepted mutants (tiny budget):")
        for r in runs:
            m, run = r["mutant"], r["run"]
            status = [l for l in run["out"].split("\n") if l.startswith("status:")]
            last = run["err"].strip().split("\n")[-1] or (status[0] if status and run["rc"] else "")
            print("  #%d %s [%s] %s: %s in %.1f s%s" % (
                m.index, m.case, m.kind, _short(m.desc, 90), "timeout" if run["timed_out"] else "exit %s" % run["rc"],
                run["secs"], ("; " + _short(last, 160)) if last else ""))

    if failed or args.keep_all:
        os.makedirs(keep, exist_ok=True)
    saved = failed if not args.keep_all else [r for _, r in sorted(results.items())]
    for r in saved:
        m = r["mutant"]
        with open(os.path.join(keep, m.name), "wb") as fh:
            fh.write(m.data)
        with open(os.path.join(keep, m.name[:-5] + ".txt"), "w", encoding="utf-8") as fh:
            fh.write("mutant %d of seed %s, from cases/%s.toml\nmutation: %s: %s\n" %
                     (m.index, args.seed, m.case, m.kind, m.desc))
            if m.must_refuse:
                fh.write("must be refused: %s\n" % m.must_refuse)
            if m.line is not None:
                lines = m.data.decode("utf-8", "replace").split("\n")
                if 0 <= m.line < len(lines):
                    fh.write("mutated line %d: %s\n" % (m.line + 1, _short(lines[m.line], 400)))
            fh.write("failures: %s\n" % ("; ".join(r["reasons"]) or "none"))
            fh.write("\n$ obstacle-pinn validate %s\nexit %s%s\n--- stdout\n%s\n--- stderr\n%s\n" %
                     (m.name, r["rc"], " (timeout)" if r["timed_out"] else "", r["out"], r["err"]))
            if r["run"] and r["run"]["cmd"][2].endswith("-run.toml"):
                fh.write("\n(the run used a copy with '[[stage]]\\niterations = 20' appended: it had no stage)")
            if r["run"]:
                fh.write("\n$ %s\nexit %s%s\n--- stdout\n%s\n--- stderr\n%s\n" %
                         (" ".join(["obstacle-pinn"] + r["run"]["cmd"][1:]), r["run"]["rc"],
                          " (timeout)" if r["run"]["timed_out"] else "", r["run"]["out"][-4000:],
                          r["run"]["err"][-4000:]))
            fh.write("\nreproduce: fuzz_cases.py BINARY SOURCE_DIR --seed %s --only %d\n" % (args.seed, m.index))

    if failed:
        print("\nfailing mutants (saved in %s):" % keep)
        for r in failed:
            m = r["mutant"]
            first = (r["err"].strip().split("\n") or [""])[0]
            print("  #%d %s [%s] %s" % (m.index, m.case, m.kind, _short(m.desc, 160)))
            print("      -> %s" % "; ".join(r["reasons"]))
            if first:
                print("      stderr: %s" % _short(first, 300))
    print("total %.1f s" % (time.monotonic() - start))
    print("%d passed, %d failed" % (passed, len(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

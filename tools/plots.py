#!/usr/bin/env python3
"""@file tools/plots.py
@brief Matplotlib figures of a results folder written by ``obstacle-pinn run``.

Usage: tools/plots.py RESULTS_DIR [--dpi N]

Writes, next to the inputs:

- ``history.png``: the loss terms (|loss|, |loss_pde|, loss_obstacle,
  loss_boundary) and the relative L2 error, max error and max obstacle
  violation against the iteration, log scale, one colour band per stage;
- in 1D, ``profile.png``: u, psi (and psi_upper, exact when present) along x
  with the contact set shaded, and u - exact below when there is a reference
  (``exact`` holds the exact solution, or the finite-difference reference
  when summary.json says ``"reference": "fd"``);
- in 2D, ``contact.png``: the contact set (from the active multipliers) as an
  image, next to u with contour lines.

For a time-dependent run (solution.pvd over levels/ or space_time/), the time series
instead: ``free_boundary.png`` (the contact set over time: in 1D its
components as bars at each level's time, in 2D/3D its measure),
``probes.png`` (u at the probes over time) and ``errors.png`` (each level's
relative L2 and max error against the reference at its time).

solution.vtu is read by the small pure-Python VTK XML reader below (zlib,
lzma or no compression; raw or base64 appended data; inline binary or ascii
arrays), so no VTK Python module is needed: only numpy and matplotlib
(Debian: python3-matplotlib). If this interpreter lacks them and Debian's
/usr/bin/python3 has them (python3 on PATH may be a pyenv or conda one), the
script runs itself again with /usr/bin/python3.

Exit codes: 0 success, 1 a file could not be read, 2 a missing folder or file.
"""

import argparse
import base64
import csv
import json
import lzma
import math
import os
import re
import sys
import zlib
import xml.etree.ElementTree as ET


def _reexec_with_system_python():
    """Runs the script again with Debian's python3 when this one has no matplotlib."""
    system_python = "/usr/bin/python3"
    if os.path.realpath(sys.executable) != os.path.realpath(system_python) and os.path.exists(system_python):
        os.execv(system_python, [system_python] + sys.argv)


try:
    import numpy as np
    import matplotlib
except ImportError:
    _reexec_with_system_python()
    sys.stderr.write("tools/plots.py: needs numpy and matplotlib (Debian: apt-get install python3-matplotlib)\n")
    sys.exit(1)

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the off-screen backend)


class VtuError(Exception):
    """A .vtu file this reader cannot read."""


_DTYPES = {
    "Int8": "i1", "UInt8": "u1", "Int16": "i2", "UInt16": "u2", "Int32": "i4", "UInt32": "u4",
    "Int64": "i8", "UInt64": "u8", "Float32": "f4", "Float64": "f8", "String": "u1",
}


class VtuFile:
    """Point coordinates, point data and field data of a VTK XML UnstructuredGrid file.

    Attributes: ``points`` (n x 3 float array), ``point_data`` (name -> array,
    n or n x components), ``field_data`` (name -> list of str or float array).
    """

    def __init__(self, path):
        with open(path, "rb") as f:
            content = f.read()
        # Raw appended data is not XML: parse only the part before it.
        appended = b""
        start = content.find(b"<AppendedData")
        if start >= 0:
            tag_end = content.index(b">", start)
            tag = content[start:tag_end + 1].decode("ascii")
            self._appended_encoding = re.search(r'encoding="(\w+)"', tag).group(1)
            data_start = content.index(b"_", tag_end) + 1
            data_end = content.rfind(b"</AppendedData>")
            appended = content[data_start:data_end]
            if self._appended_encoding == "base64":
                appended = appended.strip()
            xml_text = content[:start] + b"</VTKFile>"
        else:
            xml_text = content
        root = ET.fromstring(xml_text)
        if root.get("type") != "UnstructuredGrid":
            raise VtuError("%s: not a VTK UnstructuredGrid file (type=%r)" % (path, root.get("type")))
        self._appended = appended
        self._endian = "<" if root.get("byte_order", "LittleEndian") == "LittleEndian" else ">"
        self._header = np.dtype(self._endian + ("u8" if root.get("header_type") == "UInt64" else "u4"))
        compressor = root.get("compressor", "")
        decompressors = {"": None, "vtkZLibDataCompressor": zlib.decompress,
                         "vtkLZMADataCompressor": lzma.decompress}
        if compressor not in decompressors:
            raise VtuError("%s: compressor %s is not supported (zlib, lzma or none are)" % (path, compressor))
        self._decompress = decompressors[compressor]

        piece = root.find("UnstructuredGrid/Piece")
        if piece is None:
            raise VtuError("%s: no <Piece>" % path)
        n = int(piece.get("NumberOfPoints"))
        self.points = self._array(piece.find("Points/DataArray")).reshape(n, 3)
        self.point_data = {}
        for element in piece.findall("PointData/DataArray"):
            values = self._array(element)
            components = int(element.get("NumberOfComponents", "1"))
            self.point_data[element.get("Name")] = values.reshape(n, components) if components > 1 else values
        self.field_data = {}
        for element in list(root.findall("UnstructuredGrid/FieldData/*")):
            values = self._array(element)
            if element.get("type") == "String":
                values = [s.decode("utf-8") for s in bytes(values).split(b"\0")[:-1]]
            self.field_data[element.get("Name")] = values

    def dim(self):
        """1, 2 or 3: the number of coordinates that vary."""
        extent = self.points.max(axis=0) - self.points.min(axis=0)
        return 3 if extent[2] > 0 else (2 if extent[1] > 0 else 1)

    def _array(self, element):
        dtype = np.dtype(self._endian + _DTYPES[element.get("type")])
        form = element.get("format", "ascii")
        if form == "ascii":
            text = (element.text or "").split()
            return np.array([float(v) for v in text]).astype(dtype)
        if form == "appended":
            offset = int(element.get("offset"))
            if self._appended_encoding == "raw":
                return np.frombuffer(self._raw_block(self._appended, offset), dtype=dtype)
            return np.frombuffer(self._base64_block(self._appended[offset:]), dtype=dtype)
        if form == "binary":
            return np.frombuffer(self._base64_block((element.text or "").strip().encode("ascii")), dtype=dtype)
        raise VtuError("DataArray format %r is not supported" % form)

    def _raw_block(self, data, offset):
        h = self._header.itemsize
        if self._decompress is None:
            size = int(np.frombuffer(data, self._header, 1, offset)[0])
            return data[offset + h:offset + h + size]
        n_blocks = int(np.frombuffer(data, self._header, 1, offset)[0])
        sizes = np.frombuffer(data, self._header, n_blocks, offset + 3 * h)
        position = offset + (3 + n_blocks) * h
        out = []
        for size in sizes:
            out.append(self._decompress(data[position:position + int(size)]))
            position += int(size)
        return b"".join(out)

    def _base64_block(self, text):
        h = self._header.itemsize
        if self._decompress is None:  # header and data encoded together
            decoded = base64.b64decode(text[:4 * math.ceil((h + self._first_header(text)) / 3)])
            return decoded[h:]
        n_blocks = self._first_header(text)  # header encoded on its own, then the blocks
        header_chars = 4 * math.ceil((3 + n_blocks) * h / 3)
        header = np.frombuffer(base64.b64decode(text[:header_chars]), self._header, 3 + n_blocks)
        compressed = base64.b64decode(text[header_chars:header_chars + 4 * math.ceil(int(header[3:].sum()) / 3)])
        out, position = [], 0
        for size in header[3:]:
            out.append(self._decompress(compressed[position:position + int(size)]))
            position += int(size)
        return b"".join(out)

    def _first_header(self, text):
        h = self._header.itemsize
        return int(np.frombuffer(base64.b64decode(text[:4 * math.ceil(h / 3)])[:h], self._header, 1)[0])


def read_history(path):
    """history.csv as a dict of column -> list (numbers as float, NaN where empty)."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    columns = {}
    for key in (rows[0].keys() if rows else []):
        values = [r[key] for r in rows]
        if key == "stage":
            columns[key] = values
        else:
            columns[key] = np.array([float(v) if v not in ("", None) else math.nan for v in values])
    return columns


def reference_name(results):
    """What the `exact` field holds: the exact solution, or the finite-difference reference (summary.json)."""
    try:
        with open(os.path.join(results, "summary.json")) as f:
            reference = json.load(f).get("metrics", {}).get("reference", "exact")
    except (OSError, ValueError, AttributeError):
        reference = "exact"
    return "FD reference solution" if reference == "fd" else "exact solution"


def _title(vtu, results):
    case = vtu.field_data.get("case", [os.path.basename(results)]) if vtu else [os.path.basename(results)]
    title = case[0] if case else os.path.basename(results)
    rel_l2 = vtu.field_data.get("rel_l2") if vtu else None
    if rel_l2 is not None and len(rel_l2) and math.isfinite(rel_l2[0]) and rel_l2[0] >= 0:
        title += "   (relative L2 error %.2e)" % rel_l2[0]
    return title


def plot_history(results, history, vtu):
    """history.png: loss terms (left) and errors (right) against the iteration, per stage."""
    if not history or len(history.get("iteration", [])) == 0:
        print("tools/plots.py: %s/history.csv has no rows; history.png not written" % results, file=sys.stderr)
        return None
    stage_index = history["stage_index"].astype(int)
    # The iteration restarts in each stage: plot against the cumulative iteration.
    iteration = history["iteration"].copy()
    offset, x = 0.0, np.empty_like(iteration)
    stage_spans = []
    for s in sorted(set(stage_index)):
        mask = stage_index == s
        x[mask] = iteration[mask] + offset
        stage_spans.append((history["stage"][int(np.argmax(mask))], offset, offset + iteration[mask].max()))
        offset += iteration[mask].max()

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), constrained_layout=True)
    series = [
        (axes[0], ["loss", "loss_pde", "loss_obstacle", "loss_boundary"], "loss terms"),
        (axes[1], ["rel_l2", "max_abs", "max_violation"], "error and obstacle violation"),
    ]
    for ax, names, label in series:
        for name in names:
            if name not in history:
                continue
            y = history[name]
            shown = "|%s|" % name if np.any(y < 0) else name  # the energy can be negative
            y = np.abs(y)
            keep = np.isfinite(y) & (y > 0)
            if np.any(keep):
                ax.plot(x[keep], y[keep], marker=".", markersize=3, label=shown)
        ax.set_yscale("log")
        ax.set_xlabel("iteration (all stages)")
        ax.set_title(label)
        ax.grid(True, which="both", alpha=0.3)
        for k, (name, a, b) in enumerate(stage_spans):
            ax.axvspan(a, b, color="C%d" % (k % 10), alpha=0.06)
            ax.text((a + b) / 2, 0.98, name, transform=ax.get_xaxis_transform(), ha="center", va="top", fontsize=8)
        if ax.lines:
            ax.legend(fontsize=8)
    fig.suptitle(_title(vtu, results))
    out = os.path.join(results, "history.png")
    fig.savefig(out, dpi=ARGS.dpi)
    plt.close(fig)
    return out


def plot_profile(results, vtu):
    """profile.png (1D): u, psi, exact with the contact set shaded; u - exact below."""
    order = np.argsort(vtu.points[:, 0])
    x = vtu.points[order, 0]
    data = {k: v[order] for k, v in vtu.point_data.items() if v.ndim == 1}
    has_error = "exact" in data
    fig, axes = plt.subplots(2 if has_error else 1, 1, figsize=(9, 6.5 if has_error else 4.5), sharex=True,
                             squeeze=False, constrained_layout=True,
                             gridspec_kw={"height_ratios": [3, 1] if has_error else [1]})
    ax = axes[0][0]
    if "contact" in data:
        contact = data["contact"] > 0.5
        ax.fill_between(x, 0, 1, where=contact, transform=ax.get_xaxis_transform(), color="tab:red", alpha=0.12,
                        step="mid", label="contact set (λ > 0)")
    ax.plot(x, data["psi"], color="0.35", linewidth=2, label="ψ (obstacle)")
    if "psi_upper" in data:
        ax.plot(x, data["psi_upper"], color="0.35", linewidth=2, linestyle="-.", label="ψ_upper")
    if has_error:
        ax.plot(x, data["exact"], color="k", linestyle="--", linewidth=1.2, label=reference_name(results))
    ax.plot(x, data["u"], color="tab:blue", linewidth=1.8, label="u (network)")
    lo = min(np.min(data["u"]), np.min(data.get("exact", data["u"])))
    hi = max(np.max(data["u"]), np.max(data.get("exact", data["u"])))
    if "psi_upper" in data:
        hi = max(hi, np.max(data["psi_upper"]))
    pad = 0.15 * (hi - lo if hi > lo else 1.0)
    ax.set_ylim(min(lo, np.max(data["psi"])) - pad, hi + pad)  # ψ may dive far below u
    ax.set_ylabel("u, ψ")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=9)
    ax.set_title(_title(vtu, results))
    if has_error:
        axes[1][0].plot(x, data["u"] - data["exact"], color="tab:purple")
        axes[1][0].set_ylabel("u − exact" if reference_name(results) == "exact solution" else "u − reference")
        axes[1][0].grid(True, alpha=0.3)
    axes[-1][0].set_xlabel("x")
    out = os.path.join(results, "profile.png")
    fig.savefig(out, dpi=ARGS.dpi)
    plt.close(fig)
    return out


def _grid_image(vtu, values):
    """Point values on the uniform evaluation grid as a 2D image (NaN outside the domain)."""
    xs = np.unique(vtu.points[:, 0])
    ys = np.unique(vtu.points[:, 1])
    image = np.full((len(ys), len(xs)), np.nan)
    i = np.searchsorted(xs, vtu.points[:, 0])
    j = np.searchsorted(ys, vtu.points[:, 1])
    image[j, i] = values
    return xs, ys, image


def plot_contact(results, vtu):
    """contact.png (2D): the contact set as an image, and u with contour lines."""
    fig, axes = plt.subplots(1, 2, figsize=(12, 5.2), constrained_layout=True)
    xs, ys, contact = _grid_image(vtu, vtu.point_data["contact"])
    extent = [xs[0], xs[-1], ys[0], ys[-1]]
    cmap = matplotlib.colors.ListedColormap(["#f2f2f2", "#d62728"])
    axes[0].imshow(contact, origin="lower", extent=extent, cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
    fraction = np.nanmean(contact) if np.any(np.isfinite(contact)) else 0.0
    axes[0].set_title("contact set (λ > 0, red): %.1f%% of the grid points" % (100 * fraction))
    if "exact" in vtu.point_data and "psi" in vtu.point_data:
        # Where the exact solution touches the obstacle, for comparison (dashed).
        _, _, gap = _grid_image(vtu, vtu.point_data["exact"] - vtu.point_data["psi"])
        scale = max(np.nanmax(np.abs(gap)), 1e-300)
        if np.nanmin(gap) < 1e-9 * scale:
            free = np.where(np.isnan(gap), np.nan, (gap > 1e-9 * scale).astype(float))  # NaN outside Ω
            axes[0].contour(xs, ys, free, levels=[0.5], colors="k", linestyles="--", linewidths=1)
            axes[0].set_xlabel("x    (dashed: contact set of the %s)" % reference_name(results))
    _, _, u = _grid_image(vtu, vtu.point_data["u"])
    shown = axes[1].imshow(u, origin="lower", extent=extent, cmap="viridis", interpolation="nearest")
    if np.nanmax(u) > np.nanmin(u):
        axes[1].contour(xs, ys, u, levels=12, colors="w", linewidths=0.6, alpha=0.7)
    if np.nanmax(contact) > 0.5:
        axes[1].contour(xs, ys, np.nan_to_num(contact), levels=[0.5], colors="k", linewidths=1.5)
    fig.colorbar(shown, ax=axes[1], label="u")
    axes[1].set_title("u")
    for ax in axes:
        if not ax.get_xlabel():
            ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.set_aspect("equal")
    fig.suptitle(_title(vtu, results))
    out = os.path.join(results, "contact.png")
    fig.savefig(out, dpi=ARGS.dpi)
    plt.close(fig)
    return out


def read_csv_rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def save(fig, results, name):
    path = os.path.join(results, name)
    fig.tight_layout()
    fig.savefig(path, dpi=ARGS.dpi)
    plt.close(fig)
    return path


def plot_time_series(results):
    """free_boundary.png, probes.png and errors.png of a time-dependent run; the files written."""
    written = []
    with open(os.path.join(results, "summary.json")) as f:
        summary = json.load(f)
    name = summary.get("case", "")
    boundary_path = os.path.join(results, "free_boundary.csv")
    if os.path.isfile(boundary_path):
        rows = read_csv_rows(boundary_path)
        fig, ax = plt.subplots(figsize=(7, 4.5))
        if rows and "lower" in rows[0]:
            for r in rows:
                t = float(r["time"])
                ax.plot([float(r["lower"]), float(r["upper"])], [t, t], color="tab:red", lw=2.5, solid_capstyle="butt")
            ax.set_xlabel("x")
            ax.set_ylabel("t")
            ax.set_title("%s: contact set over time (the free boundary: its ends inside the domain)" % name, fontsize=9)
        else:
            ax.plot([float(r["time"]) for r in rows], [float(r["contact_measure"]) for r in rows], "o-")
            ax.set_xlabel("t")
            ax.set_ylabel("contact set measure")
            ax.set_title("%s: contact set over time" % name, fontsize=9)
        ax.grid(alpha=0.3)
        written.append(save(fig, results, "free_boundary.png"))
    probes_path = os.path.join(results, "probes.csv")
    if os.path.isfile(probes_path):
        with open(probes_path, newline="") as f:
            table = list(csv.reader(f))
        fig, ax = plt.subplots(figsize=(7, 4.5))
        times = [float(r[0]) for r in table[1:]]
        for k, label in enumerate(table[0][1:], start=1):
            ax.plot(times, [float(r[k]) for r in table[1:]], "o-", ms=3, label=label)
        ax.set_xlabel("t")
        ax.set_ylabel("u")
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
        ax.set_title("%s: u at the probes" % name, fontsize=9)
        written.append(save(fig, results, "probes.png"))
    rows = read_csv_rows(os.path.join(results, "history.csv"))
    errors = [(float(r["time"]), float(r["rel_l2"]), float(r["max_abs"])) for r in rows if float(r["rel_l2"]) >= 0]
    if errors:
        fig, ax = plt.subplots(figsize=(7, 4.5))
        ax.semilogy([e[0] for e in errors], [e[1] for e in errors], "o-", label="relative L2")
        ax.semilogy([e[0] for e in errors], [e[2] for e in errors], "s-", label="max |u - reference|")
        ax.set_xlabel("t")
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3, which="both")
        ax.set_title("%s: error against the %s solution at each level" % (name, summary["metrics"]["reference"]),
                     fontsize=9)
        written.append(save(fig, results, "errors.png"))
    return written


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1].replace("@brief ", ""))
    parser.add_argument("results", help="a folder written by 'obstacle-pinn run'")
    parser.add_argument("--dpi", type=int, default=110, help="resolution of the PNG files (default 110)")
    ARGS = parser.parse_args()
    results = ARGS.results
    if not os.path.isdir(results):
        print("tools/plots.py: no such results folder: %s" % results, file=sys.stderr)
        return 2
    if os.path.isfile(os.path.join(results, "solution.pvd")) and (
            os.path.isdir(os.path.join(results, "levels")) or os.path.isdir(os.path.join(results, "space_time"))):
        try:
            written = plot_time_series(results)
        except (OSError, ValueError, KeyError) as error:
            print("tools/plots.py: cannot read %s: %s" % (results, error), file=sys.stderr)
            return 1
        print("[plots] wrote " + ", ".join(written), file=sys.stderr)
        return 0
    vtu_path = os.path.join(results, "solution.vtu")
    history_path = os.path.join(results, "history.csv")
    if not os.path.isfile(vtu_path) and not os.path.isfile(history_path):
        print("tools/plots.py: %s has neither solution.vtu nor history.csv: is it a folder written by "
              "'obstacle-pinn run'?" % results, file=sys.stderr)
        return 2
    written = []
    try:
        vtu = VtuFile(vtu_path) if os.path.isfile(vtu_path) else None
        if os.path.isfile(history_path):
            written.append(plot_history(results, read_history(history_path), vtu))
        if vtu is not None:
            dim = vtu.dim()
            if dim == 1:
                written.append(plot_profile(results, vtu))
            elif dim == 2 and "contact" in vtu.point_data:
                written.append(plot_contact(results, vtu))
    except (OSError, ValueError, KeyError, VtuError, ET.ParseError, zlib.error, lzma.LZMAError) as error:
        print("tools/plots.py: cannot read %s: %s" % (results, error), file=sys.stderr)
        return 1
    written = [w for w in written if w]
    print("[plots] wrote " + ", ".join(written), file=sys.stderr)
    return 0


ARGS = None

if __name__ == "__main__":
    sys.exit(main())

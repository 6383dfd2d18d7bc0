"""@file tools/paraview/render.py
@brief Off-screen ParaView picture (and optional state file) of an obstacle-pinn solution.vtu.

Run by tools/view as
    PYTHONPATH=<python3-paraview>/usr/lib/python3/dist-packages xvfb-run -a \\
        pvbatch --no-mpi --dr render.py --input DIR/solution.vtu --out FILE.png [--state FILE.pvsm] [--size WxH]

What it draws depends on the dimension of the grid in solution.vtu:
- 1D: a line chart of u, psi (psi_upper, exact when present) along x, with the
  contact set (contact = 1, from the active multipliers) drawn as a thick red
  segment on u;
- 2D: the surface warped by u, coloured by u, over the obstacle warped by psi
  (grey, translucent), with the boundary of the contact set (the contour
  contact = 0.5 on the u surface) as a red line;
- 3D: the slice z = centre coloured by u with the contact boundary on it as a
  red line, the translucent contact region (contact = 0.5 isosurface) and the
  outline of the box.
The state file holds the same pipeline, with the reader's absolute path, so
File -> Load State in ParaView opens the run with this colouring.
"""

import argparse
import json
import math
import os
import sys

from paraview import servermanager
from paraview import simple as pv


def say(message):
    """Messages tools/view passes on (pvbatch mixes other output into its log)."""
    print("[render] " + message, flush=True)


def set_if_present(proxy, name, value):
    """Sets a property that not every ParaView version has (5.11 is tested)."""
    try:
        setattr(proxy, name, value)
    except (AttributeError, ValueError, TypeError):
        pass


def field_data(reader):
    """case, stage and rel_l2 from the file's field data ('' / NaN when absent)."""
    data = servermanager.Fetch(reader)
    fields = data.GetFieldData()
    out = {"case": "", "stage": "", "rel_l2": math.nan}
    for name in ("case", "stage"):
        array = fields.GetAbstractArray(name)
        if array is not None and array.GetNumberOfValues() > 0:
            out[name] = str(array.GetValue(0))
    array = fields.GetArray("rel_l2")
    if array is not None and array.GetNumberOfTuples() > 0:
        out["rel_l2"] = array.GetTuple1(0)
    return out


def reference_kind(results):
    """summary.json's metrics.reference: "exact", "fd" (the `exact` field is the FD reference) or ""."""
    try:
        with open(os.path.join(results, "summary.json")) as f:
            return str(json.load(f).get("metrics", {}).get("reference", ""))
    except (OSError, ValueError, AttributeError):
        return ""


def title_of(info):
    title = info["case"] or "solution"
    if info["stage"]:
        title += " (after %s)" % info["stage"]
    if math.isfinite(info["rel_l2"]) and info["rel_l2"] >= 0:
        title += ", relative L2 error %.2e" % info["rel_l2"]
    return title


def white_background(view):
    set_if_present(view, "UseColorPaletteForBackground", 0)
    set_if_present(view, "BackgroundColorMode", "Single Color")
    view.Background = [1.0, 1.0, 1.0]
    set_if_present(view, "OrientationAxesLabelColor", [0.0, 0.0, 0.0])


def add_title(view, text):
    title = pv.Text(registrationName="title", Text=text)
    display = pv.Show(title, view)
    set_if_present(display, "WindowLocation", "Upper Center")
    display.FontSize = 20
    display.Color = [0.0, 0.0, 0.0]


def solid_color(display, rgb):
    """One colour, no colour map (ColorBy(display, None) fails where there are no point arrays)."""
    display.ColorArrayName = ["POINTS", ""]
    display.AmbientColor = rgb
    display.DiffuseColor = rgb


def add_legend(view, text):
    legend = pv.Text(registrationName="legend", Text=text)
    display = pv.Show(legend, view)
    set_if_present(display, "WindowLocation", "Lower Right Corner")
    display.FontSize = 14
    display.Color = [0.2, 0.2, 0.2]


def color_by_u(display, view, u_range):
    pv.ColorBy(display, ("POINTS", "u"))
    lut = pv.GetColorTransferFunction("u")
    lut.ApplyPreset("Viridis (matplotlib)", True)
    lut.RescaleTransferFunction(u_range[0], u_range[1])
    pv.GetOpacityTransferFunction("u").RescaleTransferFunction(u_range[0], u_range[1])
    display.SetScalarBarVisibility(view, True)
    bar = pv.GetScalarBar(lut, view)
    bar.Title = "u"
    bar.ComponentTitle = ""
    bar.TitleColor = [0.0, 0.0, 0.0]
    bar.LabelColor = [0.0, 0.0, 0.0]
    set_if_present(bar, "WindowLocation", "Any Location")
    set_if_present(bar, "Position", [0.88, 0.15])
    set_if_present(bar, "ScalarBarLength", 0.6)


def has_array(source, name):
    return source.PointData.GetArray(name) is not None


def render_1d(reader, arrays, size, info):
    """A line chart of u, psi (psi_upper, exact) along x; the contact set as a thick red segment on u."""
    view = pv.CreateView("XYChartView")
    view.ViewSize = size
    view.ChartTitle = title_of(info)
    set_if_present(view, "ChartTitleFontSize", 20)
    view.BottomAxisTitle = "x"
    view.LeftAxisTitle = "u, psi"
    set_if_present(view, "LegendLocation", "TopRight")

    colors = {"u": [0.12, 0.47, 0.71], "psi": [0.35, 0.35, 0.35], "psi_upper": [0.35, 0.35, 0.35],
              "exact": [0.0, 0.0, 0.0]}
    labels = {"u": "u (network)", "psi": "psi (obstacle)", "psi_upper": "psi_upper",
              "exact": "FD reference" if info["reference"] == "fd" else "exact"}
    styles = {"u": "1", "psi": "1", "psi_upper": "4", "exact": "2"}  # 1 solid, 2 dash, 4 dash-dot
    shown = [name for name in ("psi", "psi_upper", "exact", "u") if name in arrays]

    # When ψ dives far below u (ψ = 1/2 − 8(x − 1/2)² reaches −3/2), zoom in on u
    # and the contact set; ψ leaves the picture where it is of no interest.
    u_lo, u_hi = reader.PointData["u"].GetRange()
    if "exact" in arrays:
        e_lo, e_hi = reader.PointData["exact"].GetRange()
        u_lo, u_hi = min(u_lo, e_lo), max(u_hi, e_hi)
    if "psi_upper" in arrays:
        u_hi = max(u_hi, reader.PointData["psi_upper"].GetRange()[1])
    psi_lo = reader.PointData["psi"].GetRange()[0] if "psi" in arrays else u_lo
    pad = 0.15 * max(u_hi - u_lo, 1e-12)
    if u_lo - psi_lo > 2.0 * (u_hi - u_lo):
        set_if_present(view, "LeftAxisUseCustomRange", 1)
        set_if_present(view, "LeftAxisRangeMinimum", u_lo - pad)
        set_if_present(view, "LeftAxisRangeMaximum", u_hi + pad)

    curves = pv.Show(reader, view, "XYChartRepresentation")
    curves.UseIndexForXAxis = 0
    curves.XArrayName = "Points_X"
    curves.SeriesVisibility = shown
    curves.SeriesColor = sum([[name] + [str(c) for c in colors[name]] for name in shown], [])
    curves.SeriesLabel = sum([[name, labels[name]] for name in shown], [])
    curves.SeriesLineStyle = sum([[name, styles[name]] for name in shown], [])
    curves.SeriesLineThickness = sum([[name, "3" if name == "u" else "2"] for name in shown], [])

    if "contact" in arrays:
        # The points with contact = 1 (cells whose ends are both in contact): a
        # thick red segment over u where the membrane lies on the obstacle.
        contact = pv.Threshold(registrationName="contact set", Input=reader)
        contact.Scalars = ["POINTS", "contact"]
        set_if_present(contact, "LowerThreshold", 0.5)
        set_if_present(contact, "UpperThreshold", 1.5)
        set_if_present(contact, "ThresholdMethod", "Between")
        contact.UpdatePipeline()
        if contact.GetDataInformation().GetNumberOfPoints() > 0:
            marks = pv.Show(contact, view, "XYChartRepresentation")
            marks.UseIndexForXAxis = 0
            marks.XArrayName = "Points_X"
            marks.SeriesVisibility = ["u"]
            marks.SeriesLabel = ["u", "contact set (lambda > 0)"]
            marks.SeriesColor = ["u", "0.84", "0.15", "0.16"]
            marks.SeriesLineThickness = ["u", "8"]
            marks.SeriesLineStyle = ["u", "1"]
        else:
            say("no contact points (contact = 0 everywhere)")
    return view


def render_2d(reader, arrays, bounds, size, info):
    """u as a surface over the obstacle, coloured by u, with the contact boundary drawn in red."""
    view = pv.CreateView("RenderView")
    view.ViewSize = size
    white_background(view)
    view.OrientationAxesVisibility = 1

    u_range = reader.PointData["u"].GetRange()
    psi_range = reader.PointData["psi"].GetRange() if "psi" in arrays else u_range
    extent = max(bounds[1] - bounds[0], bounds[3] - bounds[2])
    height = max(u_range[1], psi_range[1]) - min(u_range[0], psi_range[0])
    # Exaggerate or flatten only when the heights are out of proportion with the domain.
    scale = 1.0
    if height > 0 and not (0.05 * extent <= height <= 2.0 * extent):
        scale = 0.4 * extent / height
    # The obstacle may dive far below u (ψ = −1 away from a hemisphere, say): clip it at
    # a little below the lowest u so the picture stays about the membrane.
    floor = u_range[0] - 0.1 * max(u_range[1] - u_range[0], 1e-12)

    warp_u = pv.WarpByScalar(registrationName="u surface", Input=reader)
    warp_u.Scalars = ["POINTS", "u"]
    warp_u.ScaleFactor = scale
    cx, cy = (bounds[0] + bounds[1]) / 2, (bounds[2] + bounds[3]) / 2
    shown_u = warp_u
    if "psi" in arrays:
        # Cut away the quarter nearest the camera (x < centre, y < centre) to
        # show the obstacle under the membrane.
        quarter = pv.Calculator(registrationName="front quarter", Input=reader)
        quarter.ResultArrayName = "outside_front_quarter"
        quarter.Function = "max(coordsX - %.17g, coordsY - %.17g)" % (cx, cy)
        cut = pv.Clip(registrationName="u without the front quarter", Input=quarter)
        cut.ClipType = "Scalar"
        cut.Scalars = ["POINTS", "outside_front_quarter"]
        cut.Value = 0.0
        cut.Invert = 0
        shown_u = pv.WarpByScalar(registrationName="u surface, cut open", Input=cut)
        shown_u.Scalars = ["POINTS", "u"]
        shown_u.ScaleFactor = scale
    surface = pv.Show(shown_u, view)
    color_by_u(surface, view, u_range)

    lift = 2e-3 * extent  # keeps coincident surfaces and lines from flickering into each other
    if "psi" in arrays:
        clipped = pv.Calculator(registrationName="psi above floor", Input=reader)
        clipped.ResultArrayName = "psi_shown"
        clipped.Function = "max(psi, %.17g)" % floor
        warp_psi = pv.WarpByScalar(registrationName="obstacle", Input=clipped)
        warp_psi.Scalars = ["POINTS", "psi_shown"]
        warp_psi.ScaleFactor = scale
        obstacle = pv.Show(warp_psi, view)
        solid_color(obstacle, [0.72, 0.72, 0.72])
        obstacle.Position = [0.0, 0.0, -lift]

    if "contact" in arrays:
        outline = pv.Contour(registrationName="contact boundary", Input=warp_u)
        outline.ContourBy = ["POINTS", "contact"]
        outline.Isosurfaces = [0.5]
        outline.UpdatePipeline()
        if outline.GetDataInformation().GetNumberOfPoints() > 0:
            lines = pv.Show(outline, view)
            solid_color(lines, [0.84, 0.15, 0.16])
            lines.LineWidth = 4.0
            set_if_present(lines, "RenderLinesAsTubes", 1)
            lines.Position = [0.0, 0.0, lift]
        else:
            say("no contact points (contact = 0 everywhere)")

    title = title_of(info)
    if scale != 1.0:
        title += "  (heights x%.3g)" % scale
    add_title(view, title)
    add_legend(view, "colour: u    grey: obstacle psi (front quarter of u cut away)    red: boundary of the contact set")
    cz = scale * (min(u_range[0], floor) + u_range[1]) / 2
    view.CameraFocalPoint = [cx, cy, cz]
    view.CameraPosition = [cx - 1.2 * extent, cy - 1.9 * extent, cz + 1.5 * extent]
    view.CameraViewUp = [0.0, 0.0, 1.0]
    view.ResetCamera(False)
    view.CameraParallelScale = 1.0
    pv.GetActiveCamera().Dolly(1.5)
    return view


def render_3d(reader, arrays, bounds, size, info):
    """The slice z = centre coloured by u with the contact boundary in red, the contact region translucent."""
    view = pv.CreateView("RenderView")
    view.ViewSize = size
    white_background(view)
    view.OrientationAxesVisibility = 1
    center = [(bounds[0] + bounds[1]) / 2, (bounds[2] + bounds[3]) / 2, (bounds[4] + bounds[5]) / 2]
    u_range = reader.PointData["u"].GetRange()

    box = pv.Show(pv.Outline(registrationName="box", Input=reader), view)
    solid_color(box, [0.2, 0.2, 0.2])

    cut = pv.Slice(registrationName="slice z = centre", Input=reader)
    cut.SliceType = "Plane"
    cut.SliceType.Origin = center
    cut.SliceType.Normal = [0.0, 0.0, 1.0]
    shown = pv.Show(cut, view)
    color_by_u(shown, view, u_range)

    if "contact" in arrays:
        region = pv.Contour(registrationName="contact region", Input=reader)
        region.ContourBy = ["POINTS", "contact"]
        region.Isosurfaces = [0.5]
        region.UpdatePipeline()
        if region.GetDataInformation().GetNumberOfPoints() > 0:
            surface = pv.Show(region, view)
            solid_color(surface, [0.84, 0.15, 0.16])
            surface.Opacity = 0.3
            on_slice = pv.Contour(registrationName="contact boundary on the slice", Input=cut)
            on_slice.ContourBy = ["POINTS", "contact"]
            on_slice.Isosurfaces = [0.5]
            lines = pv.Show(on_slice, view)
            solid_color(lines, [0.84, 0.15, 0.16])
            lines.LineWidth = 4.0
            set_if_present(lines, "RenderLinesAsTubes", 1)
        else:
            say("no contact points (contact = 0 everywhere)")

    add_title(view, title_of(info) + "  (slice z = %.3g)" % center[2])
    add_legend(view, "colour: u on the slice    red: contact region (translucent) and its boundary on the slice")
    extent = max(bounds[1] - bounds[0], bounds[3] - bounds[2], bounds[5] - bounds[4])
    view.CameraFocalPoint = center
    view.CameraPosition = [center[0] - 1.3 * extent, center[1] - 2.0 * extent, center[2] + 1.6 * extent]
    view.CameraViewUp = [0.0, 0.0, 1.0]
    view.ResetCamera(False)
    return view


def main():
    parser = argparse.ArgumentParser(description="Off-screen ParaView picture of an obstacle-pinn solution.vtu")
    parser.add_argument("--input", required=True, help="solution.vtu")
    parser.add_argument("--out", required=True, help="picture (.png)")
    parser.add_argument("--state", default="", help="also save a ParaView state file (.pvsm)")
    parser.add_argument("--size", default="1200x800", help="WxH in pixels")
    args = parser.parse_args()
    size = [int(v) for v in args.size.lower().split("x")]
    path = os.path.abspath(args.input)
    if not os.path.isfile(path):
        say("no such file: " + path)
        return 2

    reader = pv.XMLUnstructuredGridReader(registrationName=os.path.basename(path), FileName=[path])
    reader.UpdatePipeline()
    arrays = [reader.PointData.GetArray(i).GetName() for i in range(len(reader.PointData))]
    if "u" not in arrays:
        say("%s has no point array 'u' (found: %s)" % (path, ", ".join(arrays)))
        return 2
    bounds = reader.GetDataInformation().GetBounds()
    dim = 3 if bounds[5] > bounds[4] else (2 if bounds[3] > bounds[2] else 1)
    info = field_data(reader)
    info["reference"] = reference_kind(os.path.dirname(path))

    if dim == 1:
        view = render_1d(reader, arrays, size, info)
    elif dim == 2:
        view = render_2d(reader, arrays, bounds, size, info)
    else:
        view = render_3d(reader, arrays, bounds, size, info)

    layout = pv.CreateLayout("obstacle-pinn")
    pv.AssignViewToLayout(view=view, layout=layout, hint=0)
    pv.SetActiveView(view)
    pv.Render(view)
    pv.SaveScreenshot(os.path.abspath(args.out), view, ImageResolution=size, TransparentBackground=0)
    say("%dD picture of %s: %s" % (dim, path, args.out))
    if args.state:
        pv.SaveState(os.path.abspath(args.state))
        say("state file: %s (ParaView: File -> Load State)" % args.state)
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip the interpreter's teardown: ParaView 5.11's pvbatch under Xvfb aborts
    # with GLXBadContext while destroying its render windows, after every file
    # is written and closed, which would turn a good run into a failure.
    os._exit(code)

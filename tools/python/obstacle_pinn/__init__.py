"""obstacle-pinn from Python: define an obstacle problem, train a network on it
with the C++ engine, and get the solution, the contact set and the history as
NumPy arrays (README.md, "Python").

    import obstacle_pinn as op
    case = op.load("obstacle1d")                      # a predefined case, or a case file's path
    result = op.run(case, threads=2)
    result.metrics["rel_l2"], result.evaluate(x)["u"]

A case can also be a dictionary with the keys of a case file (cases/README.md),
and problem data can be Python callables f(points) -> values, vectorised over
an (n, dim) array of points, wherever an expression string is allowed for
source, boundary, obstacle, upper_obstacle, exact, lift, diffusion, convection
and reaction. The engine evaluates them on the host at its sample points, as it
does expressions; the training itself runs in C++ without the GIL.
"""

import atexit
import copy
import json
import os
import tomllib

import numpy as np

# OpenMP reads these when the engine's library loads: the command line's
# defaults (tools/obstacle-pinn), unless the user set them.
os.environ.setdefault("OMP_PROC_BIND", "spread")
os.environ.setdefault("OMP_PLACES", "threads")

from . import _core  # noqa: E402 (after the OpenMP settings)
from . import _toml

__all__ = ["Case", "CaseError", "Result", "load", "run", "resume", "reference", "predefined_cases", "threads"]

CaseError = _core.CaseError
"""Bad input: the message says where (file:line:column, or the key), what was
found and what is allowed. A subclass of ValueError."""

atexit.register(_core.finalize)  # Kokkos ends with the interpreter, after the last run's memory

_PYTHON_TEXT = "python: "  # how case.toml records a callable (no case file can reproduce it)


def predefined_cases():
    """The predefined cases: name -> path of its case file."""
    directory = _core.cases_directory()
    if not os.path.isdir(directory):
        return {}
    return {f[:-5]: os.path.join(directory, f) for f in sorted(os.listdir(directory)) if f.endswith(".toml")}


def threads():
    """Threads the engine runs on in this process (0 before the first run)."""
    return _core.threads()


def _label(fn):
    return getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or type(fn).__name__


def _placeholder(path):
    """An expression that parses where a callable stands: the operator's
    structure (a scalar or a matrix) is what the reader checks; the callable
    replaces it before anything is evaluated."""
    parts = path.split(".")
    if parts[:2] == ["problem", "diffusion"]:
        return "1" if len(parts) == 2 or parts[2] == parts[3] else "0"
    return "0"


def _take_callables(values, path, found):
    """A copy of `values` with each callable replaced by a placeholder
    expression; `found` collects {dotted path: callable}."""
    if callable(values) and not isinstance(values, type):
        key = ".".join(path)
        found[key] = values
        return _placeholder(key)
    if isinstance(values, dict):
        return {k: _take_callables(v, path + [str(k)], found) for k, v in values.items()}
    if isinstance(values, (list, tuple)):
        return [_take_callables(v, path + [str(i)], found) for i, v in enumerate(values)]
    return values


def _set_path(tree, path, text):
    """Puts `text` at the dotted `path` of a parsed TOML/JSON tree, where the path exists."""
    node = tree
    parts = path.split(".")
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, list):
            index = int(part)
            if index >= len(node):
                return
            if last:
                node[index] = text
            node = node[index]
        elif isinstance(node, dict):
            if part not in node:
                return
            if last:
                node[part] = text
            node = node[part]
        else:
            return


class Case:
    """A case: the problem, the network, the loss, the training and the output.

    Case(values) takes a dictionary laid out as a case file (sections
    'problem', 'network', 'loss', 'sampling', 'stage' as a list of dicts,
    'output', 'run', 'reference'); load() reads a case file. Every change
    goes through the engine's case reader, so the keys, the defaults and the
    checks are the case file's.
    """

    def __init__(self, values, *, name="python case"):
        self._path = None
        self._name = name
        self._functions = {}
        self._text = _toml.dumps(_take_callables(values, [], self._functions))
        for key in self._functions:
            _core.check_function_key(key)
        self._overrides = []
        self._handle = self._build()

    @staticmethod
    def text_of(values):
        """The TOML text a dictionary becomes (callables as placeholders): the
        line numbers of a CaseError about a dictionary refer to it."""
        return _toml.dumps(_take_callables(values, [], {}))

    @classmethod
    def _from_file(cls, path, overrides):
        case = cls.__new__(cls)
        case._path = os.fspath(path)
        case._name = case._path
        case._functions = {}
        case._text = None
        case._overrides = []
        for k, v in overrides.items():
            case._add_override(k, v)
        case._handle = case._build()
        return case

    def _add_override(self, key, v):
        if not isinstance(key, str) or not key:
            raise CaseError(f"set: found the key {key!r}; allowed: a dotted case-file key such as 'network.hidden'")
        if callable(v) and not isinstance(v, type):
            _core.check_function_key(key)
            self._functions[key] = v
            v = _placeholder(key)
        self._overrides.append(f"{key}={_toml.value(v, key)}")

    def _build(self):
        if self._path is not None:
            handle = _core.load_case(self._path, self._overrides)
        else:
            handle = _core.parse_case(self._text, self._name, self._overrides)
        for key, fn in self._functions.items():
            handle.set_function(key, fn, _label(fn))
        if self._functions:
            # case.toml and summary.json record a callable by its name: a
            # resume from the command line then stops at it, with its key.
            toml_tree = tomllib.loads(handle.effective_toml)
            json_tree = json.loads(handle.effective_json) if handle.effective_json else None
            for key, fn in self._functions.items():
                _set_path(toml_tree, key, _PYTHON_TEXT + _label(fn))
                if json_tree is not None:
                    _set_path(json_tree, key, _PYTHON_TEXT + _label(fn))
            handle.effective_toml = _toml.dumps(toml_tree)
            if json_tree is not None:
                handle.effective_json = json.dumps(json_tree, indent=2, sort_keys=True)
        return handle

    def set(self, key=None, value=None, **keys):
        """A copy with case-file keys changed, as `--set key=value` does:
        case.set("network.hidden", [32, 32]) or case.set(**{"stage.0.iterations": 100}).
        Values are Python values (callables for problem data); the checks are the case file's."""
        changed = copy.copy(self)
        changed._functions = dict(self._functions)
        changed._overrides = list(self._overrides)
        if key is not None:
            changed._add_override(key, value)
        for k, v in keys.items():
            changed._add_override(k, v)
        changed._handle = changed._build()
        return changed

    @property
    def name(self):
        """problem.name."""
        return self._handle.name

    @property
    def dim(self):
        """The domain's dimension."""
        return self._handle.dim

    @property
    def toml(self):
        """The case as the engine reads it (defaults filled in): the case.toml a run writes."""
        return self._handle.effective_toml

    @property
    def notices(self):
        """What a user should know before running it (the command line prints these as 'note:')."""
        return list(self._handle.notices)

    def validate(self):
        """Checks what `obstacle-pinn validate` checks (the data at sample
        points included); raises CaseError. Returns the case."""
        self._handle.check()
        return self

    def explain(self):
        """The training pipeline (stages, points) and why it was chosen, as `--explain` prints it."""
        return self._handle.explain()

    def __repr__(self):
        return f"<obstacle_pinn.Case {self.name!r}: {self._handle.domain}>"


def load(path_or_name, set=None):
    """A case from a case file, or a predefined case by name ('obstacle1d');
    `set` maps case-file keys to values, as --set does."""
    overrides = dict(set or {})
    path = os.fspath(path_or_name)
    if not os.path.exists(path):
        cases = predefined_cases()
        if path in cases:
            path = cases[path]
        else:
            raise CaseError(f"{path}: no such case file, nor a predefined case; predefined: {', '.join(cases)}")
    return Case._from_file(path, overrides)


def _as_case(case):
    if isinstance(case, Case):
        return case
    if isinstance(case, dict):
        return Case(case)
    if isinstance(case, (str, os.PathLike)):
        return load(case)
    raise TypeError(f"case: found {type(case).__name__}; allowed: a Case, a dict laid out as a case file, or a path")


def _run_overrides(seed, threads, budget):
    changes = {}
    if seed is not None:
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise CaseError(f"seed: found {seed!r}; allowed: an integer >= 0")
        changes["run.seed"] = int(seed)
    if threads is not None:
        most = _core.max_threads()
        if isinstance(threads, bool) or not isinstance(threads, (int, np.integer)) or not 1 <= threads <= most:
            raise CaseError(f"threads: found {threads!r}; allowed: an integer in [1, {most}], or None (all cores)")
        changes["run.threads"] = int(threads)
    if budget is not None:
        if isinstance(budget, bool) or not isinstance(budget, (int, float)) or not 0 < budget <= 1e9:
            raise CaseError(f"budget: found {budget!r}; allowed: seconds, a number > 0 and <= 1e9")
        changes["run.time_budget"] = float(budget)
    return changes


def run(case, *, threads=None, seed=None, out=None, quiet=True, progress=None, budget=None):
    """Trains a network on `case` (a Case, a dict, a case file's path or a
    predefined case's name) and returns a Result — or, for a time-dependent
    case ([problem.time]), a TimeResult.

    threads: the engine's threads (fixed by the first run of the process;
    None: all cores). seed, budget: as --seed, --budget. out: the folder for
    the results (summary.json, history.csv, solution.vtu/.vtr, points.vtu,
    checkpoint.bin; a later resume() needs it), or None to write nothing.
    quiet: no progress lines. progress: a callable given each history row (a
    dict) as training goes; an exception in it stops the run and is raised.
    Ctrl-C stops the run cleanly as on the command line: the result has
    status 'interrupted' and, with `out`, the folder can be resumed.
    """
    case = _as_case(case)
    changes = _run_overrides(seed, threads, budget)
    if changes:
        case = case.set(**changes)
    folder = "" if out is None else os.fspath(out)
    if case._handle.time_dependent:
        return TimeResult(_core.run_time_dependent(case._handle, folder, out is not None, quiet, progress, ""), case)
    return Result(_core.run(case._handle, folder, out is not None, quiet, progress, ""), case)


def resume(folder, *, case=None, threads=None, quiet=True, progress=None):
    """Continues an interrupted run from `folder` (its checkpoint.bin), as
    `obstacle-pinn resume` does. A case with Python callables must be given
    again as `case` (case.toml records a callable by name only)."""
    folder = os.fspath(folder)
    case_file = os.path.join(folder, "case.toml")
    checkpoint = os.path.join(folder, "checkpoint.bin")
    # A space-time run keeps its network's checkpoint in space_time.partial/ (killed) or space_time/.
    for sub in ("space_time", "space_time.partial"):
        if os.path.exists(os.path.join(folder, sub, "checkpoint.bin")):
            checkpoint = os.path.join(folder, sub, "checkpoint.bin")
    if not os.path.isdir(folder):
        raise CaseError(f"resume {folder}: no such folder; resume takes the results folder of an interrupted run")
    if not os.path.exists(case_file):
        raise CaseError(f"resume {folder}: case.toml is missing, so this is not the results folder of a run")
    if not os.path.exists(checkpoint):
        raise CaseError(f"resume {folder}: checkpoint.bin is missing: the run stopped before its first checkpoint, "
                        "so there is nothing to continue; run it again")
    if case is None:
        with open(case_file, "rb") as f:
            recorded = tomllib.load(f)
        callables = [f"problem.{k} = {v!r}" for k, v in recorded.get("problem", {}).items()
                     if isinstance(v, str) and v.startswith(_PYTHON_TEXT)]
        if callables:
            raise CaseError(f"resume {folder}: the case has problem data given as Python callables "
                            f"({', '.join(callables)}); pass the same case: resume(folder, case=case)")
        case = load(case_file)
    else:
        case = _as_case(case)
    changes = _run_overrides(None, threads, None)
    if changes:
        case = case.set(**changes)
    if case._handle.time_dependent:
        return TimeResult(_core.run_time_dependent(case._handle, folder, True, quiet, progress, checkpoint), case)
    return Result(_core.run(case._handle, folder, True, quiet, progress, checkpoint), case)


def reference(case, *, cells=None, out=None):
    """Solves `case` with the finite-difference/PDAS reference solver alone
    (finite-element on polygons), as `obstacle-pinn reference` does, writing
    reference.vtu into `out` (default results/<case name>). Returns a dict:
    points and u at the nodes, lambda, in_contact, iterations, converged, ..."""
    case = _as_case(case)
    if cells is not None and (isinstance(cells, bool) or not isinstance(cells, (int, np.integer))):
        raise CaseError(f"cells: found {cells!r}; allowed: an integer number of cells per dimension")
    directory = os.fspath(out) if out is not None else os.path.join("results", case.name)
    return _core.reference(case._handle, 0 if cells is None else int(cells), directory)


class _Finished:
    """What every run has: its case, summary.json as a dict, status, metrics, time and folder."""

    def __init__(self, handle, case):
        self._handle = handle
        self.case = case
        self.summary = json.loads(handle.summary_json)
        """summary.json as a dict (README.md, "What a run produces")."""

    @property
    def status(self):
        """'ok', 'interrupted' or 'diverged'."""
        return self._handle.status

    @property
    def metrics(self):
        """Errors against the reference, contact set, feasibility (summary.json's metrics)."""
        return self.summary["metrics"]

    @property
    def total_seconds(self):
        return self._handle.total_seconds

    @property
    def output_directory(self):
        """The results folder, or None where the run wrote no files."""
        return self._handle.output_directory or None


class Result(_Finished):
    """What a run reached: status, metrics, per-stage summaries, the history,
    and the trained network's solution at any points."""

    @property
    def stages(self):
        """One dict per stage: name, iterations, seconds, losses, termination."""
        return self.summary["stages"]

    @property
    def history(self):
        """history.csv as arrays: one per column ('stage' a list of names)."""
        rows = self._handle.history
        columns = {}
        for name in ("stage", "stage_index", "iteration", "loss", "loss_pde", "loss_obstacle", "loss_boundary",
                     "rel_l2", "max_abs", "max_violation", "penalty", "learning_rate", "seconds"):
            values = [row[name] for row in rows]
            columns[name] = values if name == "stage" else np.asarray(values, dtype=float if name not in (
                "stage_index", "iteration") else int)
        return columns

    def evaluate(self, points):
        """The solution at `points` ((n, dim) array; (n,) in 1D), in the case's
        units: a dict of arrays u (n,), grad (n, dim), laplacian (n,) and the
        problem data psi, psi_upper (where there is one), f."""
        return self._handle.solution_at(points)

    @property
    def training_points(self):
        """The interior training points with the multipliers that live on them:
        points, u, grad, psi, ..., force (the contact force λ, the case's
        units) and in_contact (bool)."""
        return self._handle.training_points()

    @property
    def contact_set(self):
        """The contact set {u = ψ} (and {u = ψ_hi}): in 1D its intervals; in
        2D/3D its measure (and the equivalent radius in 2D) and the training
        points in contact."""
        m = self.metrics
        if self._handle.dim == 1:
            return {"intervals": [tuple(i) for i in m.get("contact_intervals", [])],
                    "estimate": m.get("contact_estimate")}
        points = self.training_points
        contact = {"measure": m.get("contact_measure"), "estimate": m.get("contact_estimate"),
                   "points": points["points"][points["in_contact"]]}
        if m.get("contact_radius", -1) >= 0:
            contact["radius"] = m["contact_radius"]
        return contact

    def __repr__(self):
        error = self.metrics.get("rel_l2", -1)
        shown = f", relative L2 {error:.3e}" if error is not None and error >= 0 else ""
        return f"<obstacle_pinn.Result {self.case.name!r}: {self.status}{shown}, {self.total_seconds:.2f} s>"


class TimeResult(_Finished):
    """What a time-dependent run reached (cases/README.md, "Time-dependent
    problems"): status, the error over space and time (metrics), one entry per
    level (Rothe) or output time (space-time) with its time, error, contact set
    and probes, the (x, t) plane in 1D, and for the space-time method the
    network's solution at any points and time."""

    @property
    def method(self):
        """'rothe' or 'space_time'."""
        return self.summary["time_dependent"]["method"]

    @property
    def levels(self):
        """One dict per level or output time: time, rel_l2, max_abs, max_violation, contact set, probes."""
        return self.summary["levels"]

    @property
    def times(self):
        return np.asarray([level["time"] for level in self.levels], dtype=float)

    @property
    def probes(self):
        """u at the case's parabolic.probes: an array (times, probes), the levels' times (not t = 0)."""
        return np.asarray([level.get("probes", []) for level in self.levels], dtype=float)

    @property
    def u_xt(self):
        """1D problems: the (x, t) plane as a dict of arrays x (n,), t (levels + 1,), u (levels + 1, n) and
        the reference where there is one, t = 0 (u₀) first; an empty dict in 2D and 3D."""
        return self._handle.u_xt

    def evaluate(self, points, t):
        """The space-time network's solution at `points` ((n, dim); (n,) in 1D) at time t: u, grad (over
        x), laplacian, psi, f, as Result.evaluate. Rothe's levels keep no network (a CaseError says so)."""
        return self._handle.solution_at(points, float(t))

    def __repr__(self):
        error = self.metrics.get("rel_l2")
        shown = f", relative L2 over space and time {error:.3e}" if error is not None and error >= 0 else ""
        return (f"<obstacle_pinn.TimeResult {self.case.name!r} ({self.method}): {self.status}{shown}, "
                f"{self.total_seconds:.2f} s>")


"""The Python module (tools/python/obstacle_pinn): the same results as the
command line, callables and strings alike, located errors, arrays of the
right shapes and values, progress, stopping and resuming.

Run by ctest (PythonModule) with PYTHONPATH at the build's python/ folder and
PINN_OBSTACLE_PINN at the command line. Every run uses 2 threads: the engine
starts once per process with the first run's thread count.
"""

import json
import math
import os
import signal
import subprocess
import sys

import numpy as np
import pytest

import obstacle_pinn as op

THREADS = 2
A = 1.0 / math.sqrt(8.0)  # flat support: contact set [A, 1 - A]

# obstacle1d with a short second stage (about a second).
SHORT = {"stage.0.iterations": 300, "stage.1.iterations": 40, "stage.1.multiplier_updates": 4}


def flat_support(**data):
    """A membrane on (0, 1) under f = -8 resting on a support (README, 'C++ API'),
    with the problem data given by `data` (strings or callables)."""
    problem = {"name": "flat_support", "domain": {"type": "interval", "min": 0.0, "max": 1.0},
               "source": "-8", "boundary": {"type": "dirichlet", "value": "0"},
               "obstacle": "-0.5 + 0.25*x*(1 - x)",
               }
    problem.update(data)
    return {"problem": problem,
            "network": {"hidden": [16, 16], "activation": "tanh"},
            "loss": {"form": "energy", "penalty": 100.0},
            "sampling": {"interior": 128},
            "stage": [{"type": "adam", "iterations": 600, "learning_rate": 1e-2, "schedule": "cosine",
                       "min_learning_rate": 1e-5, "multiplier_updates": 5}],
            "output": {"log_every": 100}}


def command_line(*args):
    program = os.environ["PINN_OBSTACLE_PINN"]
    return subprocess.run([program, *args], check=True, capture_output=True, text=True)


def test_a_predefined_case_gives_the_command_lines_metrics(tmp_path):
    result = op.run(op.load("obstacle1d", set=SHORT), threads=THREADS, out=tmp_path / "python")
    sets = [a for k, v in SHORT.items() for a in ("--set", f"{k}={v}")]
    command_line("run", os.path.join(op._core.cases_directory(), "obstacle1d.toml"), *sets, "--threads",
                 str(THREADS), "--out", str(tmp_path / "cli"), "--quiet")
    with open(tmp_path / "cli" / "summary.json") as f:
        cli = json.load(f)
    assert result.status == "ok"
    for key in ("rel_l2", "max_abs", "rel_h1", "max_violation", "contact_intervals"):
        assert result.metrics[key] == cli["metrics"][key], key
    assert [s["iterations"] for s in result.stages] == [s["iterations"] for s in cli["stages"]]
    # The files are the command line's, in the folder given.
    for name in ("summary.json", "history.csv", "solution.vtu", "points.vtu", "checkpoint.bin", "case.toml"):
        assert (tmp_path / "python" / name).exists(), name
    assert result.output_directory == str(tmp_path / "python")


def test_callables_and_strings_give_the_same_result():
    strings = op.run(flat_support(), threads=THREADS)
    callables = op.run(flat_support(source=lambda x: np.full(len(x), -8.0),
                                    obstacle=lambda x: -0.5 + 0.25 * x[:, 0] * (1 - x[:, 0])), threads=THREADS)
    assert strings.status == callables.status == "ok"
    assert callables.metrics["integral"] == pytest.approx(strings.metrics["integral"], rel=1e-9)
    x = np.linspace(0.0, 1.0, 11)
    assert np.allclose(callables.evaluate(x)["u"], strings.evaluate(x)["u"], rtol=0, atol=1e-9)
    # summary.json and case.toml record a callable by name, never the placeholder.
    assert callables.summary["configuration"]["problem"]["source"].startswith("python: ")
    assert "python: " in callables.case.toml


def test_a_new_problem_from_callables_reaches_its_exact_solution():
    # No [[stage]]: the engine's default pipeline for the problem (about 10 s).
    def exact(x):
        t = np.minimum(x[:, 0], 1.0 - x[:, 0])
        return np.where(t < A, 4.0 * t * (t - 2.0 * A), -0.5)

    problem = flat_support(obstacle=lambda x: np.full(len(x), -0.5), exact=exact)["problem"]
    result = op.run({"problem": problem}, threads=THREADS)
    assert result.metrics["reference"] == "exact"
    assert result.metrics["rel_l2"] < 1e-3  # 8.6e-5 when written
    (a, b), = result.contact_set["intervals"]
    assert a == pytest.approx(A, abs=5e-3) and b == pytest.approx(1 - A, abs=5e-3)


def test_arrays_have_the_right_shapes_and_values():
    result = op.run(op.load("obstacle1d", set=SHORT), threads=THREADS)
    x = np.linspace(0.0, 1.0, 7)
    fields = result.evaluate(x)
    assert fields["u"].shape == (7,) and fields["grad"].shape == (7, 1) and fields["points"].shape == (7, 1)
    assert fields["u"][0] == pytest.approx(0.0, abs=1e-12)  # hard boundary condition
    assert np.allclose(fields["psi"], 0.5 - 8 * (x - 0.5) ** 2)
    assert np.all(fields["u"] >= fields["psi"] - 1e-2)
    # (n, 1) points give the same as (n,)
    assert np.array_equal(result.evaluate(x.reshape(-1, 1))["u"], fields["u"])
    points = result.training_points
    n = len(points["u"])
    assert n > 0 and points["points"].shape == (n, 1) and points["in_contact"].dtype == bool
    assert points["force"].shape == (n,) and points["in_contact"].any()
    assert np.all(points["force"][~points["in_contact"]] <= 1e-12)
    history = result.history
    assert len(history["stage"]) == len(history["loss"]) == len(history["iteration"]) > 0
    assert history["stage"][0] == "adam" and history["loss"].dtype == float
    intervals = result.contact_set["intervals"]  # a short run: maybe in pieces
    assert intervals and all(a < b for a, b in intervals)
    assert intervals[0][0] == pytest.approx(math.sqrt(3) / 4, abs=2e-2)
    assert intervals[-1][1] == pytest.approx(1 - math.sqrt(3) / 4, abs=2e-2)


def test_a_2d_case_from_a_dict():
    case = {"problem": {"name": "plate", "domain": {"type": "rectangle", "min": [-1.0, -1.0], "max": [1.0, 1.0]},
                        "source": lambda p: np.full(len(p), -4.0), "boundary": {"type": "dirichlet", "value": "0"},
                        "obstacle": lambda p: -0.3 - 0.0 * p[:, 0]},
            "network": {"hidden": [16, 16]},
            "stage": [{"type": "adam", "iterations": 200, "learning_rate": 1e-2}]}
    result = op.run(case, threads=THREADS)
    assert result.status == "ok"
    fields = result.evaluate(np.array([[0.0, 0.0], [0.5, -0.5]]))
    assert fields["grad"].shape == (2, 2) and fields["psi"] == pytest.approx([-0.3, -0.3])
    contact = result.contact_set
    assert contact["points"].ndim == 2 and contact["points"].shape[1] == 2
    assert contact["measure"] >= 0


def test_bad_input_raises_with_its_location(tmp_path):
    with pytest.raises(op.CaseError, match=r"network\.activation: found \"relu6\"; allowed: relu"):
        op.Case({**flat_support(), "network": {"activation": "relu6"}})
    bad = tmp_path / "bad.toml"
    bad.write_text('[problem]\nname = "b"\ndomain = "interval"\n')
    with pytest.raises(op.CaseError, match=r"bad\.toml:3:10: problem\.domain: found the string"):
        op.load(bad)
    with pytest.raises(op.CaseError, match=r"stage\.0\.iterations"):
        op.load("obstacle1d", set={"stage.0.iterations": -5})
    with pytest.raises(op.CaseError, match="no such case file, nor a predefined case"):
        op.load("no_such_case")
    # A callable that gives the wrong number of values, or raises.
    with pytest.raises(op.CaseError, match=r"problem\.source \(a Python callable\): found 3 values for 1 point"):
        op.run(flat_support(source=lambda x: np.zeros(3)), threads=THREADS)
    with pytest.raises(op.CaseError, match=r"problem\.obstacle \(a Python callable\) raised ZeroDivisionError"):
        op.run(flat_support(obstacle=lambda x: 1 / 0), threads=THREADS)
    with pytest.raises(op.CaseError, match=r"problem\.domain: found a Python callable; allowed there: an expression string"):
        op.Case(flat_support(domain=lambda x: x))
    result = op.run(flat_support(), threads=THREADS)
    with pytest.raises(op.CaseError, match=r"points: found an array of shape \(3, 2\); allowed: \(n, 1\)"):
        result.evaluate(np.zeros((3, 2)))
    with pytest.raises(op.CaseError, match="seed: found -1"):
        op.run(flat_support(), seed=-1)
    if op.threads() == THREADS:  # not on a Serial build, which runs one thread whatever is asked
        with pytest.raises(op.CaseError, match=f"already runs the engine on {THREADS} thread"):
            op.run(flat_support(), threads=1)


def test_validate_and_explain():
    case = op.Case({"problem": flat_support()["problem"]})  # no [[stage]]: the default pipeline
    assert case.validate() is case
    text = case.explain()
    assert text.startswith("pipeline (default: no [[stage]] in the case file)") and "why:" in text
    assert case.dim == 1 and case.name == "flat_support"


def test_progress_rows_and_an_exception_in_the_callback_stops_the_run(tmp_path):
    rows = []
    op.run(flat_support(), threads=THREADS, progress=rows.append)
    assert len(rows) >= 6 and rows[-1]["iteration"] == 600 and rows[0]["stage"] == "adam"

    def stop_at_third_row(row, seen=[]):
        seen.append(row)
        if len(seen) == 3:
            raise KeyboardInterrupt("stop")

    with pytest.raises(KeyboardInterrupt):
        op.run(flat_support(), threads=THREADS, out=tmp_path / "stopped", progress=stop_at_third_row)
    assert (tmp_path / "stopped" / "checkpoint.bin").exists()


def test_resume_continues_bitwise(tmp_path):
    whole = op.run(op.load("obstacle1d", set=SHORT), threads=THREADS)

    def stop_early(row):
        if row["iteration"] >= 200:
            raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        op.run(op.load("obstacle1d", set=SHORT), threads=THREADS, out=tmp_path / "r", progress=stop_early)
    resumed = op.resume(tmp_path / "r", threads=THREADS)
    assert resumed.status == "ok"
    assert resumed.metrics["rel_l2"] == whole.metrics["rel_l2"]


def test_resume_of_a_case_with_callables_needs_the_case(tmp_path):
    case = op.Case(flat_support(source=lambda x: np.full(len(x), -8.0)))

    def stop_early(row):
        if row["iteration"] >= 200:
            raise RuntimeError("stop here")

    with pytest.raises(RuntimeError):
        op.run(case, threads=THREADS, out=tmp_path / "c", progress=stop_early)
    with pytest.raises(op.CaseError, match=r"Python callables \(problem\.source = 'python: "):
        op.resume(tmp_path / "c")
    assert op.resume(tmp_path / "c", case=case).status == "ok"


def test_a_space_time_run_resumes_bitwise(tmp_path):
    path = os.path.join(os.path.dirname(op._core.cases_directory()), "tests", "tools", "view1d_time.toml")
    sets = {"parabolic.method": "space_time", "stage.0.iterations": 400}
    whole = op.run(op.load(path, set=sets), threads=THREADS)

    def stop_early(row):
        if row["iteration"] >= 200:
            raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        op.run(op.load(path, set=sets), threads=THREADS, out=tmp_path / "st", progress=stop_early)
    assert (tmp_path / "st" / "space_time" / "checkpoint.bin").exists()
    resumed = op.resume(tmp_path / "st", threads=THREADS)
    assert resumed.status == "ok" and resumed.method == "space_time"
    assert resumed.metrics["rel_l2"] == whole.metrics["rel_l2"]
    assert [level["probes"] for level in resumed.levels] == [level["probes"] for level in whole.levels]


def test_the_reference_solver(tmp_path):
    r = op.reference("obstacle1d", cells=256, out=tmp_path)
    assert r["method"] == "finite_difference" and r["converged"]
    assert r["points"].shape == (257, 1) and r["u"].shape == (257,) and r["in_contact"].dtype == bool
    assert r["rel_l2_vs_exact"] < 1e-3


def test_ctrl_c_stops_a_run_cleanly_and_it_resumes(tmp_path):
    # A separate process, interrupted as a user would, in the second stage
    # (after the first stage's checkpoint, so that there is one to resume from).
    script = f"""
import sys, obstacle_pinn as op
rows = []
def started(row):
    if row["stage_index"] == 1:
        rows.append(row)
        if len(rows) == 1:
            print("training", flush=True)
r = op.run("obstacle1d", threads={THREADS}, out=sys.argv[1], progress=started)
print("status", r.status, flush=True)
print("resumed", op.resume(sys.argv[1], threads={THREADS}).status, flush=True)
"""
    child = subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "run")], stdout=subprocess.PIPE, text=True)
    for line in child.stdout:  # Kokkos may warn on stdout first (e.g. of oversubscribed cores)
        if line.strip() == "training":
            break
    child.send_signal(signal.SIGINT)
    out, _ = child.communicate(timeout=300)
    assert child.returncode == 0
    lines = [line for line in out.split("\n") if line.startswith(("status", "resumed"))]
    assert lines == ["status interrupted", "resumed ok"]


def test_progress_lines_go_to_pythons_stdout(capsys):
    # A notebook shows sys.stdout, not the process's: quiet=False writes there.
    op.run(op.load("obstacle1d", set=SHORT), threads=THREADS, quiet=False)
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("[adam 0] iter") for line in lines)
    assert any(line.startswith("[ceres_lm 1] iter") for line in lines)


def test_callables_on_a_part_of_the_boundary():
    # A Robin end A u' + κ u = g at x = 1, its g and κ as strings and as callables.
    def case(value, coefficient):
        return {"problem": {"name": "robin_end", "domain": {"type": "interval", "min": 0.0, "max": 1.0},
                            "source": "-2", "obstacle": "-10", "boundary": {"type": "dirichlet", "value": "0"},
                            "boundary_part": [{"type": "robin", "sides": ["right"], "value": value,
                                               "coefficient": coefficient}]},
                "network": {"hidden": [16, 16]},
                "stage": [{"type": "adam", "iterations": 300, "learning_rate": 1e-2}]}

    strings = op.run(case("1", "2"), threads=THREADS)
    callables = op.run(case(lambda p: np.ones(len(p)), lambda p: np.full(len(p), 2.0)), threads=THREADS)
    assert callables.metrics["integral"] == strings.metrics["integral"]
    assert callables.summary["configuration"]["problem"]["boundary_part"][0]["value"].startswith("python: ")
    with pytest.raises(op.CaseError, match=r"problem\.boundary_part\.0\.where: found a Python callable"):
        op.Case(case("1", "2") | {"problem": {**case("1", "2")["problem"], "boundary_part": [
            {"type": "neumann", "where": lambda p: p[:, 0] > 0.5, "value": "1"}]}})


def test_the_readme_example_runs(tmp_path, monkeypatch):
    # README.md, "Python": the notebook example as it stands (about 8 s).
    pytest.importorskip("matplotlib")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    readme = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "README.md")
    text = open(readme, encoding="utf-8").read()
    example = text.split("### Python", 1)[1].split("```python\n", 1)[1].split("```\n", 1)[0]
    assert 'out="results/flat_support"' in example
    monkeypatch.chdir(tmp_path)
    scope = {}
    exec(compile(example.replace('sys.path.insert(0, "build/python")', "pass"), "README.md", "exec"), scope)
    assert scope["result"].metrics["rel_l2"] < 1e-3
    assert (tmp_path / "results" / "flat_support" / "solution.vtu").exists()


def test_time_dependent_runs_give_the_command_lines_results(tmp_path):
    # tests/tools/view1d_time.toml: parabolic1d's problem on (0, 0.2], two levels / output times.
    path = os.path.join(os.path.dirname(op._core.cases_directory()), "tests", "tools", "view1d_time.toml")
    for method in ("rothe", "space_time"):
        sets = {"parabolic.method": method, "stage.0.iterations": 200}
        result = op.run(op.load(path, set=sets), threads=THREADS, out=tmp_path / method)
        command_line("run", path, "--set", f'parabolic.method="{method}"', "--set", "stage.0.iterations=200",
                     "--threads", str(THREADS), "--out", str(tmp_path / ("cli_" + method)), "--quiet")
        with open(tmp_path / ("cli_" + method) / "summary.json") as f:
            cli = json.load(f)
        assert result.status == "ok" and result.method == method
        assert result.metrics["rel_l2"] == cli["metrics"]["rel_l2"], method
        assert np.allclose(result.times, [0.1, 0.2], rtol=0, atol=1e-15)
        assert result.probes.shape == (2, 2)
        assert [level["probes"] for level in result.levels] == [level["probes"] for level in cli["levels"]]
        xt = result.u_xt
        assert xt["u"].shape == (3, len(xt["x"])) and xt["reference"].shape == xt["u"].shape
        u0 = 0.2 * np.sin(np.pi * xt["x"]) + np.maximum(xt["x"] - 0.3, 0) ** 2
        assert np.allclose(xt["u"][0], u0, rtol=0, atol=1e-15)
        assert (tmp_path / method / "solution.pvd").exists()
        if method == "space_time":
            # The network of (x, t) at the probes and the last output time: the probes' values.
            fields = result.evaluate(np.array([0.25, 0.8]), 0.2)
            assert list(fields["u"]) == list(result.probes[-1])
            with pytest.raises(op.CaseError, match=r"allowed: a time in \[0, 0.2\]"):
                result.evaluate(np.array([0.5]), 0.3)
        else:
            with pytest.raises(op.CaseError, match=r"rothe.*keep no network"):
                result.evaluate(np.array([0.5]), 0.2)

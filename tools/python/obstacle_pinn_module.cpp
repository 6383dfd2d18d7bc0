/// @file tools/python/obstacle_pinn_module.cpp
/// @brief obstacle_pinn._core: the C++ side of the Python module (README.md,
/// "Python"). Cases are parsed by the engine's own case-file reader (so the
/// keys, checks and located messages are the command line's); Python
/// callables become the problem's host functions; runs release the GIL and
/// stop cleanly on Ctrl-C; results hand NumPy arrays back. The Python side
/// (obstacle_pinn/__init__.py) turns dictionaries into case text.
#include "nn/communicator.hpp"
#include "nn/error.hpp"
#include "nn/kokkos_initialize.hpp"
#include "nn/kokkos_types.hpp"
#include "solver/case_checks.hpp"
#include "solver/case_file.hpp"
#include "solver/default_pipeline.hpp"
#include "solver/obstacle_solver.hpp"
#include "solver/reference_run.hpp"
#include "solver/report.hpp"
#include "solver/rothe_solver.hpp"
#include "solver/space_time_solver.hpp"
#include "solver/time_series_output.hpp"

#include <Kokkos_Core.hpp>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <memory>
#include <optional>
#include <set>
#include <streambuf>
#include <string>
#include <vector>

namespace py = pybind11;

namespace {

// --- Kokkos: started once per process, by the first run -----------------------

/// A finished run whose solver may still hold Kokkos memory; it is in live_runs() while it exists.
class LiveRun {
 public:
  LiveRun();
  virtual ~LiveRun();
  LiveRun(const LiveRun&) = delete;
  LiveRun& operator=(const LiveRun&) = delete;
  /// Kokkos is ending: the network's memory goes first.
  virtual void release() = 0;
};

/// Runs whose solvers still hold Kokkos memory: released before Kokkos ends.
std::set<LiveRun*>& live_runs() {
  static std::set<LiveRun*> runs;
  return runs;
}

LiveRun::LiveRun() { live_runs().insert(this); }
LiveRun::~LiveRun() { live_runs().erase(this); }

/// Starts Kokkos with `threads` (0: its default, all cores) or checks that the
/// running one matches: Kokkos starts once per process and keeps its thread
/// count. A request equal to the first one is accepted too, since a Serial
/// backend runs one thread whatever was asked (as the command line does).
void ensure_kokkos(int threads) {
  static int first_request = 0;
  // The module trains in one process: copies started by mpirun would each
  // train alone and write the same files.
  PINN_USER_REQUIRE(pinn::MpiSession::launched_processes() <= 1,
                    "an MPI launcher started " << pinn::MpiSession::launched_processes()
                                               << " copies of this Python program; the Python module trains in one "
                                                  "process: run shared runs with mpirun tools/obstacle-pinn run CASE "
                                                  "(README, \"Many processes: MPI\")");
  if (!Kokkos::is_initialized()) {
    first_request = threads;
    pinn::initialize_kokkos(threads);
    return;
  }
  const int running = pinn::ExecSpace().concurrency();
  PINN_USER_REQUIRE(threads == 0 || threads == running || threads == first_request,
                    "threads=" << threads << ": this Python process already runs the engine on " << running
                               << " thread(s), fixed by its first run (Kokkos starts once per process); allowed: "
                               << running << " or None, or another thread count in a new process");
}

// --- Python callables as problem data ------------------------------------------

/// A Python callable f(points) → values, vectorised over an (n, dim) NumPy
/// array, as the engine's pointwise host function. The engine evaluates its
/// data on the host, one point at a time, outside any parallel region, so
/// nothing Python reaches a kernel; each call takes the GIL.
pinn::ScalarFunction python_function(const py::object& callable, int dim, const std::string& key) {
  // Dropped with the GIL held, wherever the last copy of the function goes.
  std::shared_ptr<py::object> fn(new py::object(callable), [](py::object* object) {
    if (!Py_IsInitialized()) return;  // the interpreter is gone: leave the reference
    py::gil_scoped_acquire gil;
    delete object;
  });
  return [fn, dim, key](const double* x) -> double {
    py::gil_scoped_acquire gil;
    py::array_t<double> points({1, dim});
    for (int k = 0; k < dim; ++k) points.mutable_at(0, k) = x[k];
    py::object value;
    try {
      value = (*fn)(points);
    } catch (py::error_already_set& error) {
      PINN_USER_REQUIRE(false, key << " (a Python callable) raised " << error.what());
    }
    const auto values = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(value);
    PINN_USER_REQUIRE(values && values.size() == 1,
                      key << " (a Python callable): found "
                          << (values ? std::to_string(values.size()) + " values" : std::string("a value that is not a number"))
                          << " for 1 point; allowed: one number per point (f takes an (n, " << dim
                          << ") array of points and returns n values)");
    return values.data()[0];
  };
}

/// The keys whose value may be a Python callable, for messages.
constexpr const char* kFunctionKeys =
    "problem.source, boundary (or boundary.value), obstacle, upper_obstacle, exact, lift, reaction, diffusion (a "
    "scalar, or each entry of a matrix: diffusion.ROW.COLUMN), each entry of convection (convection.K), "
    "boundary.coefficient, and boundary_part.N.value and .coefficient (a part's 'where' stays an expression: "
    "the case reader decides from it where hard conditions hold)";

/// The whole-number indices after `prefix` in a dotted key
/// ("problem.diffusion.0.1" after "problem.diffusion." → {0, 1}); empty where
/// the key does not start with `prefix` or a part is not a small whole number.
std::vector<int> key_indices(const std::string& key, const std::string& prefix) {
  if (key.rfind(prefix, 0) != 0) return {};
  std::vector<int> indices;
  std::size_t start = prefix.size();
  while (start <= key.size()) {
    const std::size_t dot = std::min(key.find('.', start), key.size());
    const std::string part = key.substr(start, dot - start);
    if (part.empty() || part.size() > 3 || part.find_first_not_of("0123456789") != std::string::npos) return {};
    indices.push_back(std::stoi(part));
    start = dot + 1;
  }
  return indices;
}

/// Whether a callable may stand at `key` (a dotted case-file key); refused
/// with the keys that take one, before the case is read.
void check_function_key(const std::string& key) {
  static const std::set<std::string> scalar_keys = {
      "problem.source", "problem.boundary", "problem.boundary.value", "problem.obstacle", "problem.upper_obstacle",
      "problem.exact",  "problem.lift",     "problem.reaction",       "problem.diffusion"};
  auto entries = [&](const std::string& prefix, std::size_t count) {
    const std::vector<int> indices = key_indices(key, prefix);
    return indices.size() == count && std::all_of(indices.begin(), indices.end(), [](int i) { return i < 3; });
  };
  auto part_key = [&]() {
    const std::size_t dot = key.rfind('.');
    const std::string field = key.substr(dot + 1);
    return (field == "value" || field == "coefficient") &&
           key_indices(key.substr(0, dot), "problem.boundary_part.").size() == 1;
  };
  PINN_USER_REQUIRE(scalar_keys.count(key) || key == "problem.boundary.coefficient" ||
                        entries("problem.diffusion.", 2) || entries("problem.convection.", 1) || part_key(),
                    key << ": found a Python callable; allowed there: an expression string. Callables are accepted "
                           "for "
                        << kFunctionKeys);
}

/// Whether the problem's last boundary part is the natural condition a case
/// file gives on the rest of the boundary (problem.boundary with type
/// neumann or robin: a part that holds everywhere, physics/problem_section.cpp).
bool has_natural_rest(const pinn::ObstacleProblem& problem) {
  const std::vector<pinn::BoundaryPart>& parts = problem.boundary_parts;
  return !parts.empty() && parts.back().sides == 0 && !parts.back().marker;
}

/// Puts a callable where the case's key `key` ("problem.source",
/// "problem.diffusion.0.1", ...) keeps its function.
void set_problem_function(pinn::CaseConfig& config, const std::string& key, const py::object& callable,
                          const std::string& label) {
  check_function_key(key);  // also what the index parsing below relies on
  pinn::ObstacleProblem& problem = config.problem;
  const int dim = problem.domain.dim();
  const pinn::ScalarFunction fn = python_function(callable, dim, key);
  const std::string text = "python: " + label;
  if (key == "problem.source") {
    problem.source = fn, config.texts.source = text;
  } else if (key == "problem.boundary" || key == "problem.boundary.value" || key == "problem.boundary.coefficient") {
    // A natural condition on the rest of the boundary is the last part;
    // Dirichlet data is problem.boundary.
    std::vector<pinn::BoundaryPart>& parts = problem.boundary_parts;
    const bool natural_rest = has_natural_rest(problem);
    if (key == "problem.boundary.coefficient") {
      PINN_USER_REQUIRE(natural_rest && parts.back().kind == pinn::BoundaryKind::robin,
                        key << ": found a Python callable; the boundary's coefficient is the κ of type = \"robin\"");
      parts.back().coefficient = fn;
    } else if (natural_rest) {
      parts.back().value = fn;
    } else {
      problem.boundary = fn;
    }
    config.texts.boundary = text;
  } else if (key.rfind("problem.boundary_part.", 0) == 0) {
    const std::size_t dot = key.rfind('.');
    const std::size_t index = static_cast<std::size_t>(key_indices(key.substr(0, dot), "problem.boundary_part.")[0]);
    const std::size_t given = problem.boundary_parts.size() - (has_natural_rest(problem) ? 1 : 0);
    PINN_USER_REQUIRE(index < given, key << ": found a Python callable for part " << index << "; this case has "
                                         << given << " [[problem.boundary_part]] table(s)");
    pinn::BoundaryPart& part = problem.boundary_parts[index];
    if (key.substr(dot + 1) == "coefficient") {
      part.coefficient = fn;
    } else if (part.kind == pinn::BoundaryKind::dirichlet && !part.value) {
      problem.boundary = fn;  // the first Dirichlet part's data, which hard conditions lift
    } else {
      part.value = fn;
    }
  } else if (key == "problem.obstacle") {
    problem.lower_obstacle = fn, config.texts.obstacle = text;
  } else if (key == "problem.upper_obstacle") {
    problem.upper_obstacle = fn, config.texts.upper_obstacle = text;
  } else if (key == "problem.exact") {
    problem.exact = fn, config.texts.exact = text;
  } else if (key == "problem.lift") {
    problem.lift = fn, config.texts.lift = text;
  } else if (key == "problem.reaction") {
    problem.op.reaction = fn, config.texts.reaction = text;
  } else if (key == "problem.diffusion" && problem.op.diffusion.size() == 1) {
    problem.op.diffusion[0] = fn, config.texts.diffusion = text;
  } else if (key.rfind("problem.diffusion.", 0) == 0 && problem.op.has_matrix_diffusion()) {
    const std::vector<int> entry = key_indices(key, "problem.diffusion.");
    const int r = entry[0], c = entry[1];
    PINN_USER_REQUIRE(r < dim && c < dim,
                      key << ": a matrix entry is problem.diffusion.ROW.COLUMN, each 0 to " << dim - 1);
    problem.op.diffusion[static_cast<std::size_t>(r * dim + c)] = fn;
    config.texts.diffusion = "python";
  } else if (key.rfind("problem.convection.", 0) == 0 && problem.op.has_convection()) {
    const int k = key_indices(key, "problem.convection.")[0];
    PINN_USER_REQUIRE(k < dim, key << ": allowed indices 0 to " << dim - 1 << " after problem.convection.");
    problem.op.convection[static_cast<std::size_t>(k)] = fn;
    config.texts.convection = "python";
  } else {
    PINN_USER_REQUIRE(false, key << ": found a Python callable, which this case's "
                                 << (key.rfind("problem.diffusion", 0) == 0 ? "diffusion" : "problem")
                                 << " does not take there (a matrix entry where diffusion is a scalar, an index "
                                    "beyond the dimension); callables are accepted for "
                                 << kFunctionKeys);
  }
}

// --- Cases -------------------------------------------------------------------------

/// A parsed case, with its callables in place.
struct CaseHandle {
  pinn::CaseConfig config;
};

// --- Runs ----------------------------------------------------------------------------

/// Ctrl-C while a run holds the thread: Python cannot run its own handler
/// until the run returns, so the run's stop flag takes the signal, as on the
/// command line, and Python's handler comes back afterwards.
std::atomic<bool> g_stop_requested{false};
extern "C" void on_interrupt(int) { g_stop_requested.store(true); }

class InterruptScope {
 public:
  InterruptScope() {
    g_stop_requested.store(false);
    previous_ = std::signal(SIGINT, on_interrupt);
  }
  ~InterruptScope() {
    if (previous_ != SIG_ERR) std::signal(SIGINT, previous_);
  }
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

 private:
  void (*previous_)(int) = SIG_ERR;
};

/// The progress lines, written to Python's sys.stdout (a notebook shows
/// them) a line at a time, each with the GIL.
class PythonStdout : public std::streambuf {
 public:
  ~PythonStdout() override { flush(); }

 protected:
  int_type overflow(int_type c) override {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    line_ += static_cast<char>(c);
    if (c == '\n') flush();
    return c;
  }
  int sync() override {
    flush();
    return 0;
  }

 private:
  void flush() {
    if (line_.empty() || !Py_IsInitialized()) return;
    py::gil_scoped_acquire gil;
    py::module_::import("sys").attr("stdout").attr("write")(line_);
    line_.clear();
  }
  std::string line_;
};

/// One history row as a Python dict.
py::dict row_dict(const pinn::HistoryRow& row) {
  py::dict d;
  d["stage"] = row.stage;
  d["stage_index"] = row.stage_index;
  d["iteration"] = row.iteration;
  d["loss"] = row.loss, d["loss_pde"] = row.loss_pde, d["loss_obstacle"] = row.loss_obstacle;
  d["loss_boundary"] = row.loss_boundary;
  d["rel_l2"] = row.rel_l2, d["max_abs"] = row.max_abs, d["max_violation"] = row.max_violation;
  d["penalty"] = row.penalty, d["learning_rate"] = row.learning_rate, d["seconds"] = row.seconds;
  return d;
}

/// Calls a Python progress callback with every new history row; an
/// exception in it stops the run, and is raised again once the run returns.
class ProgressObserver final : public pinn::TrainingObserver {
 public:
  explicit ProgressObserver(py::object callback) : callback_(std::move(callback)) {}
  ~ProgressObserver() override {
    py::gil_scoped_acquire gil;
    callback_ = py::object();
    error_.reset();
  }
  void on_iteration(pinn::TrainingState& state, const pinn::IterationEvent&) override { report(state); }
  void on_stage_end(pinn::TrainingState& state, const pinn::IterationEvent&) override { report(state); }
  bool stop_requested(const pinn::TrainingState&) const override { return failed_; }
  /// Raises the callback's exception, if it raised one (GIL held).
  void rethrow() {
    if (error_) {
      py::error_already_set error = std::move(*error_);
      error_.reset();
      throw error;
    }
  }

 private:
  void report(const pinn::TrainingState& state) {
    if (callback_.is_none() || failed_ || state.history.size() <= seen_) return;
    py::gil_scoped_acquire gil;
    for (; seen_ < state.history.size() && !failed_; ++seen_) {
      try {
        callback_(row_dict(state.history[seen_]));
      } catch (py::error_already_set& error) {
        error_.emplace(std::move(error));
        failed_ = true;
      }
    }
  }
  py::object callback_;
  std::size_t seen_ = 0;
  bool failed_ = false;
  std::optional<py::error_already_set> error_;
};

/// Calls train(options) with the GIL released, Ctrl-C caught (InterruptScope), progress lines in
/// Python's stdout and history rows to `progress`; raises again what a progress callback raised.
template <class Train>
void run_in_engine(const std::string& out, bool write_files, bool quiet, const py::object& progress,
                   const std::string& resume_from, Train train) {
  ProgressObserver observer(progress);
  PythonStdout stdout_buffer;
  std::ostream log(&stdout_buffer);
  pinn::RunOptions options;
  options.output_directory = out;
  options.write_files = write_files;
  options.quiet = quiet;
  options.log = &log;
  options.stop_requested = &g_stop_requested;
  options.resume_from = resume_from;
  options.observer = &observer;
  {
    py::gil_scoped_release release;
    InterruptScope interrupt;
    train(options);
    log.flush();
  }
  observer.rethrow();
}

/// A finished run: its result and the solver that holds the network.
class RunHandle : public LiveRun {
 public:
  std::unique_ptr<pinn::ObstacleSolver> solver;
  pinn::RunResult result;
  std::string summary;
  bool wrote_files = false;

  pinn::ObstacleSolver& live() {
    PINN_USER_REQUIRE(solver, "this result's network is gone (the engine was shut down at exit)");
    return *solver;
  }
  void release() override { solver.reset(); }
};

/// A finished time-dependent run: its time series, and for the space–time method the solver that
/// holds the network of (x, t) (Rothe's levels keep no network: their results are in the folder).
class TimeRunHandle : public LiveRun {
 public:
  std::unique_ptr<pinn::SpaceTimeSolver> space_time;
  pinn::RotheResult result;
  std::string summary;
  int dim = 1;
  bool wrote_files = false;

  pinn::SpaceTimeSolver& live() {
    PINN_USER_REQUIRE(result.method == pinn::TimeMethod::space_time,
                      "this run used parabolic.method = \"rothe\", whose levels keep no network: read the levels "
                      "from the result (levels, u_xt) or its folder (levels/level_NNNN/)");
    PINN_USER_REQUIRE(space_time, "this result's network is gone (the engine was shut down at exit)");
    return *space_time;
  }
  void release() override { space_time.reset(); }
};

std::unique_ptr<RunHandle> run_case(const CaseHandle& c, const std::string& out, bool write_files, bool quiet,
                                    const py::object& progress, const std::string& resume_from) {
  pinn::check_threads(c.config);
  ensure_kokkos(c.config.threads);
  auto handle = std::make_unique<RunHandle>();
  PINN_REQUIRE(!c.config.parabolic, "run_case: a time-dependent case goes to run_time_dependent");
  run_in_engine(out, write_files, quiet, progress, resume_from, [&](const pinn::RunOptions& options) {
    handle->solver = std::make_unique<pinn::ObstacleSolver>(c.config, options);
    handle->result = handle->solver->run();
  });
  handle->wrote_files = write_files;
  handle->summary = pinn::summary_json(handle->solver->config(), handle->solver->network(), handle->result);
  return handle;
}

/// A time-dependent case: Rothe's levels or one network over space–time, as `obstacle-pinn run` does.
std::unique_ptr<TimeRunHandle> run_time_dependent(const CaseHandle& c, const std::string& out, bool write_files,
                                                  bool quiet, const py::object& progress,
                                                  const std::string& resume_from) {
  pinn::check_threads(c.config);
  ensure_kokkos(c.config.threads);
  auto handle = std::make_unique<TimeRunHandle>();
  handle->dim = c.config.problem.domain.dim();
  const bool space_time = c.config.time_stepping.method == pinn::TimeMethod::space_time;
  PINN_USER_REQUIRE(resume_from.empty() || space_time,
                    "resume: a run of parabolic.method = \"rothe\" cannot be resumed yet (a space_time one can)");
  run_in_engine(out, write_files, quiet, progress, resume_from, [&](const pinn::RunOptions& options) {
    if (space_time) {
      handle->space_time = std::make_unique<pinn::SpaceTimeSolver>(c.config, options);
      handle->result = handle->space_time->run();
    } else {
      handle->result = pinn::RotheSolver(c.config, options).run();
    }
  });
  handle->wrote_files = write_files;
  handle->summary = pinn::time_summary_json(c.config, handle->result);
  return handle;
}

// --- NumPy conversions ---------------------------------------------------------------

py::array_t<double> column(const std::vector<double>& values) {
  py::array_t<double> a(static_cast<py::ssize_t>(values.size()));
  std::copy(values.begin(), values.end(), a.mutable_data());
  return a;
}

py::array_t<double> rows(const std::vector<double>& values, int dim) {
  py::array_t<double> a({static_cast<py::ssize_t>(values.size() / static_cast<std::size_t>(dim)),
                         static_cast<py::ssize_t>(dim)});
  std::copy(values.begin(), values.end(), a.mutable_data());
  return a;
}

/// Points from an (n, dim) array (or, in 1D, an (n,) one), row-major, checked.
std::vector<double> points_from(const py::object& object, int dim) {
  const auto a = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(object);
  PINN_USER_REQUIRE(a, "points: found an object that is not an array of numbers; allowed: an (n, " << dim
                                                                                                    << ") array");
  const bool column_1d = dim == 1 && a.ndim() == 1;
  PINN_USER_REQUIRE(column_1d || (a.ndim() == 2 && a.shape(1) == dim),
                    "points: found an array of shape " << py::str(object.attr("shape")).cast<std::string>()
                                                       << "; allowed: (n, " << dim << ")"
                                                       << (dim == 1 ? " or (n,)" : "") << " for this " << dim
                                                       << "D problem");
  std::vector<double> points(a.data(), a.data() + a.size());
  for (double x : points) PINN_USER_REQUIRE(std::isfinite(x), "points: found " << x << "; allowed: finite numbers");
  return points;
}

py::dict fields_dict(const pinn::SolutionFields& f) {
  py::dict d;
  d["points"] = rows(f.points, f.dim);
  d["u"] = column(f.u);
  d["grad"] = rows(f.grad, f.dim);
  if (!f.laplacian.empty()) d["laplacian"] = column(f.laplacian);
  if (!f.psi.empty()) d["psi"] = column(f.psi);
  if (!f.psi_upper.empty()) d["psi_upper"] = column(f.psi_upper);
  if (!f.f.empty()) d["f"] = column(f.f);
  return d;
}

/// `obstacle-pinn reference`: the FD/PDAS (FE/PDAS on polygons) reference
/// alone, written to `directory`, with its nodes and fields.
py::dict reference_of(const CaseHandle& c, int cells, const std::string& directory) {
  if (cells > 0) pinn::check_reference_cells(c.config, cells, "cells");
  pinn::ReferenceRunResult r;
  {
    py::gil_scoped_release release;
    r = pinn::run_reference(c.config, cells, directory);
  }
  py::dict d;
  const int dim = c.config.problem.domain.dim();
  std::vector<double> nodes, u, lambda_lower, lambda_upper;
  std::vector<unsigned char> contact;
  if (r.finite_element) {
    const pinn::FeReferenceSolution& fe = r.fe_solution;
    for (const auto& node : fe.mesh.nodes) nodes.insert(nodes.end(), {node[0], node[1]});
    u = fe.u, lambda_lower = fe.lambda_lower, lambda_upper = fe.lambda_upper;
    for (std::size_t i = 0; i < fe.u.size(); ++i) contact.push_back(fe.contact_lower[i] || fe.contact_upper[i]);
    d["iterations"] = fe.iterations, d["converged"] = fe.converged, d["seconds"] = fe.seconds;
  } else {
    const pinn::FdReferenceSolution& fd = r.solution;
    for (std::size_t i = 0; i < fd.u.size(); ++i) {
      const std::vector<double> x = fd.node(i);
      nodes.insert(nodes.end(), x.begin(), x.end());
      contact.push_back(fd.contact_lower[i] || fd.contact_upper[i]);
    }
    u = fd.u, lambda_lower = fd.lambda_lower, lambda_upper = fd.lambda_upper;
    d["iterations"] = fd.iterations, d["converged"] = fd.converged, d["seconds"] = fd.seconds;
  }
  d["method"] = r.finite_element ? "finite_element" : "finite_difference";
  d["cells"] = r.cells;
  d["points"] = rows(nodes, dim);
  d["u"] = column(u);
  d["lambda"] = column(lambda_lower);
  if (c.config.problem.has_upper()) d["lambda_upper"] = column(lambda_upper);
  py::array_t<bool> in_contact(static_cast<py::ssize_t>(contact.size()));
  for (std::size_t i = 0; i < contact.size(); ++i) in_contact.mutable_data()[i] = contact[i] != 0;
  d["in_contact"] = in_contact;
  d["contact_measure"] = r.contact_measure;
  d["contact_intervals"] = r.contact_intervals;
  if (r.rel_l2_vs_exact >= 0) d["rel_l2_vs_exact"] = r.rel_l2_vs_exact, d["max_abs_vs_exact"] = r.max_abs_vs_exact;
  d["output_file"] = r.output_file;
  return d;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "obstacle-pinn's C++ engine (use the obstacle_pinn package, not this module)";
  py::register_exception<pinn::UserError>(m, "CaseError", PyExc_ValueError);

  py::class_<CaseHandle>(m, "CaseHandle")
      .def_property_readonly("name", [](const CaseHandle& c) { return c.config.problem.name; })
      .def_property_readonly("dim", [](const CaseHandle& c) { return c.config.problem.domain.dim(); })
      .def_property_readonly("domain", [](const CaseHandle& c) { return c.config.problem.domain.describe(); })
      .def_property("effective_toml", [](const CaseHandle& c) { return c.config.effective_toml; },
                    [](CaseHandle& c, const std::string& text) { c.config.effective_toml = text; })
      .def_property("effective_json", [](const CaseHandle& c) { return c.config.effective_json; },
                    [](CaseHandle& c, const std::string& text) { c.config.effective_json = text; })
      .def_property_readonly("notices", [](const CaseHandle& c) { return c.config.notices; })
      .def("set_function", [](CaseHandle& c, const std::string& key, const py::object& fn, const std::string& label) {
        set_problem_function(c.config, key, fn, label);
      })
      .def_property_readonly("time_dependent", [](const CaseHandle& c) { return static_cast<bool>(c.config.parabolic); })
      .def("check", [](const CaseHandle& c) { pinn::check_case(c.config); })
      .def("explain", [](const CaseHandle& c) { return pinn::explain_pipeline(c.config); });

  m.def("check_function_key", &check_function_key);
  m.def("parse_case", [](const std::string& text, const std::string& name, const std::vector<std::string>& overrides) {
    return CaseHandle{pinn::parse_case(text, name, overrides)};
  });
  m.def("load_case", [](const std::string& path, const std::vector<std::string>& overrides) {
    return CaseHandle{pinn::load_case_file(path, overrides)};
  });

  py::class_<RunHandle>(m, "RunHandle")
      .def_property_readonly("status", [](const RunHandle& r) { return pinn::to_string(r.result.status); })
      .def_property_readonly("summary_json", [](const RunHandle& r) { return r.summary; })
      .def_property_readonly("total_seconds", [](const RunHandle& r) { return r.result.total_seconds; })
      .def_property_readonly("output_directory",
                             [](const RunHandle& r) { return r.wrote_files ? r.result.output_directory : std::string(); })
      .def_property_readonly("dim", [](RunHandle& r) { return r.live().config().problem.domain.dim(); })
      .def_property_readonly("history",
                             [](RunHandle& r) {
                               py::list out;
                               for (const pinn::HistoryRow& row : r.live().history()) out.append(row_dict(row));
                               return out;
                             })
      .def("solution_at",
           [](RunHandle& r, const py::object& points) {
             pinn::ObstacleSolver& solver = r.live();
             const int dim = solver.config().problem.domain.dim();
             const std::vector<double> p = points_from(points, dim);
             return fields_dict(solver.solution_at(p));
           })
      .def("training_points", [](RunHandle& r) {
        const pinn::TrainingPointContact contact = r.live().training_point_contact();
        py::dict d = fields_dict(contact.fields);
        d["force"] = column(contact.force);
        py::array_t<bool> in_contact(static_cast<py::ssize_t>(contact.in_contact.size()));
        for (std::size_t i = 0; i < contact.in_contact.size(); ++i)
          in_contact.mutable_data()[i] = contact.in_contact[i] != 0;
        d["in_contact"] = in_contact;
        return d;
      });

  py::class_<TimeRunHandle>(m, "TimeRunHandle")
      .def_property_readonly("status", [](const TimeRunHandle& r) { return pinn::to_string(r.result.status); })
      .def_property_readonly("summary_json", [](const TimeRunHandle& r) { return r.summary; })
      .def_property_readonly("total_seconds", [](const TimeRunHandle& r) { return r.result.total_seconds; })
      .def_property_readonly("output_directory",
                             [](const TimeRunHandle& r) { return r.wrote_files ? r.result.output_directory : std::string(); })
      .def_property_readonly("dim", [](const TimeRunHandle& r) { return r.dim; })
      .def_property_readonly("u_xt",
                             [](const TimeRunHandle& r) {
                               // 1D: the (x, t) plane, t = 0 first (solution_xt.vtr's fields).
                               py::dict d;
                               if (r.dim != 1 || r.result.u_by_level.empty()) return d;
                               std::vector<double> times{0.0}, u, reference;
                               for (const pinn::TimeLevelResult& level : r.result.levels) times.push_back(level.time);
                               for (const auto& row : r.result.u_by_level) u.insert(u.end(), row.begin(), row.end());
                               for (const auto& row : r.result.reference_by_level)
                                 reference.insert(reference.end(), row.begin(), row.end());
                               const int n = static_cast<int>(r.result.x.size());
                               d["x"] = column(r.result.x);
                               d["t"] = column(times);
                               d["u"] = rows(u, n);
                               if (reference.size() == u.size()) d["reference"] = rows(reference, n);
                               return d;
                             })
      .def("solution_at", [](TimeRunHandle& r, const py::object& points, double t) {
        pinn::SpaceTimeSolver& solver = r.live();
        const std::vector<double> p = points_from(points, r.dim);
        return fields_dict(solver.solution_at(p, t));
      });

  m.def("run", &run_case, py::arg("case"), py::arg("out"), py::arg("write_files"), py::arg("quiet"),
        py::arg("progress"), py::arg("resume_from"));
  m.def("run_time_dependent", &run_time_dependent, py::arg("case"), py::arg("out"), py::arg("write_files"),
        py::arg("quiet"), py::arg("progress"), py::arg("resume_from"));
  m.def("reference", &reference_of, py::arg("case"), py::arg("cells"), py::arg("directory"));
  m.def("cases_directory", []() { return std::string(PINN_SOURCE_DIR) + "/cases"; });
  m.def("threads", []() { return Kokkos::is_initialized() ? pinn::ExecSpace().concurrency() : 0; });
  m.def("max_threads", &pinn::max_threads);
  m.def("backend", &pinn::backend_description);
  m.def("finalize", []() {
    for (LiveRun* run : live_runs()) run->release();
    if (Kokkos::is_initialized()) Kokkos::finalize();
  });
}

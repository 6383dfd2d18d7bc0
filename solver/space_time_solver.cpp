/// @file solver/space_time_solver.cpp
/// @brief One network over space–time (see the header).
#include "solver/space_time_solver.hpp"

#include "nn/atomic_file.hpp"
#include "nn/error.hpp"
#include "physics/space_time_problem.hpp"
#include "solver/case_checks.hpp"
#include "solver/default_pipeline.hpp"
#include "solver/evaluation_grid.hpp"
#include "solver/result_folder.hpp"
#include "solver/run_observers.hpp"
#include "solver/time_levels.hpp"
#include "solver/time_reference.hpp"
#include "solver/time_series_output.hpp"
#include "solver/vtk_writer.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <limits>
#include <sstream>

namespace pinn {

namespace {

bool given(const CaseConfig& config, const std::string& key) { return config.locations.count(key) > 0; }

/// The points (x, t) for the spatial points `x` (row-major, dim each) at time t.
std::vector<double> at_time(const std::vector<double>& x, int dim, double t) {
  std::vector<double> points;
  points.reserve(x.size() / static_cast<std::size_t>(dim) * static_cast<std::size_t>(dim + 1));
  for (std::size_t i = 0; i < x.size(); i += static_cast<std::size_t>(dim)) {
    points.insert(points.end(), x.begin() + static_cast<std::ptrdiff_t>(i), x.begin() + static_cast<std::ptrdiff_t>(i) + dim);
    points.push_back(t);
  }
  return points;
}

/// The fields at (x, t) as fields over Ω: the points and ∇u without their t entries (exact_grad
/// is left out).
SolutionFields spatial_slice(const SolutionFields& space_time, const std::vector<double>& x, int dim) {
  SolutionFields slice;
  slice.dim = dim;
  slice.n = space_time.n;
  slice.points = x;
  slice.u = space_time.u;
  slice.psi = space_time.psi;
  slice.psi_upper = space_time.psi_upper;
  slice.f = space_time.f;
  slice.residual = space_time.residual;  // u_t + L u − f
  slice.laplacian = space_time.laplacian;  // over x
  slice.exact = space_time.exact;
  slice.grad.reserve(static_cast<std::size_t>(slice.n * dim));
  for (int i = 0; i < slice.n; ++i)
    for (int k = 0; k < dim; ++k) slice.grad.push_back(space_time.grad[static_cast<std::size_t>(i * (dim + 1) + k)]);
  return slice;
}

/// The contact force and the contact set at the points of one output time. The solution satisfies
/// min(u_t + L u − f, u − ψ) = 0 (and the same with ψ_hi − u and f − u_t − L u): a point is in contact
/// where the residual r = u_t + L u − f exceeds the gap, and its contact force is r there. A network
/// whose r cannot be read (piecewise linear: Δu = 0 almost everywhere; a matrix diffusion) takes the
/// multiplier of the nearest training point instead, as an elliptic run's solution file does.
void contact_at_time(const SolutionFields& slice, const ObstacleProblem& problem, bool residual_readable,
                     const TrainingPointContact& training, const std::vector<double>& points, double t, double band,
                     std::vector<double>& force, std::vector<int>& in_contact) {
  force.assign(static_cast<std::size_t>(slice.n), 0.0);
  in_contact.assign(static_cast<std::size_t>(slice.n), 0);
  bool readable = residual_readable && slice.residual.size() == static_cast<std::size_t>(slice.n);
  for (int i = 0; i < slice.n && readable; ++i) readable = std::isfinite(slice.residual[static_cast<std::size_t>(i)]);
  if (readable) {
    for (int i = 0; i < slice.n; ++i) {
      const auto k = static_cast<std::size_t>(i);
      const double r = slice.residual[k];
      if (problem.has_lower() && r > 0.0 && r > slice.u[k] - slice.psi[k]) in_contact[k] = 1, force[k] = r;
      if (problem.has_upper() && r < 0.0 && -r > slice.psi_upper[k] - slice.u[k]) in_contact[k] = 1, force[k] = r;
    }
    return;
  }
  // The nearest training point: candidates are first those within `band` of t in time; a point whose
  // nearest candidate is farther than the band is searched among all (so it is the nearest point).
  const int m = training.fields.dim;  // dim + 1
  const std::vector<double>& y = training.fields.points;
  const int count = static_cast<int>(training.force.size());
  std::vector<int> near;
  for (int j = 0; j < count; ++j)
    if (std::abs(y[static_cast<std::size_t>(j * m + m - 1)] - t) <= band) near.push_back(j);
  const auto distance2 = [&](int i, int j) {
    double d2 = 0.0;
    for (int k = 0; k < m; ++k) {
      const double d = points[static_cast<std::size_t>(i * m + k)] - y[static_cast<std::size_t>(j * m + k)];
      d2 += d * d;
    }
    return d2;
  };
  for (int i = 0; i < slice.n; ++i) {
    int best = -1;
    double best2 = std::numeric_limits<double>::infinity();
    for (const int j : near)
      if (const double d2 = distance2(i, j); d2 < best2) best2 = d2, best = j;
    if (best < 0 || best2 > band * band)
      for (int j = 0; j < count; ++j)
        if (const double d2 = distance2(i, j); d2 < best2) best2 = d2, best = j;
    if (best < 0) continue;
    force[static_cast<std::size_t>(i)] = training.force[static_cast<std::size_t>(best)];
    in_contact[static_cast<std::size_t>(i)] = training.in_contact[static_cast<std::size_t>(best)];
  }
}

/// The metrics of one output time that the time series reads: the violation on the evaluation grid,
/// and the contact set from the grid points in contact — in 1D the runs of two or more consecutive
/// ones, each [first, last]; in 2D their count times a grid cell's area, and its equivalent radius.
Metrics slice_metrics(const SolutionFields& slice, const std::vector<int>& in_contact, const EvaluationGrid& grid,
                      const ObstacleProblem& problem) {
  const Domain& domain = problem.domain;
  Metrics metrics;
  for (int i = 0; i < slice.n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    if (problem.has_lower() && std::isfinite(slice.psi[k]))
      metrics.max_violation = std::max(metrics.max_violation, slice.psi[k] - slice.u[k]);
    if (problem.has_upper() && std::isfinite(slice.psi_upper[k]))
      metrics.max_violation = std::max(metrics.max_violation, slice.u[k] - slice.psi_upper[k]);
  }
  if (slice.dim == 1) {
    for (int i = 0; i < slice.n;) {
      if (!in_contact[static_cast<std::size_t>(i)]) { ++i; continue; }
      int j = i;
      while (j + 1 < slice.n && in_contact[static_cast<std::size_t>(j + 1)]) ++j;
      if (j > i) metrics.contact_intervals.push_back({slice.points[static_cast<std::size_t>(i)], slice.points[static_cast<std::size_t>(j)]});
      i = j + 1;
    }
    if (!metrics.contact_intervals.empty())
      metrics.contact_interval = {metrics.contact_intervals.front()[0], metrics.contact_intervals.back()[1]};
    return metrics;
  }
  double cell = 1.0;
  for (int k = 0; k < slice.dim; ++k) {
    const auto d = static_cast<std::size_t>(k);
    cell *= (domain.upper()[d] - domain.lower()[d]) / std::max(1, grid.n_nodes[d] - 1);
  }
  int active = 0;
  for (const int c : in_contact) active += c;
  metrics.contact_measure = active * cell;
  metrics.contact_radius = std::sqrt(metrics.contact_measure / M_PI);
  return metrics;
}

/// "space_time/time_0007.vtu": the network at the 7th output time.
std::string slice_file(int n) {
  std::ostringstream name;
  name << "time_" << std::setw(4) << std::setfill('0') << n << ".vtu";
  return name.str();
}

}  // namespace

CaseConfig space_time_case(const CaseConfig& config) {
  PINN_REQUIRE(config.parabolic, "space_time_case: the case is not time-dependent");
  CaseConfig st = config;
  st.problem = space_time_problem(*config.parabolic);
  st.parabolic = nullptr;
  st.measure_against_reference = false;  // the run measures against the time-dependent reference itself
  const bool form_given = given(config, "loss.form");
  PINN_USER_REQUIRE(!form_given || config.loss.form != LossForm::energy,
                    config.where("loss.form") << ": found \"energy\"; parabolic.method = \"space_time\" trains the "
                                                 "residual of u_t + L u − f over Ω × (0, T), which has no energy (u_t "
                                                 "is not symmetric); allowed: \"first_order\", \"strong\", "
                                                 "\"proximal\", or method = \"rothe\" for the energy");
  // strong and proximal with a matrix diffusion were refused with the case file (they read a·Δu).
  PINN_USER_REQUIRE(!given(config, "loss.energy_integration") || !config.loss.exact_energy_integration,
                    config.where("loss.energy_integration")
                        << ": \"exact\" integrates a 1D energy, and parabolic.method = \"space_time\" trains a "
                           "residual form over Ω × (0, T), which has none; allowed: \"points\", or method = "
                           "\"rothe\"");
  // The strong residual for smooth networks (parabolic1d: 1.4e-4 against first_order's 1.0e-2 with the same
  // pipeline, BENCHMARKS.md §15); first_order, which reads no second derivative, for piecewise-linear ones.
  if (!form_given)
    st.loss.form = is_piecewise_linear(config.network.activation) ? LossForm::first_order : LossForm::strong;
  st.loss.exact_energy_integration = false;
  if (!given(config, "loss.boundary"))
    st.loss.boundary = dirichlet_sides(st.problem).whole_sides ? BoundaryMode::hard : BoundaryMode::penalty;
  st.texts.initial.clear();
  st.texts.description = (config.texts.description.empty() ? config.problem.name : config.texts.description) +
                         " (space-time: one network of (x, t))";
  if (!config.pipeline_notes.empty()) {
    // The case file gave no [[stage]]: undo what the default pipeline chose for Ω alone and choose the
    // one of a (dim + 1)-dimensional problem.
    if (!given(config, "network.hidden")) st.network.hidden = {32, 32};
    if (!given(config, "sampling.shift_each_round")) st.sampling.shift_each_round = false;
    st.stages.clear();
    st.pipeline_notes = choose_default_pipeline(st);
    st.pipeline_notes.insert(st.pipeline_notes.begin(),
                             "parabolic.method = \"space_time\": one network of (x, t) over Ω × (0, T), the default "
                             "pipeline of a " + std::to_string(st.problem.domain.dim()) + "D problem, loss.form = \"" +
                                 to_string(st.loss.form) + "\" (u_t + L u has no energy)");
  }
  st.finalize();
  check_case(st);
  return st;
}

SpaceTimeSolver::SpaceTimeSolver(CaseConfig config, RunOptions options)
    : config_(std::move(config)), options_(std::move(options)) {
  PINN_USER_REQUIRE(config_.parabolic, "problem '" << config_.problem.name
                                                   << "' is not time-dependent (no [problem.time]); run it with "
                                                      "ObstacleSolver");
  if (!options_.output_directory.empty()) config_.output.directory = options_.output_directory;
  if (config_.output.directory.empty()) config_.output.directory = "results/" + config_.problem.name;
  if (!options_.log) options_.log = &std::cout;
  leave_output_to_rank_zero(options_);
  config_.finalize();
  check_case_over_time(config_, level_times(*config_.parabolic, config_.time_stepping.steps));
  space_time_ = space_time_case(config_);
}

RotheResult SpaceTimeSolver::run() {
  const auto start = std::chrono::steady_clock::now();
  const ParabolicProblem& p = *config_.parabolic;
  const int dim = p.problem.domain.dim();
  const int steps = config_.time_stepping.steps;
  std::ostream* log = options_.quiet ? nullptr : options_.log;
  RotheResult result;
  result.method = TimeMethod::space_time;
  result.folder = "space_time";
  result.output_directory = config_.output.directory;

  const std::vector<double> times = level_times(p, steps);
  const ResultFolder folder(config_.output.directory);
  if (options_.write_files) folder.check_writable();
  const TimeReference reference(config_, times);
  result.reference = reference.kind();
  result.reference_seconds = reference.seconds();
  if (log)
    *log << "time-dependent, space-time: one network of (x, t) over " << space_time_.problem.domain.describe()
         << ", read at " << steps << " output times" << reference.describe() << "\n";
  // Training, staged until the run's results replace the earlier ones (solver/result_folder.hpp).
  const std::string staged = folder.staged(result.folder);
  RunOptions network_options = options_;
  network_options.output_directory = staged;
  if (!options_.resume_from.empty()) {
    // Resuming: from the staged folder a killed run left, or from a copy of an interrupted run's
    // space_time/ (which stays as it is until the resumed run's results replace it).
    namespace fs = std::filesystem;
    // Rank 0 makes the copy; the other ranks read the same checkpoint where it is.
    if (fs::path(options_.resume_from).parent_path() != fs::path(staged) && options_.communicator.writes()) {
      folder.discard_staged(result.folder);
      fs::copy(fs::path(options_.resume_from).parent_path(), staged, fs::copy_options::recursive);
      network_options.resume_from = (fs::path(staged) / fs::path(options_.resume_from).filename()).string();
    }
  } else if (options_.write_files) {
    write_file_atomically(folder.file("case.toml"), config_.effective_toml);
    folder.discard_staged(result.folder);  // a killed run's
  }
  network_ = std::make_unique<ObstacleSolver>(space_time_, network_options);
  ObstacleSolver& solver = *network_;
  result.network_run = solver.run();
  result.status = result.network_run.status;

  // The network at the output times: measured on the evaluation points (as Rothe's levels), written on
  // the evaluation grid of Ω (its solution files).
  const std::vector<double> x = time_evaluation_points(config_);
  const EvaluationGrid grid = make_evaluation_grid(p.problem.domain, config_.output.evaluation_points);
  const TrainingPointContact training = solver.training_point_contact();
  const bool smooth = !is_piecewise_linear(space_time_.network.activation);
  const double band = p.final_time / std::max(steps, 8);
  const std::vector<double> probes = probe_points(config_.time_stepping);
  start_xt_field(result, p, x);
  const bool upper = p.problem.has_upper();
  SpaceTimeError error;
  for (int level = 1; level <= steps; ++level) {
    const double t = times[static_cast<std::size_t>(level - 1)];
    TimeLevelResult done;
    done.level = level;
    done.time = t;
    done.run.status = result.status;
    done.solution_file = result.folder + "/" + slice_file(level);
    const std::vector<double> u = solver.solution_at(at_time(x, dim, t)).u;
    if (reference.available()) {
      const std::vector<double> ref = reference.at(static_cast<std::size_t>(level - 1), x);
      const SpaceTimeError::AtTime at = error.add(u, ref);
      done.rel_l2 = at.rel_l2, done.max_abs = at.max_abs;
      if (dim == 1) result.reference_by_level.push_back(ref);
    }
    if (dim == 1) result.u_by_level.push_back(u);
    if (!probes.empty()) done.probes = solver.solution_at(at_time(probes, dim, t)).u;

    // The solution file and the contact set on the grid.
    const std::vector<double> grid_points = at_time(grid.points, dim, t);
    SolutionFields slice = spatial_slice(solver.solution_at(grid_points), grid.points, dim);
    if (reference.available()) slice.exact = reference.at(static_cast<std::size_t>(level - 1), grid.points);
    std::vector<double> force;
    std::vector<int> in_contact;
    contact_at_time(slice, p.problem, smooth, training, grid_points, t, band, force, in_contact);
    done.run.metrics = slice_metrics(slice, in_contact, grid, p.problem);
    if (options_.write_files) {
      VtkFieldData field_data;
      field_data.case_name = config_.problem.name;
      field_data.stage = "space_time";
      field_data.numbers["time"] = t;
      if (done.rel_l2 >= 0) field_data.numbers["rel_l2"] = done.rel_l2;
      write_file_atomically(staged + "/" + slice_file(level),
                            encode_solution_vtu(grid, slice, force, in_contact, upper, smooth, field_data));
    }
    if (log && done.rel_l2 >= 0)
      *log << "t = " << std::setprecision(6) << t << "  relative L2 against the " << reference.kind()
           << " solution " << std::scientific << std::setprecision(3) << done.rel_l2 << std::defaultfloat << "\n";
    result.levels.push_back(std::move(done));
  }
  if (reference.available()) {
    result.rel_l2 = error.rel_l2();
    result.max_abs = error.max_abs();
  }
  result.total_seconds = seconds_since(start);
  if (options_.write_files) write_time_series(config_, result);
  return result;
}

SolutionFields SpaceTimeSolver::solution_at(const std::vector<double>& x, double t) {
  PINN_USER_REQUIRE(network_, "problem '" << config_.problem.name << "': the space-time network is trained by run(); "
                                          << "call it first");
  const double T = config_.parabolic->final_time;
  PINN_USER_REQUIRE(std::isfinite(t) && t >= 0.0 && t <= T,
                    "problem '" << config_.problem.name << "': t = " << t << "; allowed: a time in [0, " << T << "]");
  const int dim = config_.problem.domain.dim();
  return spatial_slice(network_->solution_at(at_time(x, dim, t)), x, dim);
}

}  // namespace pinn

/// @file solver/obstacle_solver.cpp
/// @brief The training driver.
#include "solver/obstacle_solver.hpp"

#include "nn/atomic_file.hpp"
#include "nn/checkpoint.hpp"
#include "nn/error.hpp"
#include "nn/piecewise_linear_1d.hpp"
#include "solver/case_checks.hpp"
#include "solver/report.hpp"
#include "solver/solution_fields.hpp"
#include "solver/vtk_writer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <numeric>
#include <sstream>

#include <unistd.h>

namespace pinn {

namespace {

/// A coarser grid than the output one: history rows are logged often.
int monitor_points_per_dimension(int dim) { return dim == 1 ? 1001 : (dim == 2 ? 65 : 17); }

/// Evaluates `net` with its exact activation while in scope: results (metrics,
/// solution files) describe the piecewise-linear network, never the smoothed
/// one a homotopy stage trains (stage.smoothing).
class ExactActivationScope {
 public:
  explicit ExactActivationScope(Mlp& net) : net_(net), smoothing_(net.layout().smoothing) { net_.set_smoothing(0.0); }
  ~ExactActivationScope() { net_.set_smoothing(smoothing_); }
  ExactActivationScope(const ExactActivationScope&) = delete;
  ExactActivationScope& operator=(const ExactActivationScope&) = delete;

 private:
  Mlp& net_;
  double smoothing_;
};

/// The contact force −Δu − f at training point i: λ_lo − λ_hi, negative on the
/// upper obstacle (the sign the FD reference's output uses).
double contact_force(const ContactSample& contact, int i) {
  return contact.lambda[i] - (contact.lambda_upper.empty() ? 0.0 : contact.lambda_upper[i]);
}

/// Whether training point i is active on either obstacle.
bool is_active(const ContactSample& contact, int i) {
  return contact.lambda[i] > 0.0 || (!contact.lambda_upper.empty() && contact.lambda_upper[i] > 0.0);
}

}  // namespace

ObstacleSolver::ObstacleSolver(CaseConfig config, RunOptions options)
    : config_(std::move(config)), options_(std::move(options)), start_(std::chrono::steady_clock::now()) {
  if (!options_.log) options_.log = &std::cout;
  if (!options_.output_directory.empty()) config_.output.directory = options_.output_directory;
  if (config_.output.directory.empty()) config_.output.directory = "results/" + config_.problem.name;
  config_.finalize();
  check_case(config_);
  loss_params_.settings = config_.loss;
  loss_params_.dim = config_.problem.domain.dim();
  loss_params_.has_lower = config_.problem.has_lower();
  loss_params_.has_upper = config_.problem.has_upper();
  build_network();
}

ObstacleSolver::~ObstacleSolver() = default;

double ObstacleSolver::seconds_since_start() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

RunResult ObstacleSolver::run() {
  start_ = std::chrono::steady_clock::now();
  result_ = RunResult{};
  result_.output_directory = config_.output.directory;
  sample_points();
  compute_reference();
  if (config_.kink_placement == KinkPlacement::obstacle && options_.resume_from.empty()) place_kinks_at_obstacle();
  total_iterations_ = 0;
  insertions_done_ = 0;
  snapshots_.clear();
  int planned = 0;
  for (const StageConfig& stage : config_.stages) planned += stage.iterations;
  snapshot_every_ = config_.output.snapshots > 0 ? std::max(1, planned / config_.output.snapshots) : 0;
  std::pair<int, int> start{0, 0};
  if (!options_.resume_from.empty()) {
    start = restore_checkpoint();
    if (options_.write_files) folder().recover_snapshots(static_cast<int>(snapshots_.size()));
  } else if (options_.write_files) {
    // The run is accepted: only now may the output folder change.
    folder().check_writable();
    folder().discard_partial_snapshots();
    write_file_atomically(folder().file("case.toml"), config_.effective_toml);
    if (snapshot_every_ > 0) write_snapshot("initial");
  }
  // A stage's time limit counts from the end of the stage before it, the
  // first stage's from the start of the run: set-up (sampling, the reference
  // solution, neuron insertion) counts against the limits too.
  auto stage_start = start_;
  for (std::size_t s = static_cast<std::size_t>(start.first);
       s < config_.stages.size() && result_.status == RunStatus::ok; ++s) {
    const StageConfig& stage = config_.stages[s];
    const bool resumed_here = !options_.resume_from.empty() && static_cast<int>(s) == start.first;
    const int first_iteration = resumed_here ? start.second : 0;
    // A Ceres stage resumes at the start of the multiplier round it was in.
    const int first_round = resumed_here ? ceres_round_ : 0;
    if (stage.insert_neurons > 0 && insertions_done_ <= static_cast<int>(s)) insert_neurons(stage, static_cast<int>(s));
    if (stage.type == StageType::ceres_lbfgs) {
      refine_with_lbfgs(stage, static_cast<int>(s), first_iteration, first_round, stage_start);
    } else if (stage.type == StageType::ceres_lm) {
      refine_with_lm(stage, static_cast<int>(s), first_iteration, first_round, stage_start);
    } else {
      train_with_gradient_steps(stage, static_cast<int>(s), first_iteration, stage_start);
    }
    ceres_round_ = 0;
    net_->set_smoothing(0.0);  // a smoothing homotopy ends with its stage
    if (options_.write_files && result_.status == RunStatus::ok && !stop_now())
      write_checkpoint(nullptr, static_cast<int>(s) + 1, 0);
    stage_start = std::chrono::steady_clock::now();
  }
  result_.metrics = compute_current_metrics();
  compute_network_diagnostics();
  result_.total_seconds = seconds_since_start();
  if (options_.write_files) write_output(result_.stages.empty() ? "initial" : result_.stages.back().name);
  return result_;
}

void ObstacleSolver::sample_points() {
  const Domain& domain = config_.problem.domain;
  const std::vector<double> interior =
      domain.sample_interior(config_.sampling.interior, config_.sampling.method, config_.seed);
  std::vector<double> boundary;
  if (config_.loss.boundary == BoundaryMode::penalty) {
    int n = config_.sampling.boundary;
    if (n == 0) n = domain.dim() == 1 ? 2 : 4 * static_cast<int>(std::sqrt(static_cast<double>(config_.sampling.interior)));
    boundary = domain.sample_boundary(n);
  }
  base_interior_ = interior;
  base_boundary_ = boundary;
  grid_shifts_ = 0;
  adaptive_points_.clear();
  adaptive_rounds_done_ = 0;
  if (config_.sampling.obstacle_nodes) {
    // The m^d midpoints are the centres of m cells per direction; their m − 1
    // interior nodes per direction become obstacle points (kept like
    // adaptive points: no share of the energy's quadrature).
    const int dim = domain.dim();
    const int m = grid_cells_per_direction(static_cast<int>(interior.size()) / dim, dim);
    if (m > 1) adaptive_points_ = domain.sample_interior(static_cast<int>(std::pow(m - 1, dim)), SamplingMethod::nodes, 0);
  }
  rebuild_training_points(0);
  grid_ = make_evaluation_grid(domain, config_.output.evaluation_points);
  monitor_.reset();
  validation_ = TrainingPoints{};
}

double ObstacleSolver::validation_loss() {
  if (validation_.size() == 0) {
    // Twice as fine per direction as the training grid, and fixed: no point
    // of it coincides with a (shifted) training point, so a network that bends
    // where the training points do not look is seen bending.
    const Domain& domain = config_.problem.domain;
    const int dim = domain.dim();
    const int n = static_cast<int>(base_interior_.size()) / dim * (1 << dim);
    validation_ = make_training_points(config_.problem, domain.sample_interior(n, SamplingMethod::grid, 0),
                                       base_boundary_);
  }
  Mlp exact = *net_;  // shares the parameters
  exact.set_smoothing(0.0);
  // The case's own μ: a continuation (penalty_growth) must not change how
  // the rounds of one stage compare.
  ObstacleLossParams params = loss_params_;
  params.settings.penalty = config_.loss.penalty;
  return loss_terms_at(exact, validation_, params).total();
}

double ObstacleSolver::adaptive_pde_weight() const {
  // Collocation forms weight every point; the energy keeps its quadrature.
  if (config_.loss.form == LossForm::energy) return 0.0;
  const Domain& domain = config_.problem.domain;
  return domain.measure() / static_cast<double>(base_interior_.size() / static_cast<std::size_t>(domain.dim()));
}

void ObstacleSolver::compute_reference() {
  reference_ = ReferenceSolution::for_problem(config_.problem, config_.reference_cells);
  monitor_.reset();
  if (reference_ && reference_->fd() && !options_.quiet) {
    const FdReferenceSolution& fd = *reference_->fd();
    *options_.log << "finite-difference reference: " << fd.n_nodes[0] - 1 << " cells per dimension, "
                  << fd.iterations << " active-set iterations, " << fd.seconds << " s\n";
  }
}

void ObstacleSolver::compute_network_diagnostics() {
  const ObstaclePointLoss point_loss{training_.data, loss_params_};
  result_.diagnostics =
      compute_diagnostics(space_, *net_, training_.coordinates, point_loss, jet_order_for(config_.loss.form));
  const Domain& domain = config_.problem.domain;
  if (domain.dim() == 1 && is_piecewise_linear(config_.network.activation))
    result_.n_kinks = count_kinks_1d(*net_, domain.lower()[0], domain.upper()[0]).n_kinks();
}

void ObstacleSolver::build_network() {
  // The kink placement decides the initialisation's input box: the domain's
  // (kinks through random points of it), or none (zero biases, "origin").
  MlpConfig network = config_.network;
  network.input_lower.clear();
  network.input_upper.clear();
  const Domain& domain = config_.problem.domain;
  if (config_.kink_placement != KinkPlacement::origin) {
    network.input_lower.assign(domain.lower().begin(), domain.lower().begin() + domain.dim());
    network.input_upper.assign(domain.upper().begin(), domain.upper().begin() + domain.dim());
  }
  net_ = std::make_unique<Mlp>(network);
  net_->initialize(config_.seed);
}

LossTerms ObstacleSolver::evaluate_loss_terms() { return loss_terms_at(*net_, training_, loss_params_); }

// With loss.energy_integration = "exact" the 1D Dirichlet energy is the solver's network's.
LossTerms ObstacleSolver::loss_terms_at(const Mlp& net, const TrainingPoints& points,
                                        const ObstacleLossParams& loss_params) {
  const auto jets = evaluate_jets(space_, net, points.coordinates, jet_order_for(config_.loss.form));
  const auto data = points.data;
  const ObstacleLossParams params = loss_params;
  LossTerms sum;
  double pde = 0, obstacle = 0, boundary = 0;
  Kokkos::parallel_reduce(
      "pinn::solver::ObstacleSolver::loss_terms", Kokkos::RangePolicy<ExecSpace>(space_, 0, points.size()),
      KOKKOS_LAMBDA(const int i, double& a, double& b, double& c) {
        PointJet seed;
        seed.zero();
        const LossTerms t = obstacle_point_loss(params, data(i), jets(i), seed);
        a += t.pde;
        b += t.obstacle;
        c += t.boundary;
      },
      pde, obstacle, boundary);
  sum.pde = pde + (config_.loss.exact_energy_integration ? exact_dirichlet_energy(nullptr) : 0.0);
  sum.obstacle = obstacle;
  sum.boundary = boundary;
  return sum;
}

void ObstacleSolver::update_multipliers() {
  const auto jets = evaluate_jets(space_, *net_, training_.coordinates, JetOrder::value);
  const auto data = training_.data;
  const ObstacleLossParams params = loss_params_;
  const bool hard = params.settings.boundary == BoundaryMode::hard;
  Kokkos::parallel_for(
      "pinn::solver::ObstacleSolver::update_multipliers", Kokkos::RangePolicy<ExecSpace>(space_, 0, training_.size()),
      KOKKOS_LAMBDA(const int i) {
        PointData& p = data(i);
        const double u = solution_jet(p, jets(i), params.dim, hard).u;
        if (p.is_boundary) {  // penalty boundary condition: η ← η + β(u − g)
          p.boundary_multiplier += params.settings.boundary_weight * (u - p.g);
          return;
        }
        const double lower = params.has_lower ? updated_lower_multiplier(params.settings, p, u) : 0.0;
        const double upper = params.has_upper ? updated_upper_multiplier(params.settings, p, u) : 0.0;
        p.lambda_lower = lower;
        p.lambda_upper = upper;
      });
  space_.fence();
}

ContactSample ObstacleSolver::contact_sample() {
  ContactSample c;
  c.dim = training_.dim;
  const auto jets = Kokkos::create_mirror_view_and_copy(
      Kokkos::HostSpace(), evaluate_jets(space_, *net_, training_.coordinates, JetOrder::value));
  const auto data = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), training_.data);
  const auto coords = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), training_.coordinates);
  const bool hard = config_.loss.boundary == BoundaryMode::hard;
  for (int i = 0; i < training_.n_interior; ++i) {
    const double u = solution_jet(data(i), jets(i), c.dim, hard).u;
    for (int k = 0; k < c.dim; ++k) c.points.push_back(coords(i, k));
    // Adaptive points refine the contact reading but must not count area twice.
    c.weights.push_back(data(i).is_adaptive ? 0.0 : data(i).obstacle_weight);
    c.u.push_back(u);
    c.psi.push_back(data(i).psi_lower);
    c.lambda.push_back(loss_params_.has_lower ? updated_lower_multiplier(loss_params_.settings, data(i), u) : 0.0);
    if (loss_params_.has_upper) {
      c.psi_upper.push_back(data(i).psi_upper);
      c.lambda_upper.push_back(updated_upper_multiplier(loss_params_.settings, data(i), u));
    }
    c.mass_weights.push_back(data(i).obstacle_weight);
  }
  return c;
}

void ObstacleSolver::add_contact_densities(ContactSample& contact) {
  // In the energy form the multipliers are the contact force, whose density on
  // the contact set is −Δψ − f on the lower obstacle and Δψ_hi + f on the
  // upper one (metrics.hpp, "multiplier_mass") where the obstacle is smooth.
  // An obstacle with jumps or kinks (step41's stairs, the ridges of a distance
  // function) also carries concentrated forces on its edges, which no density
  // accounts for: where the obstacle's Laplacian over the point's cell (step
  // 0.6 × the point spacing) differs from its Laplacian at the point, the
  // density is marked unknown (NaN), and the metrics fall back to the active
  // points if such a point is active. A piecewise-linear network's −Δu is a
  // sum of point masses on its kinks, and the multipliers (clipped at 0) then
  // over-count near the free boundary (obstacle1d_prelu: 2% too much mass,
  // endpoints 1.9e-3 off against 4e-4 from the active points), so such
  // networks keep the active points too.
  const ObstacleProblem& problem = config_.problem;
  if (config_.loss.form != LossForm::energy || (!problem.has_lower() && !problem.has_upper()) ||
      is_piecewise_linear(config_.network.activation))
    return;
  // Δψ at x, or NaN where ψ is not smooth over the point's cell.
  const auto smooth_laplacian = [&](const ScalarFunction& obstacle, const double* x, double f, double cell) {
    const double at_point = central_laplacian(obstacle, problem.domain, x);
    const double over_cell = central_laplacian(obstacle, problem.domain, x, cell);
    const bool smooth = std::abs(over_cell - at_point) <= 0.1 * (std::abs(at_point) + std::abs(f)) + 1e-8;
    return smooth ? at_point : std::nan("");
  };
  // The densities depend on the points only: computed once per training set.
  if (contact_density_.empty() && upper_contact_density_.empty()) {
    for (int i = 0; i < training_.n_interior; ++i) {
      const double* x = &contact.points[i * contact.dim];
      const double f = problem.source(x);
      const double cell = 0.6 * std::pow(contact.mass_weights[i], 1.0 / contact.dim);
      if (problem.has_lower())
        contact_density_.push_back(-smooth_laplacian(problem.lower_obstacle, x, f, cell) - f);
      if (problem.has_upper())
        upper_contact_density_.push_back(smooth_laplacian(problem.upper_obstacle, x, f, cell) + f);
    }
  }
  contact.contact_density = contact_density_;
  contact.upper_contact_density = upper_contact_density_;
}

Metrics ObstacleSolver::compute_current_metrics() {
  const ExactActivationScope exact(*net_);
  if (!monitor_) {
    const EvaluationGrid monitor =
        config_.problem.domain.dim() == 1
            ? grid_
            : make_evaluation_grid(config_.problem.domain, monitor_points_per_dimension(config_.problem.domain.dim()));
    monitor_ = std::make_unique<SampledProblem>(sample_problem(config_.problem, monitor.points, reference_.get()));
  }
  const SolutionFields fields = evaluate_solution(space_, *net_, config_.loss, *monitor_, SolutionDerivatives::gradient);
  ContactSample contact = contact_sample();
  add_contact_densities(contact);
  return compute_metrics(fields, contact, config_.problem, reference_.get());
}

void ObstacleSolver::log_progress(const HistoryRow& row, const StageConfig& stage, double stage_seconds) {
  if (options_.quiet) return;
  const bool terminal = options_.log == &std::cout && ::isatty(STDOUT_FILENO);
  const double per_iteration = stage_seconds / std::max(1, row.iteration);
  const double eta = per_iteration * (stage.iterations - row.iteration);
  std::ostringstream line;
  line << "[" << row.stage << " " << row.stage_index << "] iter " << std::setw(7) << row.iteration << "/"
       << stage.iterations << "  loss " << std::scientific << std::setprecision(4) << row.loss;
  if (row.rel_l2 >= 0) line << "  rel_l2 " << std::setprecision(3) << row.rel_l2;
  line << "  mu " << std::setprecision(1) << row.penalty << std::defaultfloat << std::fixed << std::setprecision(1)
       << "  " << row.seconds << " s  ETA " << eta << " s";
  if (terminal) {
    *options_.log << "\r" << line.str() << "\033[K" << std::flush;
    if (row.iteration == stage.iterations) *options_.log << "\n";
  } else {
    *options_.log << line.str() << "\n" << std::flush;
  }
}

namespace {
/// The numeric columns of a history row, in the order checkpoints store them
/// (after stage index and iteration); one list for writing and reading.
constexpr double HistoryRow::*kCheckpointedHistoryFields[] = {
    &HistoryRow::loss,          &HistoryRow::loss_pde,       &HistoryRow::loss_obstacle,
    &HistoryRow::loss_boundary, &HistoryRow::rel_l2,         &HistoryRow::max_abs,
    &HistoryRow::max_violation, &HistoryRow::penalty,        &HistoryRow::learning_rate,
    &HistoryRow::seconds,       &HistoryRow::negative_fraction, &HistoryRow::dead_neurons,
    &HistoryRow::lipschitz_bound};
}  // namespace

bool ObstacleSolver::stop_now() const {
  return (options_.stop_requested && options_.stop_requested->load()) ||
         (options_.stop_after >= 0 && total_iterations_ >= options_.stop_after);
}

void ObstacleSolver::write_checkpoint(const Adam* adam, int stage_index, int iteration) {
  CheckpointArrays arrays;
  arrays["position"] = {static_cast<double>(stage_index), static_cast<double>(iteration),
                        static_cast<double>(total_iterations_)};
  arrays["penalty"] = {loss_params_.settings.penalty};
  arrays["adaptive_points"] = adaptive_points_;
  arrays["adaptive_rounds"] = {static_cast<double>(adaptive_rounds_done_)};
  arrays["ceres_round"] = {static_cast<double>(ceres_round_)};
  arrays["lm_trust_region_radius"] = {lm_trust_region_radius_};
  arrays["grid_shifts"] = {static_cast<double>(grid_shifts_)};
  arrays["neuron_insertions"] = {static_cast<double>(insertions_done_)};
  arrays["best_round"] = {static_cast<double>(best_round_), best_round_loss_};
  arrays["best_round_parameters"] = best_round_parameters_;
  auto data = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), training_.data);
  std::vector<double>& lower = arrays["lambda_lower"];
  std::vector<double>& upper = arrays["lambda_upper"];
  for (int i = 0; i < training_.size(); ++i) {
    lower.push_back(lower_or_boundary_multiplier(data(i)));
    upper.push_back(data(i).lambda_upper);
  }
  std::vector<double>& history = arrays["history"];
  for (const HistoryRow& r : history_) {
    history.push_back(r.stage_index);
    history.push_back(r.iteration);
    for (double HistoryRow::*field : kCheckpointedHistoryFields) history.push_back(r.*field);
  }

  std::vector<double>& stages = arrays["stages"];
  for (const StageSummary& st : result_.stages)
    stages.insert(stages.end(), {static_cast<double>(st.iterations), st.seconds, st.loss_start, st.loss_end});
  arrays["stage_loss_start"] = {current_stage_loss_start_};
  std::vector<double>& snapshots = arrays["snapshots"];
  for (const auto& entry : snapshots_) snapshots.push_back(entry.first);
  save_checkpoint(folder().file("checkpoint.bin"), *net_, adam, arrays);
}

std::pair<int, int> ObstacleSolver::restore_checkpoint() {
  adopt_inserted_neurons(checkpoint_layer_widths(options_.resume_from));
  CheckpointArrays arrays = load_checkpoint(options_.resume_from, *net_, nullptr);
  auto require = [&](const char* name, std::size_t size) -> const std::vector<double>& {
    const auto it = arrays.find(name);
    PINN_USER_REQUIRE(it != arrays.end() && (size == 0 || it->second.size() == size),
                      options_.resume_from << ": not a checkpoint of this case (entry '" << name
                                           << "' missing or of the wrong size)");
    return it->second;
  };
  const auto& position = require("position", 3);
  loss_params_.settings.penalty = require("penalty", 1)[0];
  adaptive_points_ = require("adaptive_points", 0);
  adaptive_rounds_done_ = static_cast<int>(require("adaptive_rounds", 1)[0]);
  ceres_round_ = static_cast<int>(require("ceres_round", 1)[0]);
  lm_trust_region_radius_ = require("lm_trust_region_radius", 1)[0];
  grid_shifts_ = static_cast<int>(require("grid_shifts", 1)[0]);
  // Absent from checkpoints written before stage.insert_neurons existed.
  if (arrays.count("neuron_insertions")) insertions_done_ = static_cast<int>(require("neuron_insertions", 1)[0]);
  // Absent from checkpoints written before stage.select_last_rounds existed.
  if (arrays.count("best_round")) {
    const auto& best = require("best_round", 2);
    best_round_ = static_cast<int>(best[0]);
    best_round_loss_ = best[1];
    best_round_parameters_ = require("best_round_parameters", 0);
    PINN_USER_REQUIRE(best_round_ < 0 || best_round_parameters_.size() == static_cast<std::size_t>(net_->n_params()),
                      options_.resume_from
                          << ": not a checkpoint of this case (entry 'best_round_parameters' of the wrong size)");
  }
  if (!adaptive_points_.empty() || grid_shifts_ > 0) rebuild_training_points(0);
  const auto& lower = require("lambda_lower", static_cast<std::size_t>(training_.size()));
  const auto& upper = require("lambda_upper", static_cast<std::size_t>(training_.size()));
  auto data = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), training_.data);
  for (int i = 0; i < training_.size(); ++i) {
    set_lower_or_boundary_multiplier(data(i), lower[i]);
    data(i).lambda_upper = upper[i];
  }
  Kokkos::deep_copy(training_.data, data);
  const auto& history = require("history", 0);
  const std::size_t per_row = 2 + std::size(kCheckpointedHistoryFields);
  for (std::size_t k = 0; k + per_row <= history.size(); k += per_row) {
    HistoryRow r;
    r.stage_index = static_cast<int>(history[k]);
    r.stage = to_string(config_.stages.at(r.stage_index).type);
    r.iteration = static_cast<int>(history[k + 1]);
    std::size_t next = k + 2;
    for (double HistoryRow::*field : kCheckpointedHistoryFields) r.*field = history[next++];
    history_.push_back(r);
  }
  const auto& stages = require("stages", 0);
  for (std::size_t k = 0; k + 4 <= stages.size(); k += 4) {
    StageSummary st;
    st.name = to_string(config_.stages.at(result_.stages.size()).type);
    st.iterations = static_cast<int>(stages[k]);
    st.seconds = stages[k + 1];
    st.loss_start = stages[k + 2];
    st.loss_end = stages[k + 3];
    st.termination = StageTermination::completed;
    result_.stages.push_back(st);
  }
  current_stage_loss_start_ = require("stage_loss_start", 1)[0];
  for (double iteration : require("snapshots", 0))
    snapshots_.push_back({static_cast<int>(iteration), "snapshots/solution_" + std::to_string(snapshots_.size()) + ".vtu"});
  total_iterations_ = static_cast<int>(position[2]);
  const int stage_index = static_cast<int>(position[0]);
  PINN_USER_REQUIRE(stage_index >= 0 && stage_index <= static_cast<int>(config_.stages.size()),
                    options_.resume_from << ": stage " << stage_index << " does not exist in this case");
  if (!options_.quiet)
    *options_.log << "resuming from " << options_.resume_from << ": stage " << stage_index << ", iteration "
                  << static_cast<int>(position[1]) << "\n";
  return {stage_index, static_cast<int>(position[1])};
}

void ObstacleSolver::train_with_gradient_steps(const StageConfig& stage, int stage_index, int start_iteration,
                                       std::chrono::steady_clock::time_point stage_start) {
  StageSummary summary;
  summary.name = to_string(stage.type);
  summary.termination = StageTermination::completed;
  AdamOptions adam_options;
  adam_options.schedule = stage.schedule;
  adam_options.plain_sgd = stage.type == StageType::sgd;
  Adam adam(net_->n_params(), adam_options);
  if (start_iteration > 0) load_checkpoint(options_.resume_from, *net_, &adam);  // the optimiser's moments too
  Vector gradient("pinn::solver::gradient", net_->n_params());
  Vector last_good("pinn::solver::last_good_params", net_->n_params());
  Kokkos::deep_copy(last_good, net_->params());
  const int rounds = stage.multiplier_updates + 1;
  const int per_round = std::max(1, (stage.iterations + rounds - 1) / rounds);
  double loss = 0.0;
  int done = start_iteration;
  int rounds_done = start_iteration / per_round;
  net_->set_smoothing(stage.smoothing_at_round(rounds_done, rounds));
  if (start_iteration > 0) summary.loss_start = current_stage_loss_start_;
  for (int it = start_iteration; it < stage.iterations; ++it) {
    if (stop_now()) {
      summary.termination = StageTermination::interrupted;
      result_.status = RunStatus::interrupted;
      if (options_.write_files) write_checkpoint(&adam, stage_index, done);
      break;
    }
    const double stage_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - stage_start).count();
    if (stage.time_limit > 0 && stage_seconds > stage.time_limit) {
      summary.termination = StageTermination::time_limit;
      break;
    }
    if (stage.output_solve_every > 0 && it % stage.output_solve_every == 0) solve_output_layer();
    loss = current_loss(gradient);
    if (!std::isfinite(loss)) {
      Kokkos::deep_copy(net_->params(), last_good);
      summary.termination = StageTermination::diverged;
      result_.status = RunStatus::diverged;
      if (!options_.quiet)
        *options_.log << "\nstage " << summary.name << ": the loss became " << loss << " at iteration " << it
                      << "; keeping the last finite parameters\n";
      break;
    }
    if (it == 0) summary.loss_start = current_stage_loss_start_ = loss;
    adam.step(space_, net_->params(), gradient);
    net_->project_parameters(space_);
    done = it + 1;
    after_iteration(summary.name);
    // Rounds end by iterations, or, under a time limit, by time (whichever comes first).
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - stage_start).count();
    const bool by_iterations = done % per_round == 0;
    const bool by_time =
        stage.time_limit > 0 && static_cast<int>(elapsed / stage.time_limit * rounds) > rounds_done;
    const bool round_end = (by_iterations || by_time) && done < stage.iterations && rounds_done < stage.multiplier_updates;
    if (round_end) ++rounds_done;
    if (done % config_.output.log_every == 0 || done == stage.iterations || round_end) {
      const HistoryRow& row = record_history(summary.name, stage_index, done, adam.current_learning_rate());
      log_progress(row, stage, std::chrono::duration<double>(std::chrono::steady_clock::now() - stage_start).count());
      if (std::isfinite(row.loss)) Kokkos::deep_copy(last_good, net_->params());
    }
    if (round_end) {
      next_multiplier_round(stage);
      net_->set_smoothing(stage.smoothing_at_round(rounds_done, rounds));
      if (adaptive_rounds_done_ < config_.sampling.adaptive_rounds) refine_near_free_boundary();
    }
    if (options_.write_files && done % config_.output.log_every == 0 && done < stage.iterations)
      write_checkpoint(&adam, stage_index, done);
  }
  // The last Adam steps moved the output layer off its optimum: end on it.
  if (stage.output_solve_every > 0 && done > 0 && result_.status == RunStatus::ok) solve_output_layer();
  summary.iterations = done;
  summary.loss_end = done > 0 ? evaluate_loss_terms().total() : summary.loss_start;
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - stage_start).count();
  result_.stages.push_back(summary);
}

void ObstacleSolver::solve_output_layer() {
  const ObstaclePointResiduals residuals{training_.data, loss_params_, residual_layout(loss_params_)};
  output_layer_solver_.solve(space_, *net_, training_.coordinates, residuals, jet_order_for(config_.loss.form));
}

const HistoryRow& ObstacleSolver::record_history(const std::string& stage_name, int stage_index, int iteration,
                                                double learning_rate) {
  HistoryRow row;
  row.stage = stage_name;
  row.stage_index = stage_index;
  row.iteration = iteration;
  const LossTerms terms = evaluate_loss_terms();
  row.loss = terms.total();
  row.loss_pde = terms.pde;
  row.loss_obstacle = terms.obstacle;
  row.loss_boundary = terms.boundary;
  const Metrics m = compute_current_metrics();
  row.rel_l2 = m.rel_l2;
  row.max_abs = m.max_abs;
  row.max_violation = m.max_violation;
  row.penalty = loss_params_.settings.penalty;
  row.learning_rate = learning_rate;
  // Only the sign statistics: the full diagnostics' reverse pass would cost
  // about ten training iterations per row.
  const ActivationSigns signs = compute_activation_signs(space_, *net_, training_.coordinates);
  const int n_hidden_layers = static_cast<int>(signs.negative.size());
  for (int l = 0; l < n_hidden_layers; ++l) {
    row.negative_fraction += signs.negative_fraction(l) / static_cast<double>(n_hidden_layers);
    row.dead_neurons += static_cast<int>(signs.dead_neurons(l).size());
  }
  row.lipschitz_bound = lipschitz_upper_bound(*net_);
  row.seconds = seconds_since_start();
  history_.push_back(row);
  return history_.back();
}

void ObstacleSolver::next_multiplier_round(const StageConfig& stage) {
  update_multipliers();
  if (stage.revive_neurons) revive_neurons();
  if (config_.sampling.shift_each_round) shift_quadrature();
  loss_params_.settings.penalty = std::min(stage.max_penalty, loss_params_.settings.penalty * stage.penalty_growth);
}

double ObstacleSolver::current_loss(const Vector& gradient) {
  const ObstaclePointLoss point_loss{training_.data, loss_params_};
  double loss = loss_and_gradient(space_, *net_, training_.coordinates, point_loss, jet_order_for(config_.loss.form),
                                  gradient, workspace_);
  if (config_.network.alpha_l1 > 0.0 && config_.network.activation == Activation::prelu)
    loss += add_alpha_l1_penalty(space_, *net_, config_.network.alpha_l1, gradient);
  if (config_.loss.exact_energy_integration) loss += exact_dirichlet_energy(&gradient);
  return loss;
}

double ObstacleSolver::exact_dirichlet_energy(const Vector* gradient) {
  const Domain& domain = config_.problem.domain;
  exact_energy_gradient_.assign(gradient ? net_->n_params() : 0, 0.0);
  const double energy = dirichlet_energy_1d(*net_, domain.lower()[0], domain.upper()[0],
                                            gradient ? &exact_energy_gradient_ : nullptr);
  if (gradient) {
    auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), *gradient);
    for (int p = 0; p < net_->n_params(); ++p) host(p) += exact_energy_gradient_[p];
    Kokkos::deep_copy(*gradient, host);
  }
  return energy;
}

void ObstacleSolver::after_iteration(const std::string& stage_name) {
  ++total_iterations_;
  if (snapshot_every_ > 0 && options_.write_files && total_iterations_ % snapshot_every_ == 0)
    write_snapshot(stage_name);
}

ObstacleSolver::SolutionFiles ObstacleSolver::encode_solution_files(const std::string& stage_name, bool all) {
  const ExactActivationScope exact(*net_);
  const SolutionFields fields =
      evaluate_solution(space_, *net_, config_.problem, config_.loss, grid_.points, reference_.get());
  // Contact and multipliers on the output grid from the nearest training point.
  const ContactSample contact = contact_sample();
  const int dim = fields.dim;
  std::vector<double> lambda(fields.n, 0.0);
  std::vector<int> in_contact(fields.n, 0);
  const int n_train = static_cast<int>(contact.u.size());
  for (int i = 0; i < fields.n; ++i) {
    double best = 1e300;
    int nearest = -1;
    for (int j = 0; j < n_train; ++j) {
      double d2 = 0;
      for (int k = 0; k < dim; ++k) {
        const double d = fields.points[i * dim + k] - contact.points[j * dim + k];
        d2 += d * d;
      }
      if (d2 < best) best = d2, nearest = j;
    }
    if (nearest >= 0) {
      lambda[i] = contact_force(contact, nearest);
      in_contact[i] = is_active(contact, nearest) ? 1 : 0;
    }
  }
  VtkFieldData field_data;
  field_data.case_name = config_.problem.name;
  field_data.stage = stage_name;
  if (result_.metrics.has_error()) field_data.numbers["rel_l2"] = result_.metrics.rel_l2;
  field_data.numbers["seconds"] = seconds_since_start();
  field_data.numbers["iteration"] = total_iterations_;
  const bool smooth = !is_piecewise_linear(config_.network.activation);
  const bool upper = config_.problem.has_upper();
  SolutionFiles files;
  files.solution_vtu = encode_solution_vtu(grid_, fields, lambda, in_contact, upper, smooth, field_data);
  if (!all) return files;
  files.solution_vtr = encode_solution_vtr(grid_, fields, lambda, in_contact, upper, smooth, field_data);
  // The training points themselves, with the multipliers where they live.
  SolutionFields at_points =
      evaluate_solution(space_, *net_, config_.problem, config_.loss, contact.points, reference_.get());
  std::vector<double> point_lambda(contact.lambda.size());
  std::vector<int> point_contact(contact.lambda.size());
  for (std::size_t i = 0; i < point_contact.size(); ++i) {
    point_lambda[i] = contact_force(contact, static_cast<int>(i));
    point_contact[i] = is_active(contact, static_cast<int>(i)) ? 1 : 0;
  }
  files.points_vtu = encode_points_vtu(at_points, point_lambda, point_contact, upper, field_data);
  return files;
}

void ObstacleSolver::write_snapshot(const std::string& stage_name) {
  const int index = static_cast<int>(snapshots_.size());
  const std::string name = folder().write_snapshot(index, encode_solution_files(stage_name, false).solution_vtu);
  snapshots_.push_back({total_iterations_, name});
}

void ObstacleSolver::write_output(const std::string& stage_name) {
  SolutionFiles solution = encode_solution_files(stage_name, true);
  std::vector<std::pair<std::string, std::string>> files;
  files.emplace_back("solution.vtu", std::move(solution.solution_vtu));
  if (solution.solution_vtr) files.emplace_back("solution.vtr", std::move(*solution.solution_vtr));
  files.emplace_back("points.vtu", std::move(solution.points_vtu));
  if (!snapshots_.empty()) {
    std::ostringstream pvd;
    pvd << "<?xml version=\"1.0\"?>\n<VTKFile type=\"Collection\" version=\"0.1\">\n  <Collection>\n";
    for (const auto& [iteration, file] : snapshots_)
      pvd << "    <DataSet timestep=\"" << iteration << "\" part=\"0\" file=\"" << file << "\"/>\n";
    pvd << "  </Collection>\n</VTKFile>\n";
    files.emplace_back("training.pvd", pvd.str());
  }
  files.emplace_back("history.csv", history_csv(history_));
  files.emplace_back("summary.json", summary_json(config_, *net_, result_));
  folder().replace_results(files, !snapshots_.empty());
}

}  // namespace pinn

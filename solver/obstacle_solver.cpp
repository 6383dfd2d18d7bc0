/// @file solver/obstacle_solver.cpp
/// @brief The training driver.
#include "solver/obstacle_solver.hpp"

#include "nn/atomic_file.hpp"
#include "physics/symmetric_form.hpp"
#include "solver/augmented_lagrangian.hpp"
#include "solver/case_checks.hpp"
#include "solver/exact_fit.hpp"
#include "solver/lagged_wind.hpp"
#include "solver/measurements.hpp"
#include "solver/neuron_placement.hpp"
#include "solver/run_observers.hpp"
#include "solver/solution_output.hpp"
#include "solver/stages/stage_registry.hpp"

#include <algorithm>
#include <iostream>
#include <memory>
#include <sstream>

namespace pinn {

namespace {

/// The network of a case, initialised from its seed. The kink placement
/// decides the initialisation's input box: the domain's (kinks through random
/// points of it), or none (zero biases, "origin").
std::unique_ptr<Mlp> initial_network(const CaseConfig& config) {
  MlpConfig network = config.network;
  network.input_lower.clear();
  network.input_upper.clear();
  const Domain& domain = config.problem.domain;
  if (config.kink_placement != KinkPlacement::origin) {
    network.input_lower.assign(domain.lower().begin(), domain.lower().begin() + domain.dim());
    network.input_upper.assign(domain.upper().begin(), domain.upper().begin() + domain.dim());
  }
  auto net = std::make_unique<Mlp>(network);
  net->initialize(config.seed);
  return net;
}

ObstacleLossParams initial_loss_params(const CaseConfig& config) {
  ObstacleLossParams params;
  params.settings = config.loss;
  params.dim = config.problem.domain.dim();
  params.has_lower = config.problem.has_lower();
  params.has_upper = config.problem.has_upper();
  params.general_operator = uses_general_operator(config.problem);
  params.has_reaction = config.problem.op.has_reaction();
  params.source_in_reaction = static_cast<bool>(config.problem.reaction_source);
  if (config.problem.op.time_axis) params.laplacian_dims = laplacian_dims(config.problem);
  return params;
}

/// The observers of a run: history rows and progress, and with files
/// written, snapshots and checkpoints; the stop request always.
ObserverList run_observers(const CaseConfig& config, const RunOptions& options, Measurements& measurements,
                           const SolutionOutput& output, std::chrono::steady_clock::time_point start) {
  ObserverList observers;
  observers.add(std::make_unique<StopRequest>(options.stop_requested, options.stop_after, options.communicator));
  observers.add(std::make_unique<RankAgreement>(options.communicator));
  if (options.write_files) {
    int planned = 0;
    for (const StageConfig& stage : config.stages) planned += stage.iterations;
    const int every = config.output.snapshots > 0 ? std::max(1, planned / config.output.snapshots) : 0;
    observers.add(std::make_unique<SnapshotWriter>(output, every, start));
    observers.add(std::make_unique<CheckpointWriter>(output.folder().file("checkpoint.bin")));
  }
  observers.add(std::make_unique<HistoryLog>(measurements, config.output.log_every,
                                             options.quiet ? nullptr : options.log, start));
  if (options.observer) observers.add_borrowed(options.observer);
  return observers;
}

/// Stage `index`'s time limit under the case's time budget: its
/// budget_share of what remains of the budget after `elapsed` seconds (among
/// the stages still to run), within its own time limit. Time a stage leaves
/// unused is what remains for the next one.
double budgeted_time_limit(const CaseConfig& config, std::size_t index, double elapsed) {
  const StageConfig& stage = config.stages[index];
  if (config.time_budget <= 0.0) return stage.time_limit;
  double shares = 0.0;
  for (std::size_t s = index; s < config.stages.size(); ++s) shares += config.stages[s].budget_share;
  const double share = std::max(0.0, config.time_budget - elapsed) * stage.budget_share / shares;
  const double limit = stage.time_limit > 0.0 ? std::min(stage.time_limit, share) : share;
  return std::max(limit, 1e-9);  // 0 would mean "no limit"
}

RunStatus status_after(StageTermination termination) {
  if (termination == StageTermination::interrupted) return RunStatus::interrupted;
  if (termination == StageTermination::diverged) return RunStatus::diverged;
  return RunStatus::ok;
}

/// The case as the solver trains it: its output folder, the fields that
/// follow from the others, checked (in the user's units), and mapped onto
/// unit size when it is far from it (physics/problem_scaling.hpp).
CaseConfig prepared_case(CaseConfig config, const RunOptions& options) {
  PINN_USER_REQUIRE(!config.parabolic, "problem '" << config.problem.name << "' is time-dependent ([problem.time]); "
                                                   << "it is solved by RotheSolver (solver/rothe_solver.hpp), not "
                                                   << "ObstacleSolver, which would solve its t = 0 problem only");
  if (!options.output_directory.empty()) config.output.directory = options.output_directory;
  if (config.output.directory.empty()) config.output.directory = "results/" + config.problem.name;
  config.finalize();
  check_case(config);
  if (config.scaling.identity()) {  // not mapped already (a solver's own config())
    config.scaling = options.scaling ? *options.scaling : choose_problem_scaling(config.problem);
    const auto mapped = [&](const ObstacleProblem& p) {
      return config.scaling.identity() ? p : scaled_problem(p, config.scaling);
    };
    if (trained_in_symmetric_form(config)) {
      config.multiplier_weight = convection_weight(config.problem);
      config.reference_problem = std::make_shared<const ObstacleProblem>(mapped(config.problem));
    }
    config.problem = mapped(problem_as_trained(config));
  }
  return config;
}

/// stage.exact_fit_steps: the exact network fitted to the smoothed one the
/// stage trained, reported in the log and the stage's solver report.
void fit_exact_network(TrainingState& state, const StageConfig& stage, StageSummary& summary, std::ostream* log) {
  // The targets are the network as it was trained: the kept round's width.
  if (summary.selected_round >= 0)
    state.net->set_smoothing(stage.smoothing_at_round(summary.selected_round, AugmentedLagrangian::rounds(stage)));
  // Each value weighed as it enters u = G + d·N: d at each point (1 without
  // a hard boundary condition), so the fit spends nothing where the boundary
  // condition fixes u (twobumps2d 1.84e-2 → 1.66e-2; BENCHMARKS.md §29).
  // The fit matches u over the domain: boundary points, a quadrature of the
  // boundary, are left out (mixed2d's Neumann sides: 1.37e-3 with them, 1.12e-3 without).
  const TrainingPoints& points = state.points.points();
  Vector distances("pinn::exact_fit::distances", points.size());
  const PointDataView data = points.data;
  Kokkos::parallel_for(
      "pinn::exact_fit::distances", Kokkos::RangePolicy<ExecSpace>(0, points.size()),
      KOKKOS_LAMBDA(int i) { distances(i) = data(i).is_boundary ? 0.0 : data(i).dist; });
  const ExactFitReport fit =
      fit_exact_to_smoothed(*state.net, points.coordinates, distances, stage.exact_fit_steps);
  std::ostringstream text;
  text << "exact network fitted to the smoothed one: " << fit.steps << " Gauss–Newton steps, rms difference "
       << fit.rms_before << " -> " << fit.rms_after;
  summary.solver_report += (summary.solver_report.empty() ? "" : "; ") + text.str();
  if (log) *log << "stage " << summary.name << ": " << text.str() << "\n";
}

}  // namespace

void leave_output_to_rank_zero(RunOptions& options) {
  if (options.communicator.writes()) return;
  options.write_files = false;
  options.quiet = true;
}

ObstacleSolver::ObstacleSolver(CaseConfig config, RunOptions options)
    : config_(prepared_case(std::move(config), options)),
      options_(std::move(options)),
      loss_(config_, ExecSpace(), options_.communicator) {
  if (!options_.log) options_.log = &std::cout;
  leave_output_to_rank_zero(options_);
  state_.loss_params = initial_loss_params(config_);
  state_.net = initial_network(config_);
  if (options_.initial_network) {
    PINN_USER_REQUIRE(options_.initial_network->n_params() == state_.net->n_params(),
                      "RunOptions::initial_network has " << options_.initial_network->n_params()
                                                         << " parameters; the case's network has "
                                                         << state_.net->n_params());
    const std::vector<double> start = parameters_of(*options_.initial_network);
    load_parameters(*state_.net, start.data());
  }
}

RunResult ObstacleSolver::run() {
  const auto start = std::chrono::steady_clock::now();
  std::ostream* log = options_.quiet ? nullptr : options_.log;
  const bool resuming = !options_.resume_from.empty();
  // A fresh state around the network (and μ) the solver holds.
  TrainingState fresh;
  fresh.net = std::move(state_.net);
  fresh.loss_params = state_.loss_params;
  fresh.points = TrainingSet(config_);
  state_ = std::move(fresh);
  Measurements measurements(config_, loss_, log);
  SolutionOutput output(config_, loss_, measurements);
  if (config_.kink_placement == KinkPlacement::obstacle && !resuming && !options_.initial_network)
    place_kinks_at_obstacle(*state_.net, config_, state_.points.base_interior(), log);
  ObserverList observers = run_observers(config_, options_, measurements, output, start);
  // A network handed in (a time level's start, the last level's solution) is
  // the first stage's ũ; a network initialised at random is not, so ũ = 0.
  if (!resuming && options_.initial_network && trains_lagged_wind(config_))
    start_lagged_wind(state_.lagged_wind, *state_.net, 0, true);
  StagePosition position;
  if (resuming) {
    position = restore_checkpoint(options_.resume_from, state_, config_);
    if (log)
      *log << "resuming from " << options_.resume_from << ": stage " << position.stage << ", iteration "
           << position.iteration << "\n";
    if (options_.write_files) output.folder().recover_snapshots(static_cast<int>(state_.snapshots.size()));
  } else if (options_.write_files) {
    // The run is accepted: only now may the output folder change.
    output.folder().check_writable();
    output.folder().discard_partial_snapshots();
    write_file_atomically(output.folder().file("case.toml"), config_.effective_toml);
    if (config_.output.snapshots > 0) output.write_snapshot(state_, "initial", seconds_since(start));
  }
  if (log && config_.multiplier_weight)
    *log << "1D convection: trained in the symmetric form −(w a u')' + w c u ≥ w f, w = e^{−φ}, φ' = b/a (same u; "
            "the outputs' multipliers are λ = (w λ)/w)\n";
  if (log && !config_.scaling.identity())
    *log << "far from unit size: trained in mapped units, " << config_.scaling.describe()
         << "; results in the case's own units (README, \"Problems far from unit size\")\n";
  AugmentedLagrangian outer(config_, loss_, log);
  RunResult result;
  // A stage's time limit counts from the end of the stage before it, the
  // first stage's from the start of the run: set-up (sampling, the reference
  // solution, neuron insertion) counts against the limits too.
  auto stage_start = start;
  for (int s = position.stage; s < static_cast<int>(config_.stages.size()) && result.status == RunStatus::ok; ++s) {
    StageConfig stage = config_.stages[static_cast<std::size_t>(s)];
    // Rank 0's clock decides for every rank (they must stop at the same step).
    const double elapsed = options_.communicator.from_root(seconds_since(start));
    stage.time_limit = budgeted_time_limit(config_, static_cast<std::size_t>(s), elapsed);
    const bool resumed_here = resuming && s == position.stage;
    // Named first, not written as conditionals inside the braces: nvcc 13's
    // device front end crashes on those (README.md, "Backends").
    const StagePosition stage_position = resumed_here ? position : StagePosition{s, 0, 0};
    const std::string resume_folder = resumed_here ? options_.resume_from : std::string();
    StageContext context{config_,
                         stage,
                         s,
                         stage_position,
                         resume_folder,
                         stage_start,
                         loss_,
                         outer,
                         observers,
                         log};
    outer.begin_stage(state_, stage, s);
    state_.stages.push_back(find_stage_kind(stage.type)->make(stage)->run(state_, context));
    if (stage.exact_fit_steps > 0 && status_after(state_.stages.back().termination) == RunStatus::ok)
      fit_exact_network(state_, stage, state_.stages.back(), log);
    AugmentedLagrangian::end_stage(state_);
    result.status = status_after(state_.stages.back().termination);
    if (result.status == RunStatus::ok && !observers.stop_requested(state_))
      observers.on_resumable(state_, StagePosition{s + 1, 0, 0});
    stage_start = std::chrono::steady_clock::now();
  }
  result.output_directory = config_.output.directory;
  result.stages = state_.stages;
  result.metrics = measurements.metrics(state_);
  result.diagnostics = measurements.diagnostics(state_);
  result.n_kinks = measurements.kinks(state_);
  result.total_seconds = seconds_since(start);
  result.ranks = options_.communicator.size();
  const int n_points = state_.points.points().size();
  const std::vector<int> points = item_offsets(
      options_.communicator.split((n_points + kPointsPerChunk - 1) / kPointsPerChunk), kPointsPerChunk, n_points);
  for (int r = 0; r < result.ranks; ++r) result.points_per_rank.push_back(points[r + 1] - points[r]);
  // Over several ranks each evaluates its share of the output for rank 0, which writes.
  if (options_.communicator.any(options_.write_files))
    output.write_results(state_, result, result.stages.empty() ? "initial" : result.stages.back().name,
                         options_.write_files);
  return result;
}

}  // namespace pinn

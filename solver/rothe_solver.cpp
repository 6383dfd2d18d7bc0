/// @file solver/rothe_solver.cpp
/// @brief Time stepping with one network per level (see the header).
#include "solver/rothe_solver.hpp"

#include "nn/atomic_file.hpp"
#include "nn/error.hpp"
#include "physics/grid_function.hpp"
#include "physics/parabolic_problem.hpp"
#include "solver/result_folder.hpp"
#include "solver/rothe_steps.hpp"
#include "solver/run_observers.hpp"
#include "solver/stages/gradient_step_stage.hpp"
#include "solver/stages/stage_registry.hpp"
#include "solver/time_levels.hpp"
#include "solver/time_reference.hpp"
#include "solver/time_series_output.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <limits>
#include <memory>
#include <sstream>

namespace pinn {

namespace {

/// A later level's gradient stages (Adam, SGD) step at this fraction of their learning rate.
constexpr double kLaterLevelLearningRate = 0.01;

int default_grid_nodes(int dim) { return dim == 1 ? 4097 : (dim == 2 ? 513 : 65); }

/// A step's elliptic problem (solver/rothe_steps.hpp): the data at its time, its reaction added to L and
/// the history (Σ c_k u_k)/length of the earlier solutions to the source — for implicit Euler and BDF2
/// exactly the u_{n−1}/Δt and (2u_{n−1} − u_{n−2}/2)/Δt they always computed.
ObstacleProblem step_problem(const ParabolicProblem& p, const RotheStep& step, const std::vector<ScalarFunction>& solutions) {
  ObstacleProblem level = p.at(step.time);
  const double mass = step.reaction();
  const ScalarFunction c = level.op.reaction;
  if (c) level.op.reaction = [c, mass](const double* x) { return c(x) + mass; };
  else level.op.reaction = [mass](const double*) { return mass; };
  std::vector<std::pair<double, ScalarFunction>> terms;
  for (std::size_t k = 0; k < step.history.size(); ++k)
    if (step.history[k] != 0.0) terms.emplace_back(step.history[k], solutions[k]);
  const double length = step.length;
  const ScalarFunction history = [terms, length](const double* x) {
    double h = 0.0;
    for (const auto& [coefficient, u] : terms) h += coefficient * u(x);
    return h / length;
  };
  const ScalarFunction f = level.source;
  level.source = [f, history](const double* x) { return f(x) + history(x); };
  // The history is 1/Δt times the size of u: the energy's square form carries it in the reaction's square
  // √(wc)(u − h/c) and only f in its flux (README, "The energy as a sum of squares").
  level.reaction_source = history;
  return level;
}

/// A finished level's u on the hand-over grid: nodes in the domain from the network; nodes of the
/// bounding box outside it (a disk's, a polygon's) from the mean of their neighbours already set,
/// sweep after sweep, so the interpolation near the boundary uses a continuous extension.
GridFunction sample_level(ObstacleSolver& solver, const Domain& domain, int nodes_per_dimension) {
  GridFunction grid = GridFunction::over(domain, nodes_per_dimension);
  const int dim = grid.dim;
  const std::vector<double> nodes = grid.nodes();
  const std::size_t count = nodes.size() / static_cast<std::size_t>(dim);
  const bool box = domain.kind() == DomainKind::interval || domain.kind() == DomainKind::rectangle ||
                   domain.kind() == DomainKind::box;
  std::vector<double> inside;
  std::vector<std::size_t> inside_index;
  for (std::size_t i = 0; i < count; ++i) {
    const double* x = &nodes[i * static_cast<std::size_t>(dim)];
    if (!box && !domain.contains(x)) continue;
    inside.insert(inside.end(), x, x + dim);
    inside_index.push_back(i);
  }
  const std::vector<double> u = solver.solution_at(inside).u;
  grid.values.assign(count, std::numeric_limits<double>::quiet_NaN());
  for (std::size_t k = 0; k < inside_index.size(); ++k) grid.values[inside_index[k]] = u[k];
  for (bool missing = inside_index.size() < count; missing;) {
    missing = false;
    std::vector<double> next = grid.values;
    for (std::size_t i = 0; i < count; ++i) {
      if (!std::isnan(grid.values[i])) continue;
      double sum = 0.0;
      int known = 0;
      std::size_t stride = 1;
      for (int d = 0; d < dim; ++d) {
        const auto n = static_cast<std::size_t>(grid.n_nodes[static_cast<std::size_t>(d)]);
        const std::size_t position = (i / stride) % n;
        if (position > 0 && !std::isnan(grid.values[i - stride])) sum += grid.values[i - stride], ++known;
        if (position + 1 < n && !std::isnan(grid.values[i + stride])) sum += grid.values[i + stride], ++known;
        stride *= n;
      }
      if (known > 0) next[i] = sum / known;
      else missing = true;
    }
    grid.values.swap(next);
  }
  return grid;
}

/// u within the problem's obstacles: max(ψ, min(ψ_hi, u)).
ScalarFunction admissible(const ScalarFunction& u, const ObstacleProblem& at_time) {
  const ScalarFunction lower = at_time.lower_obstacle, upper = at_time.upper_obstacle;
  return [u, lower, upper](const double* x) {
    double value = u(x);
    if (upper) value = std::min(value, upper(x));
    if (lower) value = std::max(value, lower(x));
    return value;
  };
}

/// The budget of solve `index` (0-based) of `solves` when `remaining` seconds are left: its weight (1 for
/// the first solve, which trains from the seed's initialisation, later_levels for the others) of what
/// remains, among the solves still to run.
double solve_budget(double remaining, int index, int solves, double later_weight) {
  double weights = 0.0;
  for (int j = index; j < solves; ++j) weights += j == 0 ? 1.0 : later_weight;
  const double weight = index == 0 ? 1.0 : later_weight;
  return std::max(1e-3, remaining * weight / weights);
}

/// "level_0007": a level's folder inside levels/ (levels.partial/ while the run goes on).
std::string level_folder(int level) {
  std::ostringstream name;
  name << "level_" << std::setw(4) << std::setfill('0') << level;
  return name.str();
}

}  // namespace

// Why a hundredth of the learning rate, and why the selection keeps to settled rounds: the header.
std::vector<StageConfig> later_level_stages(std::vector<StageConfig> stages, double fraction) {
  const auto solves_rounds = [](const StageConfig& stage) {
    const StageKind* kind = find_stage_kind(stage.type);
    return kind && kind->selects_rounds;
  };
  // The gradient stages before the first stage that solves its rounds; a pipeline of gradient stages
  // alone (3D's Adam) keeps its rate, having no other stage to train the level.
  const auto first_solving = std::find_if(stages.begin(), stages.end(), solves_rounds);
  const auto gradient_end = first_solving == stages.end() ? stages.begin() : first_solving;
  for (auto stage = stages.begin(); stage != gradient_end; ++stage) {
    if (stage->type == "adam" || stage->type == "sgd") {
      auto slower = std::make_shared<GradientStepOptions>(options_of<GradientStepOptions>(*stage));
      slower->schedule.initial *= kLaterLevelLearningRate;
      slower->schedule.minimum *= kLaterLevelLearningRate;
      stage->options = slower;
    }
  }
  for (StageConfig& stage : stages) {
    if (stage.iterations > 0) stage.iterations = std::max(1, static_cast<int>(std::lround(stage.iterations * fraction)));
    if (stage.multiplier_updates > 0)
      stage.multiplier_updates = std::max(1, static_cast<int>(std::lround(stage.multiplier_updates * fraction)));
    if (stage.select_last_rounds > 0)
      stage.select_last_rounds = std::min(std::max(1, static_cast<int>(std::lround(stage.select_last_rounds * fraction))),
                                          stage.multiplier_updates + 1);
    stage.patience = std::min(stage.patience, stage.multiplier_updates);
  }
  return stages;
}

RotheSolver::RotheSolver(CaseConfig config, RunOptions options) : config_(std::move(config)), options_(std::move(options)) {
  PINN_USER_REQUIRE(config_.parabolic, "problem '" << config_.problem.name
                                                   << "' is not time-dependent (no [problem.time]); run it with "
                                                      "ObstacleSolver");
  PINN_USER_REQUIRE(options_.resume_from.empty(),
                    "resume: a time-dependent run cannot be resumed yet; run it again (obstacle-pinn run "
                        << config_.path << ")");
  if (!options_.output_directory.empty()) config_.output.directory = options_.output_directory;
  if (config_.output.directory.empty()) config_.output.directory = "results/" + config_.problem.name;
  if (!options_.log) options_.log = &std::cout;
  leave_output_to_rank_zero(options_);
  // The checks of every level's data come before anything is written or solved: the data at t = 0
  // and at each step's time, the levels' and their SDIRK stages' (a step adds only its history, which
  // the steps before it made finite).
  config_.finalize();
  std::vector<double> times;
  for (const RotheStep& step :
       rothe_steps(config_.time_stepping.scheme, config_.parabolic->final_time, config_.time_stepping.steps))
    times.push_back(step.time);
  check_case_over_time(config_, times);
}

RotheResult RotheSolver::run() {
  const auto start = std::chrono::steady_clock::now();
  const ParabolicProblem& p = *config_.parabolic;
  const ParabolicSettings& settings = config_.time_stepping;
  const int dim = p.problem.domain.dim();
  const int steps = settings.steps;
  const double dt = p.final_time / steps;
  std::ostream* log = options_.quiet ? nullptr : options_.log;
  RotheResult result;
  result.output_directory = config_.output.directory;

  const std::vector<double> times = level_times(p, steps);
  const ResultFolder folder(config_.output.directory);
  if (options_.write_files) folder.check_writable();

  const TimeReference reference(config_, times);
  result.reference = reference.kind();
  result.reference_seconds = reference.seconds();
  if (log)
    *log << "time-dependent: " << steps << " levels of Δt = " << dt << " (" << to_string(settings.scheme)
         << "), one network each" << reference.describe() << "\n";
  if (options_.write_files) {
    write_file_atomically(folder.file("case.toml"), config_.effective_toml);
    folder.discard_staged("levels");  // a killed run's
  }

  // One map onto unit size for every level, from the data and u₀.
  const std::vector<double> points = time_evaluation_points(config_);
  double initial_size = 0.0;
  for (std::size_t i = 0; i < points.size(); i += static_cast<std::size_t>(dim))
    initial_size = std::max(initial_size, std::abs(p.initial(&points[i])));
  const ProblemScaling scaling = choose_problem_scaling(p.problem, initial_size);
  const int grid_nodes = settings.grid_nodes > 0 ? settings.grid_nodes : default_grid_nodes(dim);
  const std::vector<double> probes = probe_points(settings);
  start_xt_field(result, p, points);

  // The elliptic problems in the order they are solved (solver/rothe_steps.hpp): a level, or a stage
  // inside a level's interval whose solution only enters later histories.
  const std::vector<RotheStep> plan = rothe_steps(settings.scheme, p.final_time, steps);
  const std::vector<int> last_use = last_use_of_solutions(plan);
  std::vector<ScalarFunction> solutions = {p.initial};  // u₀, then every step's, released after its last use
  std::unique_ptr<ObstacleSolver> solver;
  SpaceTimeError error;
  for (std::size_t j = 0; j < plan.size(); ++j) {
    const RotheStep& step = plan[j];
    const int n = step.level;
    const double t = step.time;
    CaseConfig level = config_;
    level.parabolic = nullptr;
    level.measure_against_reference = false;
    level.problem = step_problem(p, step, solutions);
    for (std::size_t k = 0; k < solutions.size(); ++k)
      if (last_use[k] <= static_cast<int>(j)) solutions[k] = nullptr;
    level.texts.source = "f(x, t_n) + the previous levels' history / Δt";
    level.texts.reaction =
        (config_.texts.reaction.empty() ? std::string() : config_.texts.reaction + " + ") + step.reaction_text;
    level.texts.initial.clear();
    // The first solve trains from the seed's initialisation; every later one from the solve before it.
    if (j > 0) level.stages = later_level_stages(config_.stages, settings.later_levels);
    if (config_.time_budget > 0.0)
      level.time_budget = solve_budget(config_.time_budget - options_.communicator.from_root(seconds_since(start)),
                                       static_cast<int>(j), static_cast<int>(plan.size()), settings.later_levels);
    // Staged until the run's results replace the earlier ones (solver/result_folder.hpp); a stage's run
    // writes nothing (its u is seen through the level that uses it).
    level.output.directory = folder.staged("levels") + "/" + level_folder(n > 0 ? n : plan[j + 1].level);
    RunOptions level_options = options_;
    level_options.output_directory = level.output.directory;
    level_options.quiet = true;
    level_options.write_files = options_.write_files && n > 0;
    level_options.scaling = &scaling;
    level_options.initial_network = solver ? &solver->network() : nullptr;
    auto next = std::make_unique<ObstacleSolver>(level, level_options);
    solver = std::move(next);

    if (n == 0) {  // a stage
      const RunResult stage = solver->run();
      if (log)
        *log << "stage of level " << plan[j + 1].level << "  t = " << std::setprecision(6) << t << "  " << std::fixed
             << std::setprecision(2) << stage.total_seconds << " s" << std::defaultfloat << "\n";
      result.status = stage.status;
      if (result.status != RunStatus::ok) break;
      solutions.push_back(admissible(sample_level(*solver, p.problem.domain, grid_nodes).function(), p.at(t)));
      continue;
    }
    TimeLevelResult done;
    done.level = n;
    done.time = t;
    done.run = solver->run();
    done.solution_file = "levels/" + level_folder(n) + "/solution.vtu";
    // Against the time-dependent reference on the evaluation points.
    const std::vector<double> u = solver->solution_at(points).u;
    if (reference.available()) {
      const std::vector<double> ref = reference.at(static_cast<std::size_t>(n - 1), points);
      const SpaceTimeError::AtTime at = error.add(u, ref);
      done.rel_l2 = at.rel_l2, done.max_abs = at.max_abs;
      if (dim == 1) result.reference_by_level.push_back(ref);
    }
    if (dim == 1) result.u_by_level.push_back(u);
    if (!probes.empty()) done.probes = solver->solution_at(probes).u;
    if (log) {
      *log << "level " << n << "/" << steps << "  t = " << std::setprecision(6) << t << "  " << std::fixed
           << std::setprecision(2) << done.run.total_seconds << " s" << std::defaultfloat;
      if (done.rel_l2 >= 0)
        *log << "  relative L2 against the " << reference.kind() << " solution " << std::scientific
             << std::setprecision(3) << done.rel_l2 << std::defaultfloat;
      *log << "\n";
    }
    result.status = done.run.status;
    result.levels.push_back(std::move(done));
    if (result.status != RunStatus::ok) break;
    // Hand the level over to the next as data, within the obstacles at t_n: the network crosses them by
    // its training error, and a history below ψ would be divided by Δt into the next level's source.
    solutions.push_back(admissible(sample_level(*solver, p.problem.domain, grid_nodes).function(), p.at(t)));
  }
  if (reference.available() && !result.levels.empty()) {
    result.rel_l2 = error.rel_l2();
    result.max_abs = error.max_abs();
  }
  result.total_seconds = seconds_since(start);
  if (options_.write_files) write_time_series(config_, result);
  return result;
}

}  // namespace pinn

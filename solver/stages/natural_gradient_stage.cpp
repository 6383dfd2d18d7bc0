/// @file solver/stages/natural_gradient_stage.cpp
/// @brief The natural-gradient (Gauss–Newton) stage.
#include "solver/stages/natural_gradient_stage.hpp"
#include "solver/stages/least_squares_form.hpp"

#include "nn/error.hpp"
#include "nn/gauss_newton_step.hpp"
#include "solver/lagged_wind.hpp"
#include "solver/stages/batched_residuals.hpp"
#include "solver/stages/round_loop.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace pinn {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

/// Where a stage's steps spend their time (summary.json's solver_report).
struct StepProfile {
  double jacobian = 0.0, gram = 0.0, solve = 0.0, trials = 0.0;
  int steps = 0, solves = 0, trial_evaluations = 0;
};

}  // namespace

std::shared_ptr<const StageOptions> NaturalGradientStage::read_options(TomlSection& table, const StageConfig& stage,
                                                                       const CaseConfig& /*config*/) {
  refuse_gradient_step_keys(table, stage, "Gauss–Newton system",
                            "|step_control|damping|min_diagonal|energy_source|weight_decay");
  auto options = std::make_shared<NaturalGradientOptions>();
  options->step_control = table.get_enum("step_control", StepControl::damping, kStepControlNames);
  options->damping = table.get_double("damping", 1e-3, 0.0, 1e6, true);
  options->min_diagonal = table.get_double("min_diagonal", 0.0, 0.0, 1e3);
  options->energy_source = table.get_enum("energy_source", EnergySource::flux, kEnergySourceNames);
  options->weight_decay = table.get_double("weight_decay", 0.0, 0.0, 1.0);
  table.refuse("linear_solver",
               "only a ceres_lm stage has a linear solver (natural_gradient always uses a Cholesky factorisation)");
  return options;
}

void NaturalGradientStage::validate(const CaseConfig& config, int stage_index) {
  const std::string prefix = "stage." + std::to_string(stage_index) + ".";
  const StageConfig& stage = config.stages.at(static_cast<std::size_t>(stage_index));
  const NaturalGradientOptions& options = options_of<NaturalGradientOptions>(stage, config.where(prefix + "type"));
  PINN_USER_REQUIRE(options.damping > 0.0 && options.damping <= 1e6,
                    config.where(prefix + "damping") << ": found " << options.damping
                                                     << "; allowed: a number in (0, 1e6] (a multiple of "
                                                        "diag(JᵀJ))");
  PINN_USER_REQUIRE(options.energy_source == EnergySource::flux ||
                        (config.loss.form == LossForm::energy && !config.problem.op.time_axis),
                    config.where(prefix + "energy_source")
                        << ": found \"points\" with loss.form = \"" << to_string(config.loss.form) << "\""
                        << (config.problem.op.time_axis ? " over space–time" : "")
                        << "; allowed: \"points\" only with the energy form of a problem in space (its source "
                           "term −∫f u as rows), \"flux\" otherwise");
  PINN_USER_REQUIRE(options.energy_source == EnergySource::points || !trains_lagged_wind(config),
                    config.where(prefix + "energy_source")
                        << ": found \"flux\" with a lagged wind (loss.wind = \"lagged\"), which changes the "
                           "source round by round, and a flux computed once cannot carry it; allowed: \"points\"");
  // The Gauss–Newton system is the one of the least-squares form, with the
  // energy's Neumann terms as linear rows.
  check_least_squares_form(config, config.where(prefix + "type"), " = \"natural_gradient\"", true);
}

StageSummary NaturalGradientStage::run(TrainingState& state, StageContext& context) {
  const NaturalGradientOptions& options = options_of<NaturalGradientOptions>(context.stage);
  Mlp& net = *state.net;
  const int n = net.n_params();
  const int start_round = context.start.round;
  GaussNewtonStep system(context.loss.communicator(), options.min_diagonal, options.weight_decay);
  std::vector<double> step, trial(static_cast<std::size_t>(n));
  StepProfile profile;
  double final_cost = 0.0;
  const RoundSolve solve = [&](std::vector<double>& x, const RoundBudget& round, const IterationHook& on_iteration) {
    const auto round_start = Clock::now();
    // The residuals depend on λ and μ, so they are set up again each round.
    const TrainingPoints& points = state.points.points();
    // energy_source = "points": the source as linear rows, so the steps lower
    // the loss the other stages and the round selection see, not ½‖∇u − F‖²,
    // which equals it only up to the quadrature's error in integrating by
    // parts (README, "The energy as a sum of squares").
    ObstacleLossParams params = state.loss_params;
    params.linear_source_rows = options.energy_source == EnergySource::points;
    const ObstaclePointResiduals functor{points.data, params, residual_layout(params)};
    BatchedResiduals batch(context.loss.space(), net, points.coordinates, functor, context.loss.jet_order(), x.data(),
                           context.loss.communicator());
    // The energy's Neumann terms: rows r_i of the loss, not ½r_i² (ObstaclePointResiduals::is_linear_row).
    std::vector<char> is_linear(static_cast<std::size_t>(batch.n_rows()), 0);
    for (int r : batch.rows_of(ResidualFamily::linear, points.data)) is_linear[r] = 1;
    // ½‖r‖² + Σ linear r_i (+ ½α‖p‖²) at p (+∞ where a residual is not finite); the Jacobian too when asked.
    const auto cost_at = [&](const std::vector<double>& p, bool with_jacobian) {
      const auto start = Clock::now();
      batch.ensure(p.data(), with_jacobian);
      (with_jacobian ? profile.jacobian : profile.trials) += seconds_since(start);
      if (!with_jacobian) ++profile.trial_evaluations;
      if (!batch.finite()) return std::numeric_limits<double>::infinity();
      double squares = 0.0, linear = 0.0;
      for (int r = 0; r < batch.n_rows(); ++r) {
        const double value = batch.residuals()[r];
        if (is_linear[r])
          linear += value;
        else
          squares += value * value;
      }
      return 0.5 * squares + linear + system.decay_cost(p.data(), n);
    };
    double& damping = state.stage.damping;
    // Under "damping" δ carries over from round to round, as LM's does.
    if ((round.round == 0 && start_round == 0) || options.step_control == StepControl::line_search)
      damping = options.damping;
    RoundEnd end;
    double cost = cost_at(x, true);
    for (int it = 1; it <= round.max_iterations; ++it) {
      if (seconds_since(round_start) > round.seconds || !std::isfinite(cost)) break;
      auto start = Clock::now();
      system.set_jacobian(batch.jacobian(), batch.residuals(), batch.n_rows(), n, is_linear, x.data());
      profile.gram += seconds_since(start);
      const auto solve_step = [&](double relative) {
        const auto solve_start = Clock::now();
        const bool ok = system.solve(relative, step);
        profile.solve += seconds_since(solve_start);
        ++profile.solves;
        return ok;
      };
      const auto try_step = [&](double scale) {
        for (int p = 0; p < n; ++p) trial[p] = x[p] + scale * step[p];
        return cost_at(trial, false);
      };
      bool accepted = false;
      double trial_cost = cost;
      if (options.step_control == StepControl::damping) {
        accepted = levenberg_marquardt_step(damping, cost, trial_cost, solve_step, [&] { return try_step(1.0); });
      } else if (solve_step(damping)) {
        // Backtracking along d until the Armijo condition holds.
        double slope = 0.0;
        for (int p = 0; p < n; ++p) slope += system.gradient()[p] * step[p];
        double scale = 1.0;
        for (int attempt = 0; attempt < 30 && !accepted; ++attempt, scale *= 0.5)
          accepted = (trial_cost = try_step(scale)) <= cost + 1e-4 * scale * slope && trial_cost < cost;
      }
      if (!accepted) {
        end.termination = StageTermination::converged;  // no step lowers the cost any more
        break;
      }
      const bool stalled = cost - trial_cost <= 1e-15 * std::abs(cost);
      x = trial;
      cost = trial_cost;

      end.iterations = it;
      ++profile.steps;
      if (!on_iteration(it)) {
        end.termination = StageTermination::interrupted;
        break;
      }
      if (stalled) {
        end.termination = StageTermination::converged;
        break;
      }
      cost = cost_at(x, true);  // the Jacobian at the accepted point
    }
    final_cost = cost;
    std::ostringstream report;
    const int steps = std::max(1, profile.steps);
    report << "natural_gradient (" << name_in(kStepControlNames, options.step_control) << ", "
           << (system.residual_space() ? "residual" : "parameter") << " space, " << batch.n_rows() << " residuals x "
           << n << " parameters";
    if (options.weight_decay > 0.0) report << ", weight decay " << options.weight_decay;
    report << "): " << profile.steps << " steps, final cost " << final_cost << ", damping " << damping
           << "; per step: Jacobian " << 1e3 * profile.jacobian / steps << " ms, Gram " << 1e3 * profile.gram / steps
           << " ms, " << static_cast<double>(profile.solves) / steps << " solves " << 1e3 * profile.solve / steps
           << " ms, " << static_cast<double>(profile.trial_evaluations) / steps << " trial evaluations "
           << 1e3 * profile.trials / steps << " ms";
    end.report = report.str();
    return end;
  };
  return run_round_solves(state, context, solve);
}

}  // namespace pinn

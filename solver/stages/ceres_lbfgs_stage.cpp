/// @file solver/stages/ceres_lbfgs_stage.cpp
/// @brief The Ceres LBFGS stage.
#include "solver/stages/ceres_lbfgs_stage.hpp"

#include "nn/error.hpp"
#include "solver/stages/ceres_common.hpp"

#include <ceres/ceres.h>

#include <algorithm>
#include <cmath>
#include <functional>

namespace pinn {

namespace {

/// Adapts the engine's loss to Ceres: parameters in, loss and gradient out.
class NetworkLossFunction final : public ceres::FirstOrderFunction {
 public:
  using Evaluator = std::function<double(const double* parameters, double* gradient)>;
  NetworkLossFunction(Evaluator evaluate, int n_params) : evaluate_(std::move(evaluate)), n_params_(n_params) {}

  bool Evaluate(const double* parameters, double* cost, double* gradient) const override {
    *cost = evaluate_(parameters, gradient);
    // A non-finite value makes Ceres shorten the step rather than accept it.
    return std::isfinite(*cost);
  }
  int NumParameters() const override { return n_params_; }

 private:
  Evaluator evaluate_;
  int n_params_;
};

}  // namespace

void CeresLbfgsStage::validate(const CaseConfig& config, int stage_index) {
  const StageConfig& stage = config.stages.at(static_cast<std::size_t>(stage_index));
  PINN_USER_REQUIRE(!stage.options, config.where("stage." + std::to_string(stage_index) + ".type")
                                        << ": a stage of type \"ceres_lbfgs\" has no options of its own; it was "
                                           "given the options of another stage type");
}

std::shared_ptr<const StageOptions> CeresLbfgsStage::read_options(TomlSection& table, const StageConfig& stage,
                                                                  const CaseConfig& /*config*/) {
  refuse_gradient_step_keys(table, stage, "line search", "");
  table.refuse("linear_solver", "only a ceres_lm stage has a linear solver");
  return nullptr;
}

StageSummary CeresLbfgsStage::run(TrainingState& state, StageContext& context) {
  Mlp& net = *state.net;
  const int n = net.n_params();
  Vector gradient("pinn::solver::lbfgs::gradient", n);
  auto host_gradient = Kokkos::create_mirror_view(gradient);
  auto evaluate = [&](const double* p, double* g) {
    load_parameters(net, p);
    const double loss = context.loss.value_and_gradient(net, state.points.points(), state.loss_params, gradient);
    if (g) {
      Kokkos::deep_copy(host_gradient, gradient);
      std::copy(host_gradient.data(), host_gradient.data() + n, g);
    }
    return loss;
  };
  ceres::GradientProblem problem(new NetworkLossFunction(evaluate, n));
  const RoundSolve solve = [&](std::vector<double>& x, const RoundBudget& round, const IterationHook& on_iteration) {
    CeresIterationHook hook(on_iteration);
    ceres::GradientProblemSolver::Options options;
    options.line_search_direction_type = ceres::LBFGS;
    options.line_search_type = ceres::WOLFE;
    options.max_lbfgs_rank = 20;
    set_round_options(options, round.max_iterations, round.seconds, &hook);
    std::string invalid;
    PINN_REQUIRE(options.IsValid(&invalid), invalid);
    ceres::GradientProblemSolver::Summary summary;
    ceres::Solve(options, problem, x.data(), &summary);
    return ceres_round_end(summary.termination_type, summary.BriefReport(), summary.message,
                           static_cast<int>(summary.iterations.size()), context.stage.type, context.log);
  };
  return run_round_solves(state, context, solve);
}

}  // namespace pinn

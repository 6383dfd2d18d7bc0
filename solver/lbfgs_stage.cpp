/// @file solver/lbfgs_stage.cpp
/// @brief The Ceres LBFGS stage: ceres::GradientProblem on the (augmented-
/// Lagrangian) loss, one Ceres solve per multiplier round.
#include "nn/error.hpp"
#include "solver/detail/ceres_common.hpp"
#include "solver/obstacle_solver.hpp"

#include <ceres/ceres.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <iostream>

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

void ObstacleSolver::refine_with_lbfgs(const StageConfig& stage, int stage_index, int start_iteration, int start_round,
                                   std::chrono::steady_clock::time_point stage_start) {
  StageSummary summary;
  summary.name = to_string(stage.type);
  summary.termination = StageTermination::completed;
  const int n = net_->n_params();
  Vector gradient("pinn::solver::lbfgs::gradient", n);
  auto host_params = Kokkos::create_mirror_view(net_->params());
  auto host_gradient = Kokkos::create_mirror_view(gradient);
  Kokkos::deep_copy(host_params, net_->params());
  std::vector<double> x(host_params.data(), host_params.data() + n);

  auto evaluate = [&](const double* p, double* g) {
    load_parameters(p);
    const double loss = current_loss(gradient);
    if (g) {
      Kokkos::deep_copy(host_gradient, gradient);
      std::copy(host_gradient.data(), host_gradient.data() + n, g);
    }
    return loss;
  };
  ceres::GradientProblem problem(new NetworkLossFunction(evaluate, n));

  summary.loss_start = current_stage_loss_start_ =
      start_round > 0 ? current_stage_loss_start_ : evaluate_loss_terms().total();
  const int rounds = stage.multiplier_updates + 1;
  const int per_round = std::max(1, (stage.iterations + rounds - 1) / rounds);
  int done = start_iteration;
  bool interrupted = false;
  for (int round = start_round; round < rounds && done < stage.iterations && !interrupted; ++round) {
    const double round_seconds = begin_ceres_round(stage, stage_index, round, rounds, done, stage_start);
    if (round_seconds < 0) {
      summary.termination = StageTermination::time_limit;
      break;
    }
    ceres::GradientProblemSolver::Options options;
    options.line_search_direction_type = ceres::LBFGS;
    options.line_search_type = ceres::WOLFE;
    options.max_lbfgs_rank = 20;
    const int done_before = done;
    detail::CeresIterationHook callback([&](int iteration) {
      done = done_before + iteration;
      interrupted = !on_ceres_iteration(stage, stage_index, summary.name, done, x.data(), stage_start);
      return !interrupted;
    });
    detail::set_round_options(options, std::min(per_round, stage.iterations - done), round_seconds, &callback);
    std::string problem_text;
    PINN_REQUIRE(options.IsValid(&problem_text), problem_text);

    ceres::GradientProblemSolver::Summary ceres_summary;
    ceres::Solve(options, problem, x.data(), &ceres_summary);
    load_parameters(x.data());  // Ceres leaves the best accepted iterate in x
    if (!interrupted) consider_round_for_selection(stage, round, rounds, x);
    end_ceres_round(summary, ceres_summary.termination_type, ceres_summary.BriefReport(), ceres_summary.message);
    if (ceres_summary.termination_type == ceres::CONVERGENCE && round + 1 == rounds) break;
    if (round + 1 < rounds && !interrupted) next_multiplier_round(stage);
  }
  finish_ceres_stage(summary, stage, stage_index, done, interrupted, stage_start);
}

}  // namespace pinn

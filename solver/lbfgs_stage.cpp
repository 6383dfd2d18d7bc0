/// @file solver/lbfgs_stage.cpp
/// @brief The Ceres LBFGS stage: ceres::GradientProblem on the (augmented-
/// Lagrangian) loss, one Ceres solve per multiplier round.
#include "nn/error.hpp"
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

/// Called by Ceres after every iteration: history rows, snapshots, Ctrl-C.
class StageCallback final : public ceres::IterationCallback {
 public:
  explicit StageCallback(std::function<bool(int)> on_iteration) : on_iteration_(std::move(on_iteration)) {}
  ceres::CallbackReturnType operator()(const ceres::IterationSummary& summary) override {
    if (summary.iteration == 0) return ceres::SOLVER_CONTINUE;  // the starting point, not a step
    return on_iteration_(summary.iteration) ? ceres::SOLVER_CONTINUE : ceres::SOLVER_ABORT;
  }

 private:
  std::function<bool(int)> on_iteration_;
};

std::string termination_name(const ceres::GradientProblemSolver::Summary& summary) {
  switch (summary.termination_type) {
    case ceres::CONVERGENCE: return "converged";
    case ceres::NO_CONVERGENCE: return "completed";
    case ceres::FAILURE: return "failed";
    case ceres::USER_SUCCESS: return "completed";
    case ceres::USER_FAILURE: return "interrupted";
  }
  return "unknown";
}

}  // namespace

void ObstacleSolver::refine_with_lbfgs(const StageConfig& stage, int stage_index, int start_iteration, int start_round) {
  const auto stage_start = std::chrono::steady_clock::now();
  StageSummary summary;
  summary.name = to_string(stage.type);
  summary.termination = "completed";
  const int n = net_->n_params();
  Vector gradient("pinn::solver::lbfgs::gradient", n);
  auto host_params = Kokkos::create_mirror_view(net_->params());
  auto host_gradient = Kokkos::create_mirror_view(gradient);
  Kokkos::deep_copy(host_params, net_->params());
  std::vector<double> x(host_params.data(), host_params.data() + n);

  auto set_parameters = [&](const double* p) {
    std::copy(p, p + n, host_params.data());
    Kokkos::deep_copy(net_->params(), host_params);
  };
  auto evaluate = [&](const double* p, double* g) {
    set_parameters(p);
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
    // Each round is a fresh Ceres solve from (θ, λ, μ): a checkpoint here makes a
    // resumed run repeat exactly this round.
    ceres_round_ = round;
    if (options_.write_files) write_checkpoint(nullptr, stage_index, done);
    ceres::GradientProblemSolver::Options options;
    options.line_search_direction_type = ceres::LBFGS;
    options.line_search_type = ceres::WOLFE;
    options.max_lbfgs_rank = 20;
    options.max_num_iterations = std::min(per_round, stage.iterations - done);
    // The energy can be negative and tiny changes still matter near the end.
    options.function_tolerance = 1e-14;
    options.gradient_tolerance = 1e-14;
    options.parameter_tolerance = 1e-14;
    options.logging_type = ceres::SILENT;
    options.update_state_every_iteration = true;
    if (stage.time_limit > 0) {
      const double used = std::chrono::duration<double>(std::chrono::steady_clock::now() - stage_start).count();
      if (used >= stage.time_limit) {
        summary.termination = "time_limit";
        break;
      }
      // The remaining time is shared by the remaining multiplier rounds.
      options.max_solver_time_in_seconds = (stage.time_limit - used) / (rounds - round);
    }
    const int done_before = done;
    StageCallback callback([&](int iteration) {
      done = done_before + iteration;
      after_iteration(summary.name);
      if (done % config_.output.log_every == 0) {
        set_parameters(x.data());
        const HistoryRow& row = record_history(summary.name, stage_index, done, 0.0);
        log_progress(row, stage, std::chrono::duration<double>(std::chrono::steady_clock::now() - stage_start).count());
      }
      interrupted = stop_now();
      return !interrupted;
    });
    options.callbacks.push_back(&callback);
    std::string problem_text;
    PINN_REQUIRE(options.IsValid(&problem_text), problem_text);

    ceres::GradientProblemSolver::Summary ceres_summary;
    ceres::Solve(options, problem, x.data(), &ceres_summary);
    set_parameters(x.data());  // Ceres leaves the best accepted iterate in x
    summary.termination = termination_name(ceres_summary);
    summary.solver_report = ceres_summary.BriefReport();
    if (ceres_summary.termination_type == ceres::FAILURE && !options_.quiet)
      *options_.log << "\nstage " << summary.name << ": Ceres reported a failure (" << ceres_summary.message
                    << "); keeping its best parameters\n";
    if (ceres_summary.termination_type == ceres::CONVERGENCE && round + 1 == rounds) break;
    if (round + 1 < rounds && !interrupted) next_multiplier_round(stage);
  }
  if (interrupted) {
    summary.termination = "interrupted";
    result_.status = "interrupted";
  }
  summary.iterations = done;
  summary.loss_end = evaluate_loss_terms().total();
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - stage_start).count();
  if (history_.empty() || history_.back().iteration != done || history_.back().stage_index != stage_index) {
    const HistoryRow& row = record_history(summary.name, stage_index, done, 0.0);
    log_progress(row, stage, summary.seconds);
  }
  result_.stages.push_back(summary);
}

}  // namespace pinn

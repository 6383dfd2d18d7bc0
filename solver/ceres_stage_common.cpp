/// @file solver/ceres_stage_common.cpp
/// @brief Bookkeeping shared by the Ceres stages: rounds, iterations, the end of a stage.
#include "nn/error.hpp"
#include "solver/detail/ceres_common.hpp"
#include "solver/obstacle_solver.hpp"

#include <cmath>
#include <iostream>

namespace pinn {

namespace detail {

StageTermination ceres_termination(ceres::TerminationType type) {
  switch (type) {
    case ceres::CONVERGENCE: return StageTermination::converged;
    case ceres::NO_CONVERGENCE: return StageTermination::completed;
    case ceres::FAILURE: return StageTermination::failed;
    case ceres::USER_SUCCESS: return StageTermination::completed;
    case ceres::USER_FAILURE: return StageTermination::interrupted;
  }
  return StageTermination::failed;
}

}  // namespace detail

void ObstacleSolver::load_parameters(const double* parameters) {
  auto host = Kokkos::create_mirror_view(net_->params());
  std::copy(parameters, parameters + net_->n_params(), host.data());
  Kokkos::deep_copy(net_->params(), host);
}

double ObstacleSolver::begin_ceres_round(const StageConfig& stage, int stage_index, int round, int rounds, int done,
                                         std::chrono::steady_clock::time_point stage_start) {
  // Each round is a fresh Ceres solve from (θ, λ, μ): a checkpoint here makes a
  // resumed run repeat exactly this round.
  ceres_round_ = round;
  net_->set_smoothing(stage.smoothing_at_round(round, rounds));
  if (options_.write_files) write_checkpoint(nullptr, stage_index, done);
  if (!(stage.time_limit > 0)) return 1e9;
  const double used = std::chrono::duration<double>(std::chrono::steady_clock::now() - stage_start).count();
  // The remaining time is shared by the remaining multiplier rounds.
  return used >= stage.time_limit ? -1.0 : (stage.time_limit - used) / (rounds - round);
}

bool ObstacleSolver::on_ceres_iteration(const StageConfig& stage, int stage_index, const std::string& stage_name,
                                        int done, const double* parameters,
                                        std::chrono::steady_clock::time_point stage_start) {
  after_iteration(stage_name);
  if (done % config_.output.log_every == 0) {
    load_parameters(parameters);
    const HistoryRow& row = record_history(stage_name, stage_index, done, 0.0);
    log_progress(row, stage, std::chrono::duration<double>(std::chrono::steady_clock::now() - stage_start).count());
  }
  return !stop_now();
}

void ObstacleSolver::end_ceres_round(StageSummary& summary, ceres::TerminationType termination,
                                     const std::string& brief_report, const std::string& message) {
  summary.termination = detail::ceres_termination(termination);
  summary.solver_report = brief_report;
  if (termination == ceres::FAILURE && !options_.quiet)
    *options_.log << "\nstage " << summary.name << ": Ceres reported a failure (" << message
                  << "); keeping its best parameters\n";
}

void ObstacleSolver::consider_round_for_selection(const StageConfig& stage, int round, int rounds,
                                                  const std::vector<double>& parameters) {
  if (round < rounds - stage.select_last_rounds) return;
  const double loss = validation_loss();
  if (!std::isfinite(loss) || (best_round_ >= 0 && loss >= best_round_loss_)) return;
  best_round_ = round;
  best_round_loss_ = loss;
  best_round_parameters_ = parameters;
}

void ObstacleSolver::finish_ceres_stage(StageSummary& summary, const StageConfig& stage, int stage_index, int done,
                                        bool interrupted, std::chrono::steady_clock::time_point stage_start) {
  if (interrupted) {
    summary.termination = StageTermination::interrupted;
    result_.status = RunStatus::interrupted;
  } else if (best_round_ >= 0) {
    // Each round of a moving grid ends somewhere else around the minimiser,
    // and a long stage can bend the network where no training point looks
    // (its training energy then falls below the true one). The energy of
    // an admissible u exceeds the minimum by at least ½‖u − u*‖², so the
    // lowest energy on points the training never saw picks the closest round.
    load_parameters(best_round_parameters_.data());
    summary.selected_round = best_round_;
    summary.selected_validation_loss = best_round_loss_;
    if (!options_.quiet)
      *options_.log << "\nstage " << summary.name << ": kept the network of multiplier round " << best_round_ + 1
                    << " of " << stage.multiplier_updates + 1 << " (lowest validation loss, " << best_round_loss_
                    << ", among the last " << stage.select_last_rounds << " rounds)\n";
    // A history row at this iteration shows the last iterate, not the result.
    if (!history_.empty() && history_.back().iteration == done && history_.back().stage_index == stage_index)
      history_.pop_back();
  }
  best_round_parameters_.clear();
  best_round_ = -1;
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

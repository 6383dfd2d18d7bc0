/// @file solver/run_outcome.hpp
/// @brief How a run and each of its stages ended (as enums, whose names —
/// one table each — appear only in summary.json and on the command line) and
/// what they reached.
#pragma once

#include "nn/diagnostics.hpp"
#include "nn/enum_names.hpp"
#include "solver/metrics.hpp"

#include <string>
#include <vector>

namespace pinn {

/// How a run ended; summary.json and the command line say it by name.
enum class RunStatus { ok, interrupted, diverged };
inline constexpr NameTable<RunStatus, 3> kRunStatusNames{
    {{RunStatus::ok, "ok"}, {RunStatus::interrupted, "interrupted"}, {RunStatus::diverged, "diverged"}}};
inline std::string to_string(RunStatus status) { return name_in(kRunStatusNames, status); }

/// How a stage ended (summary.json's stages[].termination).
enum class StageTermination { completed, converged, time_limit, interrupted, diverged, failed };
inline constexpr NameTable<StageTermination, 6> kStageTerminationNames{
    {{StageTermination::completed, "completed"},
     {StageTermination::converged, "converged"},
     {StageTermination::time_limit, "time_limit"},
     {StageTermination::interrupted, "interrupted"},
     {StageTermination::diverged, "diverged"},
     {StageTermination::failed, "failed"}}};
inline std::string to_string(StageTermination termination) { return name_in(kStageTerminationNames, termination); }

/// What one stage did (summary.json's stages[]).
struct StageSummary {
  std::string name;
  int iterations = 0;
  double seconds = 0;
  double loss_start = 0, loss_end = 0;
  StageTermination termination = StageTermination::completed;
  std::string solver_report;  ///< Ceres' BriefReport() of the last solve (Ceres stages)
  /// stage.select_last_rounds: the multiplier round whose network the stage
  /// kept (0-based), and its validation loss; −1 when the stage ends on its last iterate.
  int selected_round = -1;
  double selected_validation_loss = 0.0;
};

/// What a run did and reached (summary.json).
struct RunResult {
  RunStatus status = RunStatus::ok;
  Metrics metrics;
  NetworkDiagnostics diagnostics;  ///< of the final network on the training points
  int n_kinks = -1;                ///< 1D piecewise-linear networks: kinks inside the domain; −1 otherwise
  std::vector<StageSummary> stages;
  double total_seconds = 0;
  std::string output_directory;
  /// The ranks that shared the run and the training points each evaluated
  /// (every rank holds all of them; nn/communicator.hpp); one rank alone otherwise.
  int ranks = 1;
  std::vector<int> points_per_rank;
};

}  // namespace pinn

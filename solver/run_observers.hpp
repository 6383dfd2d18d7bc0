/// @file solver/run_observers.hpp
/// @brief The observers a run attaches (solver/training_observer.hpp).
#pragma once

#include "nn/communicator.hpp"
#include "solver/measurements.hpp"
#include "solver/solution_output.hpp"
#include "solver/training_observer.hpp"

#include <atomic>
#include <chrono>
#include <iosfwd>
#include <string>

namespace pinn {

/// Seconds since `start`.
double seconds_since(std::chrono::steady_clock::time_point start);

/// history.csv's rows — every output.log_every iterations, at round ends, at
/// a stage's last iteration and at its end — and the progress line (on `log`
/// unless it is null: a terminal gets one line rewritten in place).
class HistoryLog final : public TrainingObserver {
 public:
  HistoryLog(Measurements& measurements, int log_every, std::ostream* log,
             std::chrono::steady_clock::time_point run_start);
  void on_iteration(TrainingState& state, const IterationEvent& event) override;
  void on_stage_end(TrainingState& state, const IterationEvent& event) override;

 private:
  void record(TrainingState& state, const IterationEvent& event);

  Measurements& measurements_;
  int log_every_;
  std::ostream* log_;
  std::chrono::steady_clock::time_point run_start_;
};

/// Solution snapshots every `every` iterations of the run (output.snapshots).
class SnapshotWriter final : public TrainingObserver {
 public:
  SnapshotWriter(const SolutionOutput& output, int every, std::chrono::steady_clock::time_point run_start);
  void on_iteration(TrainingState& state, const IterationEvent& event) override;

 private:
  const SolutionOutput& output_;
  int every_;
  std::chrono::steady_clock::time_point run_start_;
};

/// checkpoint.bin at every point the run could be resumed from.
class CheckpointWriter final : public TrainingObserver {
 public:
  explicit CheckpointWriter(std::string path) : path_(std::move(path)) {}
  void on_resumable(const TrainingState& state, const StagePosition& position) override;

 private:
  std::string path_;
};

/// Over several ranks: at every point a run could be resumed from, checks
/// that every rank holds bitwise rank 0's parameters. Ranks that drifted apart
/// (nodes whose BLAS rounds differently) end the run with a message (a
/// pinn::RunError on every rank) instead of training on to a hang or a wrong result.
class RankAgreement final : public TrainingObserver {
 public:
  explicit RankAgreement(Communicator communicator) : communicator_(std::move(communicator)) {}
  void on_resumable(const TrainingState& state, const StagePosition& position) override;

 private:
  Communicator communicator_;
};

/// Stops on a signal (Ctrl-C sets the flag) or once `stop_after` iterations
/// are done in all (−1: never; tests use it to interrupt a run). Over
/// several ranks a signal that reached any of them stops all of them at the
/// same step.
class StopRequest final : public TrainingObserver {
 public:
  StopRequest(const std::atomic<bool>* flag, int stop_after, Communicator communicator = Communicator())
      : flag_(flag), stop_after_(stop_after), communicator_(std::move(communicator)) {}
  bool stop_requested(const TrainingState& state) const override;

 private:
  const std::atomic<bool>* flag_;
  int stop_after_;
  Communicator communicator_;
};

}  // namespace pinn

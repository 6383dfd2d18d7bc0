/// @file solver/training_observer.hpp
/// @brief What watches training without changing it — history rows and the
/// progress line, snapshots, checkpoints, the stop request — behind one
/// callback interface that every stage calls the same way.
#pragma once

#include "solver/case_config.hpp"
#include "solver/training_state.hpp"

#include <memory>
#include <string>
#include <vector>

namespace pinn {

/// One iteration of a stage, as its observers see it.
struct IterationEvent {
  const StageConfig& stage;
  int stage_index = 0;
  int iteration = 0;           ///< iterations the stage has done
  double learning_rate = 0.0;  ///< 0 for stages without one
  double stage_seconds = 0.0;  ///< since the stage's time limit started counting
  /// A history row is due whatever output.log_every says (a multiplier round
  /// ended, or it is the stage's last iteration).
  bool row_due = false;
};

class TrainingObserver {
 public:
  virtual ~TrainingObserver() = default;
  /// After each iteration; state.total_iterations counts it already.
  virtual void on_iteration(TrainingState& /*state*/, const IterationEvent& /*event*/) {}
  /// The run could continue from here: `state` and `position` agree.
  virtual void on_resumable(const TrainingState& /*state*/, const StagePosition& /*position*/) {}
  /// A stage has ended at event.iteration, its network final.
  virtual void on_stage_end(TrainingState& /*state*/, const IterationEvent& /*event*/) {}
  /// Whether training must stop now.
  virtual bool stop_requested(const TrainingState& /*state*/) const { return false; }
};

/// Several observers as one, called in the order they were added.
class ObserverList final : public TrainingObserver {
 public:
  void add(std::unique_ptr<TrainingObserver> observer) { observers_.push_back(std::move(observer)); }
  /// Adds an observer the caller keeps alive.
  void add_borrowed(TrainingObserver* observer) {
    observers_.push_back(std::shared_ptr<TrainingObserver>(observer, [](TrainingObserver*) {}));
  }
  void on_iteration(TrainingState& state, const IterationEvent& event) override {
    for (auto& o : observers_) o->on_iteration(state, event);
  }
  void on_resumable(const TrainingState& state, const StagePosition& position) override {
    for (auto& o : observers_) o->on_resumable(state, position);
  }
  void on_stage_end(TrainingState& state, const IterationEvent& event) override {
    for (auto& o : observers_) o->on_stage_end(state, event);
  }
  bool stop_requested(const TrainingState& state) const override {
    for (const auto& o : observers_)
      if (o->stop_requested(state)) return true;
    return false;
  }

 private:
  std::vector<std::shared_ptr<TrainingObserver>> observers_;
};

}  // namespace pinn

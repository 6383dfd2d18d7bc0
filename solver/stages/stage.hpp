/// @file solver/stages/stage.hpp
/// @brief A training stage as a plug-in: it reads its own options from its
/// [[stage]] table, and its `run` trains the state inside the
/// augmented-Lagrangian loop, telling the observers what it does. A new stage
/// type is one file in this folder and one line in stage_registry.cpp.
#pragma once

#include "nn/error.hpp"
#include "solver/augmented_lagrangian.hpp"
#include "solver/case_config.hpp"
#include "solver/run_outcome.hpp"
#include "solver/training_loss.hpp"
#include "solver/training_observer.hpp"
#include "solver/training_state.hpp"

#include <chrono>
#include <iosfwd>
#include <string>

namespace pinn {

/// What a stage runs with besides the state it trains.
struct StageContext {
  const CaseConfig& config;
  const StageConfig& stage;
  int stage_index = 0;
  /// Where the stage begins: iteration and multiplier round (non-zero when resuming).
  StagePosition start;
  /// When resuming inside this stage: the checkpoint that holds its optimiser state; empty otherwise.
  std::string resume_checkpoint;
  /// What the stage's time limit counts from.
  std::chrono::steady_clock::time_point stage_start;
  TrainingLoss& loss;
  AugmentedLagrangian& outer;
  TrainingObserver& observer;
  std::ostream* log = nullptr;  ///< messages (null: quiet)

  /// Seconds since stage_start by rank 0's clock, the same on every rank:
  /// ranks that shared a run must stop at the same step (nn/communicator.hpp).
  double stage_seconds() const {
    return loss.communicator().from_root(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - stage_start).count());
  }
  IterationEvent event(int iteration, double learning_rate = 0.0, bool row_due = false) const {
    return IterationEvent{stage, stage_index, iteration, learning_rate, stage_seconds(), row_due};
  }
};

class Stage {
 public:
  virtual ~Stage() = default;
  /// Trains `state` from context.start to the end of the stage (its
  /// iterations, its time limit, a stop request or divergence) and says how it went.
  virtual StageSummary run(TrainingState& state, StageContext& context) = 0;
};

/// The options `stage` holds, of type `Options`, or the defaults when it
/// holds none. Throws pinn::UserError, prefixed by `where` (the stage's
/// location, CaseConfig::where), when it holds another stage type's options.
template <class Options>
const Options& options_of(const StageConfig& stage, const std::string& where = "stage") {
  static const Options defaults{};
  if (!stage.options) return defaults;
  const auto* options = dynamic_cast<const Options*>(stage.options.get());
  PINN_USER_REQUIRE(options,
                    where << ": a stage of type \"" << stage.type << "\" was given the options of another stage type");
  return *options;
}

}  // namespace pinn

/// @file solver/adaptive_refinement.hpp
/// @brief Adaptive refinement of the training points near the free boundary
/// (sampling.adaptive_rounds, sampling.adaptive_points).
#pragma once

#include "solver/case_config.hpp"
#include "solver/training_loss.hpp"
#include "solver/training_state.hpp"

#include <iosfwd>

namespace pinn {

/// Adds sampling.adaptive_points training points where the complementarity
/// gap λ̃·(u − ψ) (plus, for smooth networks, |min(−Δu − f, u − ψ)|) is
/// largest, among candidates from a Halton sequence shifted every round.
/// Reports on `log` unless it is null.
void refine_near_free_boundary(TrainingState& state, const TrainingLoss& loss, const CaseConfig& config,
                               std::ostream* log);

}  // namespace pinn

/// @file solver/neuron_placement.hpp
/// @brief Where the piecewise-linear network's kinks go, beyond what training
/// moves: the kink-aware initialisation (network.kink_placement), the revival
/// of dead neurons and the insertion of new ones (stage.revive_neurons,
/// stage.insert_neurons), all aimed by the problem — the obstacle's curvature
/// before training, the complementarity gap during it (README, "Accurate
/// piecewise-linear networks").
#pragma once

#include "nn/mlp.hpp"
#include "solver/case_config.hpp"
#include "solver/metrics.hpp"
#include "solver/training_loss.hpp"
#include "solver/training_state.hpp"

#include <cstdint>
#include <iosfwd>
#include <vector>

namespace pinn {

/// network.kink_placement = "obstacle": half of the first layer's kinks moved
/// through the base interior points drawn with probability ∝ |Δψ| (central
/// differences over one point spacing, so jumps of ψ count), perpendicular to
/// ∇ψ. Reports on `log` unless it is null.
void place_kinks_at_obstacle(Mlp& net, const CaseConfig& config, const std::vector<double>& base_interior,
                             std::ostream* log);

/// Training points ordered by the complementarity gap |λ̃(u − ψ)|, largest
/// first: where revival and insertion put new kinks.
std::vector<int> points_by_complementarity_gap(const ContactSample& contact);

/// stage.revive_neurons: dead hidden neurons get their kinks moved onto the
/// training points with the largest complementarity gap.
void revive_neurons(TrainingState& state, const TrainingLoss& loss, std::ostream* log);

/// stage.insert_neurons: widens hidden layer stage.insert_layer by the
/// candidates (kinks through the points with the largest gap) whose outgoing
/// weights have the largest loss gradient; the function is unchanged.
void insert_neurons(TrainingState& state, TrainingLoss& loss, const StageConfig& stage, int stage_index,
                    std::uint64_t seed, std::ostream* log);

}  // namespace pinn

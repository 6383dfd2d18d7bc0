/// @file solver/lagged_wind.hpp
/// @brief The energy form of a problem with a wind, loss.wind = "lagged" (any
/// wind, with or without a potential; physics/symmetric_form.hpp is the other
/// way): the energy of the symmetric part L₀u = −∇·(A∇u) + c u, with the wind
/// moved into the source as b·∇ũ, ũ a lagged solution that follows the
/// training from one multiplier round to the next, ũ ← (1 − θ)ũ + θu. Its
/// fixed point ũ = u solves L₀u + b·∇u ≥ f, u ≥ ψ with complementarity: the
/// problem itself (README.md, "Winds in the energy form").
#pragma once

#include "nn/communicator.hpp"
#include "nn/mlp.hpp"
#include "nn/mlp_evaluation.hpp"
#include "physics/point_data.hpp"
#include "solver/case_config.hpp"

#include <vector>

namespace pinn {

struct LaggedWind {
  /// One network of the combination ũ = Σ weight·u_net: its parameters and
  /// the smoothing width it was trained with.
  struct Term {
    double weight = 0.0;
    double smoothing = 0.0;
    std::vector<double> parameters;
  };
  std::vector<Term> terms;  ///< empty: ũ = 0
  int stage = -1;           ///< the stage whose start set ũ (a resumed stage keeps its ũ)
};

/// Whether a run trains `config` with a lagged wind: the energy form of a
/// problem with a wind, loss.wind = "lagged".
bool trains_lagged_wind(const CaseConfig& config);

/// The start of stage `stage`: ũ = the network as it stands, unless this
/// stage already set it (a resumed run) or no round has trained it yet (ũ = 0
/// before the first stage).
void start_lagged_wind(LaggedWind& wind, const Mlp& net, int stage, bool trained);

/// Between rounds: ũ ← (1 − relaxation)·ũ + relaxation·u_net. Terms whose
/// weight falls below 1e-3 are dropped and the rest rescaled to sum 1, which
/// keeps the fixed point.
void advance_lagged_wind(LaggedWind& wind, const Mlp& net, double relaxation);

/// b·∇ũ at the interior points of `points` (0 at boundary points); `like`
/// gives the networks' shape. Collective over `communicator`.
std::vector<double> lagged_wind_values(const LaggedWind& wind, const Mlp& like, const TrainingPoints& points,
                                       bool hard_boundary, const ExecSpace& space,
                                       const Communicator& communicator = Communicator(),
                                       EvaluationWorkspaces* evaluation = nullptr);

/// Writes `values` (one per point) into the points' PointData::lagged_wind
/// and returns their relative change, weighted by the points' quadrature
/// weights (∞ where the old values were all zero).
double set_lagged_wind(const TrainingPoints& points, const std::vector<double>& values);

}  // namespace pinn

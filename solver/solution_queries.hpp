/// @file solver/solution_queries.hpp
/// @brief A trained network's solution as a user sees it, in the case's own
/// units: at points the user gives, and at the training points with the
/// multipliers that live there. The output files (solver/solution_output.hpp)
/// and the ObstacleSolver's queries (the C++ API, the Python module) read them
/// the same way.
#pragma once

#include "nn/mlp.hpp"
#include "solver/case_config.hpp"
#include "solver/metrics.hpp"
#include "solver/solution_fields.hpp"
#include "solver/training_loss.hpp"
#include "solver/training_state.hpp"

#include <vector>

namespace pinn {

/// The contact force −Δu − f at training point i: λ_lo − λ_hi, negative on the
/// upper obstacle (the sign the FD reference's output uses).
double contact_force(const ContactSample& contact, int i);

/// Whether training point i is active on either obstacle (λ_lo > 0 or λ_hi > 0).
bool is_active(const ContactSample& contact, int i);

/// λ of the symmetric form is w·λ (CaseConfig::multiplier_weight): divides w
/// out at the points (user coordinates, row-major); nothing without a weight.
void divide_by_multiplier_weight(const CaseConfig& config, std::vector<double>& lambda,
                                 const std::vector<double>& user_points, int dim);

/// u, ∇u, Δu and the problem data at `user_points` (row-major, dim columns, in
/// the case's own units), from the network with its exact activation, in the
/// case's own units. `config` is the case as the solver trains it (mapped onto
/// unit size where ObstacleSolver did so).
SolutionFields solution_at(const CaseConfig& config, const TrainingLoss& loss, Mlp& net,
                           const std::vector<double>& user_points);

/// The interior training points with the fields of points.vtu.
struct TrainingPointContact {
  SolutionFields fields;        ///< u, ∇u, ψ, ... at the points, the case's own units
  std::vector<double> force;    ///< contact force λ_lo − λ_hi, the case's own units
  std::vector<int> in_contact;  ///< 1 where active on either obstacle
};
/// `shared`: a collective call of every rank (TrainingLoss::contact_sample).
TrainingPointContact training_point_contact(const CaseConfig& config, const TrainingLoss& loss, TrainingState& state,
                                            const ReferenceSolution* reference = nullptr, bool shared = false);

}  // namespace pinn

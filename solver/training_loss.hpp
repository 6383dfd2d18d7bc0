/// @file solver/training_loss.hpp
/// @brief The loss a run trains on, as the stages and the augmented-Lagrangian
/// loop see it: its value and gradient (with the PReLU slope penalty and, for
/// loss.energy_integration = "exact", the exactly integrated 1D energy), its
/// terms, the multiplier update and the contact sample the metrics read.
#pragma once

#include "nn/mlp.hpp"
#include "nn/mlp_evaluation.hpp"
#include "physics/obstacle_loss.hpp"
#include "physics/point_data.hpp"
#include "solver/case_config.hpp"
#include "solver/metrics.hpp"

#include <vector>

namespace pinn {

class TrainingLoss {
 public:
  /// `communicator`: the ranks that share the points' work (nn/communicator.hpp).
  TrainingLoss(const CaseConfig& config, ExecSpace space, Communicator communicator = Communicator());

  /// The loss of `net` at `points`; its gradient is written into `gradient`.
  double value_and_gradient(const Mlp& net, const TrainingPoints& points, const ObstacleLossParams& params,
                            const Vector& gradient);
  /// The loss terms of `net` at `points` (no gradient). Collective: every
  /// rank calls it, each evaluates its share of the points.
  LossTerms terms(const Mlp& net, const TrainingPoints& points, const ObstacleLossParams& params) const;
  /// λ ← max(0, λ + μ(ψ − u)) (and the upper obstacle's, and η ← η + β(u − g)
  /// at penalty boundary points), written into the points' data. Collective.
  void update_multipliers(const Mlp& net, const TrainingPoints& points, const ObstacleLossParams& params) const;
  /// u, ψ and the updated multipliers at the interior points (no densities).
  /// `shared`: collective (every rank calls it; training and measurements);
  /// false for what one rank does alone (writing the results).
  ContactSample contact_sample(const Mlp& net, const TrainingPoints& points, const ObstacleLossParams& params,
                               bool shared = true) const;
  JetOrder jet_order() const { return order_; }
  ExecSpace space() const { return space_; }
  /// Scratch for evaluations outside the gradient (compute_activation_signs).
  EvaluationWorkspaces* evaluation_workspaces() const { return &evaluation_; }
  const Communicator& communicator() const { return workspace_.communicator; }

 private:
  /// ½∫u'² integrated exactly between the kinks; its gradient is added to `gradient`.
  double add_exact_dirichlet_energy(const Mlp& net, const Vector& gradient);

  ExecSpace space_;
  JetOrder order_;
  bool exact_energy_;
  double alpha_l1_;       ///< PReLU slope penalty (0 = none)
  double lower_, upper_;  ///< the 1D domain, for the exact energy
  GradientWorkspace workspace_;
  /// The host-shaped batched paths' block workspaces of the evaluations
  /// (jets, multipliers, activation signs), kept so that no history row
  /// allocates them afresh; scratch, so the const evaluations may use it.
  mutable EvaluationWorkspaces evaluation_;
  std::vector<double> exact_energy_gradient_;  ///< host buffer of exact_dirichlet_energy
};

}  // namespace pinn

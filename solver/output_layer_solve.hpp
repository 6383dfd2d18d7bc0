/// @file solver/output_layer_solve.hpp
/// @brief Variable projection for first-order training: the output layer is
/// set to its exact optimum for the current hidden layers.
///
/// u is linear in the output layer c (weights and bias of the last linear
/// layer), so for fixed hidden layers the least-squares form of the loss
/// (physics/least_squares_residuals.hpp) is a linear least-squares problem in
/// c — piecewise linear where the ReLU² obstacle residual switches on or off.
/// Gauss–Newton on c alone is then the semismooth Newton method for that
/// piecewise-quadratic problem: each step solves the active pattern exactly,
/// and a few steps settle the pattern. Alternating this solve with Adam steps
/// on all parameters ("least squares + gradient descent") lets the hidden
/// layers learn a basis while the coefficients are always optimal for it; for
/// piecewise-linear networks Adam alone leaves the coefficients far from
/// their optimum for the current kinks.
#pragma once

#include "nn/mlp.hpp"
#include "nn/mlp_evaluation.hpp"
#include "physics/least_squares_residuals.hpp"

namespace pinn {

/// What one output-layer solve did.
struct OutputLayerSolve {
  int steps = 0;              ///< accepted Gauss–Newton steps
  double cost_before = 0.0;   ///< ½‖r‖² at entry
  double cost_after = 0.0;    ///< ½‖r‖² at exit (never above cost_before)
};

/// Keeps the residual and Jacobian buffers between solves (no allocation in
/// the training loop unless the number of points changes).
class OutputLayerSolver {
 public:
  /// Overwrites the output layer of `net` (the parameters after
  /// layout().w_offset[n_layers − 1]) with the minimiser of ½‖r‖² over it
  /// (plus a ridge of 1e-8 × the mean diagonal of AᵀA, which keeps the
  /// coefficients of nearly dependent neurons bounded);
  /// the hidden layers are not touched. At most `max_steps` Gauss–Newton
  /// steps, each with a backtracking search that only accepts decreases.
  OutputLayerSolve solve(const ExecSpace& space, Mlp& net, const Matrix& points, const ObstaclePointResiduals& residuals,
                         JetOrder order, int max_steps = 8);

 private:
  /// ½‖r‖² at the network's current parameters; with_jacobian fills jacobian_ too.
  double evaluate(const ExecSpace& space, const Mlp& net, const Matrix& points, const ObstaclePointResiduals& residuals,
                  JetOrder order, bool with_jacobian);

  double ridge_ = 1e-8;  ///< Tikhonov weight relative to the mean diagonal of AᵀA
  Vector residuals_;
  Matrix jacobian_;
  GradientWorkspace workspace_;
};

}  // namespace pinn

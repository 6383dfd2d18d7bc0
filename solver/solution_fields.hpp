/// @file solver/solution_fields.hpp
/// @brief The solution u = G + d·N (or N) and the problem data sampled at given points.
#pragma once

#include "nn/communicator.hpp"
#include "nn/mlp.hpp"
#include "physics/loss_settings.hpp"
#include "physics/point_data.hpp"
#include "physics/problem.hpp"
#include "physics/problem_scaling.hpp"
#include "solver/reference_solution.hpp"

#include <vector>

namespace pinn {

struct SolutionFields {
  int dim = 1;
  int n = 0;
  std::vector<double> points;             ///< row-major (n, dim)
  std::vector<double> u, grad, laplacian; ///< grad row-major (n, dim)
  std::vector<double> psi, psi_upper, f;
  std::vector<double> exact, exact_grad;  ///< the reference and its gradient; empty without one
  /// L u − f where Δu was asked for (NaN where a matrix diffusion is not a·I
  /// at the point, as its operator needs second derivatives the network does
  /// not give; a space–time problem's diag(a, 0) is read: u_t + L u − f); else empty.
  std::vector<double> residual;
};

/// The problem data and (if given) the reference at fixed points: everything
/// of SolutionFields but the network's fields. Sampled once and reused where
/// the same points are evaluated again and again (the history rows' monitor
/// grid): the data come from the case's expressions, the reference gradient
/// from central differences, both far dearer than the network.
struct SampledProblem {
  SolutionFields fields;  ///< points, psi, psi_upper, f, exact, exact_grad
  TrainingPoints data;    ///< what u = G + d·N needs at each point
  bool general_operator = false;  ///< L ≠ −Δ: the residual reads the operator in `data`
  bool matrix_diffusion = false;
  int laplacian_dims = -1;  ///< Δ over the first this many inputs (−1: all; ObstacleLossParams::laplacian_dims)
};
SampledProblem sample_problem(const ObstacleProblem& problem, const std::vector<double>& points,
                              const ReferenceSolution* reference = nullptr);

/// Which derivatives of u evaluate_solution fills (the Laplacian costs extra
/// for smooth activations and only the solution files show it).
enum class SolutionDerivatives { gradient, gradient_and_laplacian };

/// The network's u = G + d·N (or N), ∇u and, if asked for, Δu at the sampled
/// points, with the sampled data (Δu left zero unless asked for; a
/// piecewise-linear N contributes ΔN = 0 a.e. to it). With a communicator
/// of several ranks every rank must call it: each evaluates its share of the
/// points (nn/mlp_evaluation.hpp, evaluate_jets).
SolutionFields evaluate_solution(const ExecSpace& space, const Mlp& net, const LossSettings& loss,
                                 const SampledProblem& sampled,
                                 SolutionDerivatives derivatives = SolutionDerivatives::gradient_and_laplacian,
                                 const Communicator& communicator = Communicator());

/// Both steps at once: network, data and (if given) the reference at
/// `points` (row-major); `communicator` as above.
SolutionFields evaluate_solution(const ExecSpace& space, const Mlp& net, const ObstacleProblem& problem,
                                 const LossSettings& loss, const std::vector<double>& points,
                                 const ReferenceSolution* reference = nullptr,
                                 const Communicator& communicator = Communicator());

/// Fields of a problem solved in mapped units (physics/problem_scaling.hpp)
/// in the user's: points c + L·x̂; u, ψ, ψ_hi and the reference ×U; gradients
/// ×U/L; Laplacians, f and the residual ×U/L².
void to_user_units(SolutionFields& fields, const ProblemScaling& scaling);

}  // namespace pinn

/// @file solver/solution_fields.hpp
/// @brief The solution u = G + d·N (or N) and the problem data sampled at given points.
#pragma once

#include "nn/mlp.hpp"
#include "physics/loss_settings.hpp"
#include "physics/problem.hpp"
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
};

/// Evaluates network, data and (if given) the reference at `points`
/// (row-major). The Laplacian is filled only for smooth activations (zero a.e.
/// otherwise). The reference gradient is taken by central differences, since
/// the reference is only known pointwise.
SolutionFields evaluate_solution(const ExecSpace& space, const Mlp& net, const ObstacleProblem& problem,
                                 const LossSettings& loss, const std::vector<double>& points,
                                 const ReferenceSolution* reference = nullptr);

}  // namespace pinn

/// @file solver/output_layer_solve.cpp
/// @brief Gauss–Newton on the output layer alone (variable projection).
#include "solver/output_layer_solve.hpp"

#include "nn/parameter_jacobian.hpp"

#include <Eigen/Dense>

#include <cmath>
#include <vector>

namespace pinn {

double OutputLayerSolver::evaluate(const ExecSpace& space, const Mlp& net, const Matrix& points,
                                   const ObstaclePointResiduals& residuals, JetOrder order, bool with_jacobian) {
  const int per_point = residuals.layout.per_point();
  const int n_rows = static_cast<int>(points.extent(0)) * per_point;
  if (static_cast<int>(residuals_.extent(0)) != n_rows) {
    residuals_ = Vector("pinn::solver::OutputLayerSolver::residuals", n_rows);
    jacobian_ = Matrix();
  }
  if (with_jacobian && (static_cast<int>(jacobian_.extent(0)) != n_rows ||
                        static_cast<int>(jacobian_.extent(1)) != net.n_params()))
    jacobian_ = Matrix("pinn::solver::OutputLayerSolver::jacobian", n_rows, net.n_params());
  residual_jacobian(space, net, points, residuals, order, per_point, residuals_, with_jacobian ? jacobian_ : Matrix(),
                    workspace_, residuals.params.laplacian_dims);
  double cost = 0.0;
  const Vector r = residuals_;
  // Fixed-order host sum below keeps the result independent of the thread count.
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), r);
  for (int i = 0; i < n_rows; ++i) cost += 0.5 * host(i) * host(i);
  return cost;
}

OutputLayerSolve OutputLayerSolver::solve(const ExecSpace& space, Mlp& net, const Matrix& points,
                                          const ObstaclePointResiduals& residuals, JetOrder order, int max_steps) {
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const MlpLayout& layout = net.layout();
  const int first = layout.w_offset[layout.n_layers - 1];  // the output layer runs to the end of the parameters
  const int n_out = layout.n_params - first;
  auto params = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), net.params());
  auto set_output_layer = [&](const Eigen::VectorXd& c) {
    for (int j = 0; j < n_out; ++j) params(first + j) = c(j);
    Kokkos::deep_copy(net.params(), params);
  };
  Eigen::VectorXd c(n_out);
  for (int j = 0; j < n_out; ++j) c(j) = params(first + j);

  OutputLayerSolve result;
  double cost = evaluate(space, net, points, residuals, order, true);
  result.cost_before = result.cost_after = cost;
  if (!std::isfinite(cost)) return result;
  for (int step = 0; step < max_steps; ++step) {
    auto r_host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), residuals_);
    auto j_host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), jacobian_);
    const int n_rows = static_cast<int>(r_host.extent(0));
    const Eigen::Map<const RowMajor> jacobian(j_host.data(), n_rows, layout.n_params);
    const Eigen::Map<const Eigen::VectorXd> r(r_host.data(), n_rows);
    // Ridge-regularised normal equations: dead or nearly duplicated neurons give
    // (nearly) dependent columns, whose unregularised coefficients would be
    // huge and cancel, making the loss hypersensitive to the hidden layers.
    const Eigen::MatrixXd a = jacobian.rightCols(n_out);
    Eigen::MatrixXd normal = a.transpose() * a;
    const double ridge = ridge_ * normal.diagonal().mean();
    Eigen::VectorXd rhs = -(a.transpose() * r) - ridge * c;
    normal.diagonal().array() += ridge;
    const Eigen::VectorXd delta = normal.ldlt().solve(rhs);
    // The full step is exact while the active pattern holds; when the pattern
    // changes, backtrack until the cost decreases.
    double t = 1.0, trial = cost;
    for (; t > 1e-3; t *= 0.5) {
      set_output_layer(c + t * delta);
      trial = evaluate(space, net, points, residuals, order, false);
      if (std::isfinite(trial) && trial < cost) break;
    }
    if (!(t > 1e-3)) {  // no decrease along δ: c is optimal to working precision
      set_output_layer(c);
      break;
    }
    c += t * delta;
    ++result.steps;
    const bool settled = cost - trial <= 1e-13 * cost;
    cost = trial;
    if (settled || step + 1 == max_steps) break;
    evaluate(space, net, points, residuals, order, true);  // the Jacobian at the new c
  }
  result.cost_after = cost;
  return result;
}

}  // namespace pinn

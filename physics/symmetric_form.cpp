/// @file physics/symmetric_form.cpp
/// @brief The weight e^{−φ} of 1D convection and the weighted problem.
#include "physics/symmetric_form.hpp"

#include "nn/error.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

namespace pinn {

namespace {

/// φ tabulated at 4097 nodes (4-point Gauss–Legendre per cell, exact for
/// cubics), evaluated by cubic Hermite interpolation with φ' = b/a at the
/// nodes: smooth to the round-off the central differences of ∇·A need.
struct PhiTable {
  double lower = 0, step = 1;
  std::vector<double> phi, slope;

  double operator()(double x) const {
    const int cells = static_cast<int>(phi.size()) - 1;
    const double t_all = (x - lower) / step;
    const int i = std::min(std::max(static_cast<int>(std::floor(t_all)), 0), cells - 1);
    const double t = t_all - i;
    const double h00 = (1 + 2 * t) * (1 - t) * (1 - t), h10 = t * (1 - t) * (1 - t);
    const double h01 = t * t * (3 - 2 * t), h11 = t * t * (t - 1);
    return h00 * phi[i] + h10 * step * slope[i] + h01 * phi[i + 1] + h11 * step * slope[i + 1];
  }
};

std::shared_ptr<const PhiTable> tabulate_phi(const ObstacleProblem& problem) {
  static const double nodes[4] = {-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526};
  static const double weights[4] = {0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538};
  const EllipticOperator& op = problem.op;
  const auto ratio = [&](double x) { return op.convection[0](&x) / (op.diffusion.empty() ? 1.0 : op.diffusion[0](&x)); };
  auto table = std::make_shared<PhiTable>();
  const int cells = 4096;
  table->lower = problem.domain.lower()[0];
  table->step = (problem.domain.upper()[0] - table->lower) / cells;
  table->phi.assign(cells + 1, 0.0);
  table->slope.assign(cells + 1, 0.0);
  for (int i = 0; i <= cells; ++i) {
    const double x = table->lower + i * table->step;
    table->slope[i] = ratio(x);
    if (i == 0) continue;
    double integral = 0.0;
    for (int q = 0; q < 4; ++q) integral += weights[q] * ratio(x - 0.5 * table->step * (1.0 - nodes[q]));
    table->phi[i] = table->phi[i - 1] + 0.5 * table->step * integral;
  }
  const double middle = (*table)(0.5 * (problem.domain.lower()[0] + problem.domain.upper()[0]));
  for (double& value : table->phi) value -= middle;
  return table;
}

ScalarFunction weighted(const ScalarFunction& h, const ScalarFunction& w) {
  if (!h) return h;
  return [h, w](const double* x) { return w(x) * h(x); };
}

}  // namespace

bool has_symmetric_form(const ObstacleProblem& problem) {
  const EllipticOperator& op = problem.op;
  if (problem.domain.dim() != 1 || !op.has_convection() || op.has_matrix_diffusion()) return false;
  const std::shared_ptr<const PhiTable> phi = tabulate_phi(problem);
  for (double value : phi->phi)
    if (!(std::abs(value) <= 30.0)) return false;
  return true;
}

ScalarFunction convection_weight(const ObstacleProblem& problem) {
  PINN_REQUIRE(problem.domain.dim() == 1 && problem.op.has_convection(), "no 1D convection to weigh");
  std::shared_ptr<const PhiTable> phi = tabulate_phi(problem);
  return [phi](const double* x) { return std::exp(-(*phi)(x[0])); };
}

ObstacleProblem symmetric_form(const ObstacleProblem& problem) {
  const ScalarFunction w = convection_weight(problem);
  ObstacleProblem weighted_problem = problem;
  EllipticOperator& op = weighted_problem.op;
  op.diffusion = {op.diffusion.empty() ? w : weighted(op.diffusion[0], w)};
  op.convection.clear();
  op.reaction = weighted(op.reaction, w);
  weighted_problem.source = weighted(problem.source, w);
  weighted_problem.reaction_source = weighted(problem.reaction_source, w);
  for (BoundaryPart& part : weighted_problem.boundary_parts) {
    if (part.kind == BoundaryKind::dirichlet) continue;
    part.value = weighted(part.value, w);
    part.coefficient = weighted(part.coefficient, w);
  }
  return weighted_problem;
}

}  // namespace pinn

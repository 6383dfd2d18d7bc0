/// @file physics/elliptic_operator.cpp
/// @brief The operator's coefficients at a point.
#include "physics/elliptic_operator.hpp"

namespace pinn {

OperatorCoefficients evaluate_operator(const EllipticOperator& op, int dim, const double* x, double step) {
  OperatorCoefficients c;
  const auto entry = [&](const double* y, int row, int column) {
    if (op.diffusion.empty()) return row == column ? 1.0 : 0.0;
    if (op.diffusion.size() == 1) return row == column ? op.diffusion[0](y) : 0.0;
    return op.diffusion[row * dim + column](y);
  };
  for (int r = 0; r < dim; ++r)
    for (int s = 0; s < dim; ++s) c.diffusion[3 * r + s] = entry(x, r, s);
  if (!op.diffusion.empty()) {
    // (∇·A)_r = Σ_s ∂_s A_rs by central differences.
    double y[3] = {x[0], dim > 1 ? x[1] : 0.0, dim > 2 ? x[2] : 0.0};
    for (int s = 0; s < dim; ++s) {
      const double saved = y[s];
      for (int r = 0; r < dim; ++r) {
        y[s] = saved + step;
        const double plus = entry(y, r, s);
        y[s] = saved - step;
        const double minus = entry(y, r, s);
        y[s] = saved;
        c.diffusion_divergence[r] += (plus - minus) / (2.0 * step);
      }
    }
  }
  for (int k = 0; k < dim && op.has_convection(); ++k) c.convection[k] = op.convection[k](x);
  if (op.has_reaction()) c.reaction = op.reaction(x);
  return c;
}

double apply_operator(const EllipticOperator& op, const ScalarFunction& v, int dim, const double* x, double step) {
  const OperatorCoefficients c = evaluate_operator(op, dim, x, step);
  double y[3] = {x[0], dim > 1 ? x[1] : 0.0, dim > 2 ? x[2] : 0.0};
  const double centre = v(y);
  const auto shifted = [&](int r, double dr, int s, double ds) {
    const double saved_r = y[r], saved_s = y[s];
    y[r] += dr;
    y[s] += ds;
    const double value = v(y);
    y[r] = saved_r;
    y[s] = saved_s;
    return value;
  };
  double value = c.reaction * centre;
  for (int r = 0; r < dim; ++r) {
    const double plus = shifted(r, step, r, 0.0), minus = shifted(r, -step, r, 0.0);
    const double first = (plus - minus) / (2.0 * step);
    value += (c.convection[r] - c.diffusion_divergence[r]) * first;
    value -= c.diffusion[3 * r + r] * (plus - 2.0 * centre + minus) / (step * step);
    for (int s = 0; s < dim; ++s) {
      if (s == r || c.diffusion[3 * r + s] == 0.0) continue;
      const double mixed = (shifted(r, step, s, step) - shifted(r, step, s, -step) - shifted(r, -step, s, step) +
                            shifted(r, -step, s, -step)) /
                           (4.0 * step * step);
      value -= c.diffusion[3 * r + s] * mixed;
    }
  }
  return value;
}

}  // namespace pinn

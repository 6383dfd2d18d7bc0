/// @file tests/physics/test_symmetric_form.cpp
/// @brief The weight w = e^{−φ} of a convection b = a∇φ, in 1D and 2D, and
/// where there is none (physics/symmetric_form.hpp).
#include "physics/symmetric_form.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

pinn::ScalarFunction constant(double value) {
  return [value](const double*) { return value; };
}

/// −∇·(a∇u) + b·∇u ≥ −1 on `domain`, u ≥ −0.1.
pinn::ObstacleProblem convection_problem(const pinn::Domain& domain, pinn::ScalarFunction diffusion,
                                         std::vector<pinn::ScalarFunction> convection) {
  pinn::ObstacleProblem p;
  p.domain = domain;
  p.source = constant(-1.0);
  p.boundary = constant(0.0);
  p.lower_obstacle = constant(-0.1);
  if (diffusion) p.op.diffusion = {std::move(diffusion)};
  p.op.convection = std::move(convection);
  return p;
}

}  // namespace

TEST(SymmetricForm, TheWeightsLogarithmHasTheGradientMinusBOverA) {
  // −∇·(w a∇u) = w(−∇·(a∇u) + b·∇u) exactly when ∇w = −w b/a. A 2D wind
  // b = a∇φ with φ = x² + x sin y and a = 1 + x/2, checked by central differences.
  const auto a = [](const double* x) { return 1.0 + 0.5 * x[0]; };
  const pinn::ObstacleProblem p = convection_problem(
      pinn::Domain::rectangle({0.0, -1.0}, {2.0, 1.0}), a,
      {[a](const double* x) { return a(x) * (2 * x[0] + std::sin(x[1])); },
       [a](const double* x) { return a(x) * x[0] * std::cos(x[1]); }});
  ASSERT_TRUE(std::isfinite(pinn::symmetric_form_exponent(p)));
  const pinn::ScalarFunction w = pinn::convection_weight(p);
  const double h = 1e-5;
  for (const auto& point : {std::array<double, 2>{0.3, -0.7}, {1.1, 0.2}, {1.9, 0.9}}) {
    const double x = point[0], y = point[1];
    const double px[2] = {x + h, y}, mx[2] = {x - h, y}, py[2] = {x, y + h}, my[2] = {x, y - h};
    const double log_w_x = (std::log(w(px)) - std::log(w(mx))) / (2 * h);
    const double log_w_y = (std::log(w(py)) - std::log(w(my))) / (2 * h);
    EXPECT_NEAR(log_w_x, -(2 * x + std::sin(y)), 1e-7) << x << ", " << y;
    EXPECT_NEAR(log_w_y, -x * std::cos(y), 1e-7) << x << ", " << y;
  }
}

TEST(SymmetricForm, TheExponentIsHalfThePotentialsRangeAndTheWeightIsCentredOnIt) {
  // 1D, b = 4 on (0, 1): φ = 4x, w from e^{2} to e^{−2}.
  const pinn::ObstacleProblem line = convection_problem(pinn::Domain::interval(0.0, 1.0), nullptr, {constant(4.0)});
  EXPECT_NEAR(pinn::symmetric_form_exponent(line), 2.0, 1e-9);
  const pinn::ScalarFunction w_line = pinn::convection_weight(line);
  const double left = 0.0, right = 1.0;
  EXPECT_NEAR(w_line(&left), std::exp(2.0), 1e-9);
  EXPECT_NEAR(w_line(&right), std::exp(-2.0), 1e-9);
  // 2D, b = (2x, 1) = ∇(x² + y) on (0, 2) × (0, 1): φ from 0 to 5.
  const pinn::ObstacleProblem plate = convection_problem(
      pinn::Domain::rectangle({0.0, 0.0}, {2.0, 1.0}), nullptr,
      {[](const double* x) { return 2 * x[0]; }, constant(1.0)});
  EXPECT_NEAR(pinn::symmetric_form_exponent(plate), 2.5, 0.05);  // a sample of points: corners within a cell
  const pinn::ScalarFunction w_plate = pinn::convection_weight(plate);
  const double low[2] = {0.0, 0.0}, high[2] = {2.0, 1.0};
  EXPECT_NEAR(std::log(w_plate(low)) + std::log(w_plate(high)), 0.0, 0.05);
  EXPECT_NEAR(std::log(w_plate(low)) - std::log(w_plate(high)), 5.0, 1e-9);
  // Within e^{±5}; a wind five times as strong is beyond.
  EXPECT_TRUE(pinn::has_symmetric_form(plate));
  const pinn::ObstacleProblem gale = convection_problem(
      pinn::Domain::rectangle({0.0, 0.0}, {2.0, 1.0}), nullptr,
      {[](const double* x) { return 10 * x[0]; }, constant(5.0)});
  EXPECT_FALSE(pinn::has_symmetric_form(gale));
}

TEST(SymmetricForm, ARotatingWindOrAMatrixDiffusionHasNone) {
  // b = (−y, x) has curl 2: no φ with ∇φ = b.
  const pinn::ObstacleProblem swirl = convection_problem(
      pinn::Domain::rectangle({-1.0, -1.0}, {1.0, 1.0}), nullptr,
      {[](const double* x) { return -x[1]; }, [](const double* x) { return x[0]; }});
  EXPECT_TRUE(std::isinf(pinn::symmetric_form_exponent(swirl)));
  EXPECT_FALSE(pinn::has_symmetric_form(swirl));
  // b = (y, x) = ∇(xy) has one.
  pinn::ObstacleProblem saddle = swirl;
  saddle.op.convection = {[](const double* x) { return x[1]; }, [](const double* x) { return x[0]; }};
  EXPECT_NEAR(pinn::symmetric_form_exponent(saddle), 1.0, 0.05);
  // A wind that jumps across x = 0.3: the segments' Gauss points do not
  // integrate it, so the potential found is refused rather than used.
  pinn::ObstacleProblem gust = swirl;
  gust.op.convection = {[](const double* x) { return x[0] < 0.3 ? 1.0 : 3.0; }, constant(0.0)};
  EXPECT_TRUE(std::isinf(pinn::symmetric_form_exponent(gust)));
  // A constant wind with a matrix diffusion: not handled.
  pinn::ObstacleProblem matrix = saddle;
  matrix.op.diffusion = {constant(2.0), constant(0.5), constant(0.5), constant(1.0)};
  EXPECT_TRUE(std::isinf(pinn::symmetric_form_exponent(matrix)));
}

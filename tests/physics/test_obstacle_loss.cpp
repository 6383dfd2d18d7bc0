/// @file tests/physics/test_obstacle_loss.cpp
/// @brief The seeds of every loss form, barrier and boundary mode against
/// central finite differences of the pointwise loss in the network jet.
#include "physics/obstacle_loss.hpp"
#include "sample_jet.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace {

using pinn_test::make_jet;

using pinn::LossForm;

pinn::PointData make_point(int dim, bool boundary) {
  pinn::PointData p;
  p.is_boundary = boundary ? 1 : 0;
  p.weight = 0.37;
  p.obstacle_weight = 0.29;
  p.f = -1.3;
  p.g = 0.2;
  p.psi_lower = 0.31;
  p.psi_upper = 0.9;
  if (boundary) {
    p.boundary_multiplier = 2.5;
  } else {
    p.lambda_lower = 2.5;
    p.lambda_upper = 0.7;
  }
  p.lift = 0.1;
  p.lift_lap = -0.4;
  p.dist = 0.6;
  p.dist_lap = -2.0;
  for (int k = 0; k < dim; ++k) {
    p.lift_grad[k] = 0.2 * (k + 1);
    p.dist_grad[k] = -0.3 + 0.25 * k;
  }
  return p;
}

double loss_at(const pinn::ObstacleLossParams& prm, const pinn::PointData& p, const pinn::PointJet& jet) {
  pinn::PointJet seed;
  seed.zero();
  return pinn::obstacle_point_loss(prm, p, jet, seed).total();
}

struct SeedCase {
  LossForm form;
  pinn::Barrier barrier;
  pinn::BoundaryMode boundary;
  pinn::Complementarity complementarity;
  bool lower, upper;
  int dim;
  double shift;  ///< moves u across the obstacle so every branch is exercised
};

class ObstacleLossSeeds : public ::testing::TestWithParam<SeedCase> {};

TEST_P(ObstacleLossSeeds, MatchFiniteDifferences) {
  const SeedCase c = GetParam();
  pinn::ObstacleLossParams prm;
  prm.settings.form = c.form;
  prm.settings.barrier = c.barrier;
  prm.settings.boundary = c.boundary;
  prm.settings.complementarity = c.complementarity;
  prm.settings.penalty = 50.0;
  prm.settings.softplus_sharpness = 7.0;
  prm.settings.leaky_beta = 0.05;
  prm.dim = c.dim;
  prm.has_lower = c.lower;
  prm.has_upper = c.upper;
  const int n_out = c.form == LossForm::first_order ? 1 + c.dim : 1;
  for (bool on_boundary : {false, true}) {
    if (on_boundary && c.boundary == pinn::BoundaryMode::hard) continue;
    const pinn::PointData p = make_point(c.dim, on_boundary);
    const pinn::PointJet jet = make_jet(n_out, c.dim, c.shift);
    pinn::PointJet seed;
    seed.zero();
    pinn::obstacle_point_loss(prm, p, jet, seed);
    const double h = 1e-6;
    auto check = [&](double analytic, auto perturb, const std::string& what) {
      pinn::PointJet plus = jet, minus = jet;
      perturb(plus, h);
      perturb(minus, -h);
      const double fd = (loss_at(prm, p, plus) - loss_at(prm, p, minus)) / (2 * h);
      EXPECT_NEAR(analytic, fd, 1e-6 * (1 + std::abs(fd))) << what << (on_boundary ? " (boundary point)" : "");
    };
    for (int o = 0; o < n_out; ++o) {
      check(seed.value[o], [o](pinn::PointJet& j, double d) { j.value[o] += d; }, "value " + std::to_string(o));
      check(seed.lap[o], [o](pinn::PointJet& j, double d) { j.lap[o] += d; }, "lap " + std::to_string(o));
      for (int k = 0; k < c.dim; ++k)
        check(seed.grad[o][k], [o, k](pinn::PointJet& j, double d) { j.grad[o][k] += d; },
              "grad " + std::to_string(o) + "," + std::to_string(k));
    }
  }
}

using B = pinn::Barrier;
using M = pinn::BoundaryMode;
using C = pinn::Complementarity;
INSTANTIATE_TEST_SUITE_P(
    FormsBarriersBoundaries, ObstacleLossSeeds,
    ::testing::Values(SeedCase{LossForm::energy, B::relu2, M::hard, C::min, true, false, 1, 0.0},
                      SeedCase{LossForm::energy, B::relu2, M::hard, C::min, true, false, 1, -0.2},
                      SeedCase{LossForm::energy, B::leaky2, M::penalty, C::min, true, false, 2, -0.2},
                      SeedCase{LossForm::energy, B::softplus, M::hard, C::min, true, true, 2, 0.0},
                      SeedCase{LossForm::energy, B::relu2, M::penalty, C::min, true, true, 3, 0.5},
                      SeedCase{LossForm::strong, B::relu2, M::hard, C::min, true, false, 1, 0.0},
                      SeedCase{LossForm::strong, B::relu2, M::hard, C::min, true, false, 2, -0.3},
                      SeedCase{LossForm::strong, B::relu2, M::hard, C::fischer_burmeister, true, false, 2, 0.0},
                      SeedCase{LossForm::strong, B::relu2, M::penalty, C::min, false, true, 2, 0.5},
                      SeedCase{LossForm::strong, B::relu2, M::hard, C::min, true, true, 2, 0.2},
                      SeedCase{LossForm::proximal, B::relu2, M::hard, C::min, true, false, 2, 0.0},
                      SeedCase{LossForm::proximal, B::relu2, M::hard, C::min, true, false, 1, -0.3},
                      SeedCase{LossForm::first_order, B::relu2, M::hard, C::min, true, false, 1, 0.0},
                      SeedCase{LossForm::first_order, B::relu2, M::penalty, C::fischer_burmeister, true, false, 2, 0.0},
                      SeedCase{LossForm::first_order, B::softplus, M::hard, C::min, true, true, 3, 0.1}));

TEST(ObstacleLoss, MultiplierUpdateIsTheAugmentedLagrangianRule) {
  pinn::LossSettings s;
  s.penalty = 100.0;
  pinn::PointData p;
  p.psi_lower = 0.5;
  p.lambda_lower = 3.0;
  // λ ← max(0, λ + μ(ψ − u))
  EXPECT_NEAR(pinn::updated_lower_multiplier(s, p, 0.49), 3.0 + 100.0 * 0.01, 1e-12);
  EXPECT_EQ(pinn::updated_lower_multiplier(s, p, 0.6), 0.0);
}

TEST(ObstacleLoss, BoundaryPointsReadTheirOwnMultiplier) {
  // Penalty boundary condition: ½β(u − g)² + η(u − g) with η = boundary_multiplier;
  // the obstacle multipliers of a boundary point play no part.
  pinn::ObstacleLossParams prm;
  prm.settings.boundary = pinn::BoundaryMode::penalty;
  prm.settings.boundary_weight = 10.0;
  pinn::PointData p;
  p.is_boundary = 1;
  p.weight = 0.5;
  p.g = 0.2;
  p.boundary_multiplier = 3.0;
  p.lambda_lower = 100.0;
  p.lambda_upper = 100.0;
  pinn::PointJet net, seed;
  net.zero();
  seed.zero();
  net.value[0] = 0.3;
  const pinn::LossTerms terms = pinn::obstacle_point_loss(prm, p, net, seed);
  EXPECT_NEAR(terms.boundary, 0.5 * (0.5 * 10.0 * 0.01 + 3.0 * 0.1), 1e-14);
  EXPECT_NEAR(seed.value[0], 0.5 * (10.0 * 0.1 + 3.0), 1e-14);

  // The checkpoint's per-point multiplier: η at boundary points, λ_lo inside.
  EXPECT_EQ(pinn::lower_or_boundary_multiplier(p), 3.0);
  pinn::set_lower_or_boundary_multiplier(p, 4.0);
  EXPECT_EQ(p.boundary_multiplier, 4.0);
  EXPECT_EQ(p.lambda_lower, 100.0);
  p.is_boundary = 0;
  EXPECT_EQ(pinn::lower_or_boundary_multiplier(p), 100.0);
  pinn::set_lower_or_boundary_multiplier(p, 5.0);
  EXPECT_EQ(p.lambda_lower, 5.0);
  EXPECT_EQ(p.boundary_multiplier, 4.0);
}

TEST(ObstacleLoss, PenaltyWithoutMultiplierIsHalfMuReluSquared) {
  pinn::ObstacleLossParams prm;
  prm.settings.penalty = 1e3;
  pinn::PointData p;
  p.weight = 0.25;
  p.obstacle_weight = 0.25;
  p.psi_lower = 0.4;
  double u_bar = 0.0;
  const double value = pinn::obstacle_terms(prm, p, 0.37, &u_bar);
  EXPECT_NEAR(value, 0.25 * 0.5 * 1e3 * 0.03 * 0.03, 1e-14);
  EXPECT_NEAR(u_bar, -0.25 * 1e3 * 0.03, 1e-12);
}

TEST(ObstacleLoss, HardBoundaryTransformReproducesTheProductRule) {
  // u = G + d·N with G = 0.1 + 0.2x, d = x(1 − x)... checked through the stored jets.
  pinn::PointData p = make_point(1, false);
  pinn::PointJet net = make_jet(1, 1, 0.0);
  const pinn::SolutionJet s = pinn::solution_jet(p, net, 1, true);
  EXPECT_NEAR(s.u, p.lift + p.dist * net.value[0], 1e-15);
  EXPECT_NEAR(s.grad[0], p.lift_grad[0] + p.dist_grad[0] * net.value[0] + p.dist * net.grad[0][0], 1e-15);
  EXPECT_NEAR(s.lap, p.lift_lap + p.dist_lap * net.value[0] + 2 * p.dist_grad[0] * net.grad[0][0] + p.dist * net.lap[0],
              1e-15);
}

TEST(ObstacleLoss, HardSolutionJetOverSpaceTimeSumsTheLaplacianOverSpaceOnly) {
  // (x, t) with a time axis: Δu = ΔG + N Δd + 2 ∂_x d ∂_x N + d ΔN, no ∂_t d ∂_t N term
  // (PointData::laplacian_dims = 1), and add_solution_seed is the transpose of that map.
  pinn::PointData p = make_point(2, false);
  p.laplacian_dims = 1;
  const pinn::PointJet net = make_jet(1, 2, 0.0);
  const pinn::SolutionJet s = pinn::solution_jet(p, net, 2, true);
  EXPECT_NEAR(s.lap, p.lift_lap + p.dist_lap * net.value[0] + 2 * p.dist_grad[0] * net.grad[0][0] + p.dist * net.lap[0],
              1e-15);
  EXPECT_NEAR(s.grad[1], p.lift_grad[1] + p.dist_grad[1] * net.value[0] + p.dist * net.grad[0][1], 1e-15);
  // ⟨bar, J δ⟩ = ⟨Jᵀ bar, δ⟩ for the linear part of the map (net jet → solution jet).
  pinn::SolutionJet bar;
  bar.u = 0.7, bar.grad[0] = -0.4, bar.grad[1] = 1.3, bar.lap = 0.9;
  pinn::PointJet seed;
  seed.zero();
  pinn::add_solution_seed(p, bar, 2, true, seed);
  pinn::PointJet zero;
  zero.zero();
  const pinn::SolutionJet base = pinn::solution_jet(p, zero, 2, true);
  for (int entry = 0; entry < 4; ++entry) {  // δ = one jet entry: value, ∂_x, ∂_t, Δ
    pinn::PointJet delta;
    delta.zero();
    double* slot = entry == 0 ? &delta.value[0] : (entry == 3 ? &delta.lap[0] : &delta.grad[0][entry - 1]);
    *slot = 1.0;
    const pinn::SolutionJet moved = pinn::solution_jet(p, delta, 2, true);
    const double forward = bar.u * (moved.u - base.u) + bar.grad[0] * (moved.grad[0] - base.grad[0]) +
                           bar.grad[1] * (moved.grad[1] - base.grad[1]) + bar.lap * (moved.lap - base.lap);
    const double transposed = entry == 0 ? seed.value[0] : (entry == 3 ? seed.lap[0] : seed.grad[0][entry - 1]);
    EXPECT_NEAR(forward, transposed, 1e-14) << "entry " << entry;
  }
}

}  // namespace

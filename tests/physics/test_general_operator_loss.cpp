/// @file tests/physics/test_general_operator_loss.cpp
/// @brief The losses of the general operator L u = −∇·(A∇u) + b·∇u + cu and
/// of Neumann / Robin boundary points: seeds against central finite
/// differences of the pointwise loss, residual seeds against finite
/// differences of the residuals, and the residual form's gradient against
/// the loss's (physics/least_squares_residuals.hpp).
#include "physics/least_squares_residuals.hpp"
#include "sample_jet.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace {

using pinn_test::make_jet;

using pinn::LossForm;

/// Interior or boundary point with every operator coefficient set (a
/// symmetric positive definite A unless `scalar`, where A = a·I).
pinn::PointData make_point(int dim, bool boundary, int boundary_kind, bool scalar) {
  pinn::PointData p;
  p.is_boundary = boundary ? 1 : 0;
  p.boundary_kind = boundary_kind;
  p.weight = 0.37;
  p.obstacle_weight = 0.29;
  p.f = -1.3;
  p.g = 0.2;
  p.robin = boundary_kind == 2 ? 1.7 : 0.0;
  p.psi_lower = 0.31;
  p.psi_upper = 0.9;
  p.lambda_lower = boundary ? 0.0 : 2.5;
  p.lambda_upper = boundary ? 0.0 : 0.7;
  p.boundary_multiplier = boundary ? 0.4 : 0.0;
  p.lift = 0.1;
  p.lift_lap = -0.4;
  p.dist = 0.6;  // natural boundary points are not on the Dirichlet part
  p.dist_lap = -2.0;
  const double matrix[9] = {2.0, 0.3, -0.2, 0.3, 1.5, 0.1, -0.2, 0.1, 1.2};
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c)
      p.diffusion[3 * r + c] = r < dim && c < dim ? (scalar ? (r == c ? 1.7 : 0.0) : matrix[3 * r + c]) : (r == c);
  for (int k = 0; k < dim; ++k) {
    p.lift_grad[k] = 0.2 * (k + 1);
    p.dist_grad[k] = -0.3 + 0.25 * k;
    p.diffusion_divergence[k] = 0.15 - 0.1 * k;
    p.convection[k] = 0.8 - 0.45 * k;
    p.flux[k] = 0.05 + 0.1 * k;
    p.normal[k] = k == 0 ? 0.6 : (k == 1 ? -0.8 : 0.0);
  }
  p.reaction = 0.9;
  p.flux_normal = 0.07;
  // Lᵀ of A = LLᵀ (only the energy's residual form reads it).
  double l[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
  for (int r = 0; r < dim; ++r)
    for (int c = 0; c <= r; ++c) {
      double sum = p.diffusion[3 * r + c];
      for (int k = 0; k < c; ++k) sum -= l[3 * r + k] * l[3 * c + k];
      l[3 * r + c] = r == c ? std::sqrt(sum) : sum / l[3 * c + c];
    }
  for (int r = 0; r < dim; ++r)
    for (int c = 0; c < dim; ++c) p.diffusion_root[3 * r + c] = l[3 * c + r];
  return p;
}

struct OperatorCase {
  LossForm form;
  pinn::BoundaryMode boundary;
  bool lower, upper;
  int dim;
  double shift;  ///< moves u across the obstacles so every branch is exercised
};

std::string describe(const OperatorCase& c, bool on_boundary, int kind) {
  return pinn::to_string(c.form) + " " + std::to_string(c.dim) + "D " + pinn::to_string(c.boundary) +
         (on_boundary ? " boundary kind " + std::to_string(kind) : " interior");
}

pinn::ObstacleLossParams params_for(const OperatorCase& c) {
  pinn::ObstacleLossParams prm;
  prm.settings.form = c.form;
  prm.settings.boundary = c.boundary;
  prm.settings.penalty = 50.0;
  prm.settings.boundary_weight = 30.0;
  prm.dim = c.dim;
  prm.has_lower = c.lower;
  prm.has_upper = c.upper;
  prm.general_operator = true;
  prm.has_reaction = true;
  return prm;
}

/// The perturbations of every jet entry a form reads: (output, kind, coordinate).
template <class Check>
void for_each_entry(int n_out, int dim, Check check) {
  for (int o = 0; o < n_out; ++o) {
    check([o](pinn::PointJet& j, double d) { j.value[o] += d; }, [o](const pinn::PointJet& j) { return j.value[o]; },
          "value " + std::to_string(o));
    check([o](pinn::PointJet& j, double d) { j.lap[o] += d; }, [o](const pinn::PointJet& j) { return j.lap[o]; },
          "lap " + std::to_string(o));
    for (int k = 0; k < dim; ++k)
      check([o, k](pinn::PointJet& j, double d) { j.grad[o][k] += d; },
            [o, k](const pinn::PointJet& j) { return j.grad[o][k]; },
            "grad " + std::to_string(o) + "," + std::to_string(k));
  }
}

class GeneralOperatorLoss : public ::testing::TestWithParam<OperatorCase> {};

TEST_P(GeneralOperatorLoss, SeedsMatchFiniteDifferences) {
  const OperatorCase c = GetParam();
  const pinn::ObstacleLossParams prm = params_for(c);
  const bool scalar = pinn::needs_laplacian(c.form);
  const int n_out = c.form == LossForm::first_order ? 1 + c.dim : 1;
  for (int kind : {-1, 1, 2}) {  // −1: interior; 1 Neumann, 2 Robin
    const pinn::PointData p = make_point(c.dim, kind >= 0, kind < 0 ? 0 : kind, scalar);
    const pinn::PointJet jet = make_jet(n_out, c.dim, c.shift);
    pinn::PointJet seed;
    seed.zero();
    pinn::obstacle_point_loss(prm, p, jet, seed);
    const auto loss = [&](const pinn::PointJet& j) {
      pinn::PointJet s;
      s.zero();
      return pinn::obstacle_point_loss(prm, p, j, s).total();
    };
    const double h = 1e-6;
    for_each_entry(n_out, c.dim, [&](auto perturb, auto read, const std::string& what) {
      pinn::PointJet plus = jet, minus = jet;
      perturb(plus, h);
      perturb(minus, -h);
      const double fd = (loss(plus) - loss(minus)) / (2 * h);
      EXPECT_NEAR(read(seed), fd, 1e-6 * (1 + std::abs(fd))) << what << ", " << describe(c, kind >= 0, kind);
    });
  }
}

/// One point's residuals through the functor the stages use, evaluated in
/// a one-point kernel so that it reads its data where the stages do (device
/// memory in a GPU build).
struct PointResiduals {
  pinn::ObstaclePointResiduals functor;
  std::vector<double> r;
  std::vector<pinn::PointJet> seeds;

  PointResiduals(const pinn::ObstacleLossParams& prm, const pinn::PointData& p) {
    pinn::PointDataView data("data", 1);
    auto host = Kokkos::create_mirror_view(data);
    host(0) = p;
    Kokkos::deep_copy(data, host);
    functor = pinn::ObstaclePointResiduals{data, prm, pinn::residual_layout(prm)};
    const int n = functor.layout.per_point();
    r.assign(static_cast<std::size_t>(n), 0.0);
    seeds.resize(static_cast<std::size_t>(n));
  }
  void evaluate(const pinn::PointJet& jet) {
    const int n = static_cast<int>(r.size());
    Kokkos::View<double*> r_device("r", n);
    Kokkos::View<pinn::PointJet*> seeds_device("seeds", n);
    const pinn::ObstaclePointResiduals f = functor;
    Kokkos::parallel_for(
        "residuals_at_one_point", Kokkos::RangePolicy<pinn::ExecSpace>(0, 1), KOKKOS_LAMBDA(const int) {
          for (int s = 0; s < n; ++s) seeds_device(s).zero();
          f(0, jet, r_device.data(), seeds_device.data());
        });
    Kokkos::deep_copy(Kokkos::View<double*, Kokkos::HostSpace>(r.data(), r.size()), r_device);
    Kokkos::deep_copy(Kokkos::View<pinn::PointJet*, Kokkos::HostSpace>(seeds.data(), seeds.size()), seeds_device);
  }
  /// The residual form's derivative along the jet entry `read` reads at
  /// point p: Σ r ∂r for the squares ½r², Σ ∂r for the linear rows.
  template <class Read>
  double gradient(const pinn::PointData& p, Read read) const {
    double sum = 0.0;
    for (std::size_t s = 0; s < r.size(); ++s) {
      const bool linear = pinn::residual_family(functor, p, static_cast<int>(s)) == pinn::ResidualFamily::linear;
      sum += (linear ? 1.0 : r[s]) * read(seeds[s]);
    }
    return sum;
  }
};

TEST_P(GeneralOperatorLoss, ResidualSeedsMatchFiniteDifferences) {
  const OperatorCase c = GetParam();
  const pinn::ObstacleLossParams prm = params_for(c);
  const bool scalar = pinn::needs_laplacian(c.form);
  const int n_out = c.form == LossForm::first_order ? 1 + c.dim : 1;
  for (int kind : {-1, 1, 2}) {
    PointResiduals at(prm, make_point(c.dim, kind >= 0, kind < 0 ? 0 : kind, scalar));
    const pinn::PointJet jet = make_jet(n_out, c.dim, c.shift);
    at.evaluate(jet);
    const std::vector<double> r0 = at.r;
    const std::vector<pinn::PointJet> seeds = at.seeds;
    const double h = 1e-6;
    for_each_entry(n_out, c.dim, [&](auto perturb, auto read, const std::string& what) {
      pinn::PointJet plus = jet, minus = jet;
      perturb(plus, h);
      perturb(minus, -h);
      at.evaluate(plus);
      const std::vector<double> r_plus = at.r;
      at.evaluate(minus);
      for (std::size_t s = 0; s < r0.size(); ++s) {
        const double fd = (r_plus[s] - at.r[s]) / (2 * h);
        EXPECT_NEAR(read(seeds[s]), fd, 1e-6 * (1 + std::abs(fd)))
            << what << ", residual " << s << ", " << describe(c, kind >= 0, kind);
      }
    });
  }
}

TEST_P(GeneralOperatorLoss, ResidualFormHasTheLossGradient) {
  // Σ r ∂r/∂jet = ∂loss/∂jet: the least-squares form is the loss (up to a
  // constant). The energy's form equals it only after integrating by parts
  // against the flux F, so there f, F and F·n are zero.
  const OperatorCase c = GetParam();
  const pinn::ObstacleLossParams prm = params_for(c);
  const bool scalar = pinn::needs_laplacian(c.form);
  const int n_out = c.form == LossForm::first_order ? 1 + c.dim : 1;
  for (int kind : {-1, 1, 2}) {
    if (c.form == LossForm::energy && kind == 1) continue;  // its linear term lives in F·n = g (tested below)
    pinn::PointData p = make_point(c.dim, kind >= 0, kind < 0 ? 0 : kind, scalar);
    if (c.form == LossForm::energy) {
      p.f = 0.0;
      p.flux_normal = 0.0;
      for (double& flux : p.flux) flux = 0.0;
    }
    const pinn::PointJet jet = make_jet(n_out, c.dim, c.shift);
    pinn::PointJet loss_seed;
    loss_seed.zero();
    pinn::obstacle_point_loss(prm, p, jet, loss_seed);
    PointResiduals at(prm, p);
    at.evaluate(jet);
    for_each_entry(n_out, c.dim, [&](auto, auto read, const std::string& what) {
      const double gradient = at.gradient(p, read);
      EXPECT_NEAR(gradient, read(loss_seed), 1e-12 * (1 + std::abs(gradient)))
          << what << ", " << describe(c, kind >= 0, kind);
    });
  }
}

TEST(GeneralOperatorLoss, SourceInTheReactionSquareHasTheLossGradientWithTheSource) {
  // c > 0 and all of f in the reaction's square √(wc)(u − f_reaction/c) (ObstacleProblem::reaction_source):
  // the least-squares form has the loss's gradient pointwise with f ≠ 0 and no flux.
  for (int dim = 1; dim <= 3; ++dim) {
    OperatorCase c{LossForm::energy, pinn::BoundaryMode::hard, true, false, dim, 0.1};
    pinn::ObstacleLossParams prm = params_for(c);
    prm.source_in_reaction = true;
    pinn::PointData p = make_point(dim, false, 0, false);
    ASSERT_GT(p.reaction, 0.0);
    ASSERT_NE(p.f, 0.0);
    for (double& flux : p.flux) flux = 0.0;
    p.f_reaction = p.f;
    const pinn::PointJet jet = make_jet(1, dim, c.shift);
    pinn::PointJet loss_seed;
    loss_seed.zero();
    pinn::obstacle_point_loss(prm, p, jet, loss_seed);
    PointResiduals at(prm, p);
    at.evaluate(jet);
    for_each_entry(1, dim, [&](auto, auto read, const std::string& what) {
      const double gradient = at.gradient(p, read);
      EXPECT_NEAR(gradient, read(loss_seed), 1e-12 * (1 + std::abs(gradient))) << what << ", " << dim << "D";
    });
  }
}

using M = pinn::BoundaryMode;
INSTANTIATE_TEST_SUITE_P(
    FormsAndDimensions, GeneralOperatorLoss,
    ::testing::Values(OperatorCase{LossForm::energy, M::hard, true, false, 1, 0.0},
                      OperatorCase{LossForm::energy, M::penalty, true, false, 2, -0.2},
                      OperatorCase{LossForm::energy, M::hard, true, true, 3, 0.5},
                      OperatorCase{LossForm::first_order, M::hard, true, false, 1, 0.0},
                      OperatorCase{LossForm::first_order, M::penalty, true, false, 2, -0.3},
                      OperatorCase{LossForm::first_order, M::hard, true, true, 3, 0.2},
                      // u far above ψ: the complementarity picks the PDE residual
                      OperatorCase{LossForm::first_order, M::hard, true, false, 2, 6.0},
                      OperatorCase{LossForm::first_order, M::penalty, true, false, 1, 6.0},
                      OperatorCase{LossForm::strong, M::hard, true, false, 1, -0.2},
                      OperatorCase{LossForm::strong, M::penalty, false, true, 2, 0.5},
                      OperatorCase{LossForm::strong, M::hard, true, true, 2, 0.2},
                      OperatorCase{LossForm::strong, M::hard, true, false, 2, 6.0},
                      OperatorCase{LossForm::proximal, M::hard, true, false, 2, 6.0},
                      OperatorCase{LossForm::proximal, M::hard, true, false, 2, 0.0},
                      OperatorCase{LossForm::proximal, M::hard, true, false, 1, -0.3}));

TEST(GeneralOperatorLoss, EnergyOfAUnitOperatorIsTheLaplaciansEnergy) {
  // A = I, b = 0, c = 0 through the general code: the −Δ energy's value and seeds.
  for (int dim = 1; dim <= 3; ++dim) {
    pinn::ObstacleLossParams prm;
    prm.dim = dim;
    pinn::PointData p = make_point(dim, false, 0, true);
    for (int r = 0; r < 9; ++r) p.diffusion[r] = r % 4 == 0 ? 1.0 : 0.0;
    p.reaction = 0.0;
    const pinn::PointJet jet = make_jet(1, dim, 0.1);
    pinn::PointJet laplacian_seed, general_seed;
    laplacian_seed.zero();
    general_seed.zero();
    const double laplacian = pinn::obstacle_point_loss(prm, p, jet, laplacian_seed).total();
    prm.general_operator = true;
    const double general = pinn::obstacle_point_loss(prm, p, jet, general_seed).total();
    EXPECT_NEAR(general, laplacian, 1e-14) << dim << "D";
    EXPECT_NEAR(general_seed.value[0], laplacian_seed.value[0], 1e-14) << dim << "D";
    for (int k = 0; k < dim; ++k) EXPECT_NEAR(general_seed.grad[0][k], laplacian_seed.grad[0][k], 1e-14) << dim << "D";
  }
}

TEST(GeneralOperatorLoss, NeumannPointOfTheEnergyFormIsItsBoundaryIntegral) {
  // −w g u at a Neumann point, w(½κu² − g u) at a Robin one.
  pinn::ObstacleLossParams prm;
  prm.general_operator = true;
  prm.settings.boundary = pinn::BoundaryMode::penalty;
  pinn::PointData p = make_point(1, true, 1, true);
  pinn::PointJet jet = make_jet(1, 1, 0.0);
  pinn::PointJet seed;
  seed.zero();
  const double u = jet.value[0];
  EXPECT_NEAR(pinn::obstacle_point_loss(prm, p, jet, seed).boundary, -p.weight * p.g * u, 1e-15);
  p = make_point(1, true, 2, true);
  seed.zero();
  EXPECT_NEAR(pinn::obstacle_point_loss(prm, p, jet, seed).boundary,
              p.weight * (0.5 * p.robin * u * u - p.g * u), 1e-15);
}

}  // namespace

namespace {

TEST(GeneralOperatorLoss, NeumannRowOfTheEnergyFormIsItsLinearTerm) {
  // With F·n = 0 the row is the loss's term −w g u itself (r, not ½r²), with
  // its seed; F·n shifts it to w(F·n − g)u, the term left over by ½∫|∇u − F|².
  for (int dim = 1; dim <= 3; ++dim) {
    OperatorCase c{LossForm::energy, pinn::BoundaryMode::hard, true, false, dim, 0.1};
    const pinn::ObstacleLossParams prm = params_for(c);
    pinn::PointData p = make_point(dim, true, 1, false);
    p.flux_normal = 0.0;
    const pinn::PointJet jet = make_jet(1, dim, c.shift);
    pinn::PointJet loss_seed;
    loss_seed.zero();
    const double loss = pinn::obstacle_point_loss(prm, p, jet, loss_seed).boundary;
    PointResiduals at(prm, p);
    ASSERT_TRUE(at.functor.is_linear_row(p));
    EXPECT_EQ(pinn::residual_family(at.functor, p, 0), pinn::ResidualFamily::linear);
    at.evaluate(jet);
    EXPECT_NEAR(at.r[0], loss, 1e-14 * (1 + std::abs(loss))) << dim << "D";
    for_each_entry(1, dim, [&](auto, auto read, const std::string& what) {
      EXPECT_NEAR(read(at.seeds[0]), read(loss_seed), 1e-14) << what << ", " << dim << "D";
    });
    p.flux_normal = 0.3;
    PointResiduals shifted(prm, p);
    shifted.evaluate(jet);
    ASSERT_NE(p.g, 0.0);
    EXPECT_NEAR(shifted.r[0], at.r[0] * (0.3 - p.g) / -p.g, 1e-14 * (1 + std::abs(loss))) << dim << "D";
    // A Robin point keeps its square; the first-order form has none of these rows.
    pinn::PointData robin = make_point(dim, true, 2, false);
    EXPECT_FALSE(at.functor.is_linear_row(robin));
    EXPECT_EQ(pinn::residual_family(at.functor, robin, 0), pinn::ResidualFamily::boundary);
    OperatorCase first_order = c;
    first_order.form = LossForm::first_order;
    EXPECT_FALSE(PointResiduals(params_for(first_order), p).functor.is_linear_row(p));
  }
}

}  // namespace

namespace {

TEST(GeneralOperatorLoss, LinearSourceRowsMakeTheResidualFormTheLossItself) {
  // With the source as linear rows −w f u, ½Σ r² (squares) + Σ r (linear rows)
  // has the loss's gradient with f, F and F·n all nonzero: no integration by
  // parts is needed. Without them the same point disagrees (F ≠ −∫f here).
  for (const bool general : {false, true})
    for (const M boundary : {M::hard, M::penalty})
      for (int dim = 1; dim <= 3; ++dim)
        for (int kind : {-1, 0, 1, 2}) {
          if (!general && kind >= 1) continue;  // Neumann and Robin points need the general operator
          if (kind >= 0 && boundary == M::hard && !general) continue;  // a Dirichlet point has no row then
          OperatorCase c{LossForm::energy, boundary, true, dim == 3, dim, 0.1};
          pinn::ObstacleLossParams prm = params_for(c);
          prm.general_operator = general;
          prm.has_reaction = general;
          prm.linear_source_rows = true;
          pinn::PointData p = make_point(dim, kind >= 0, kind < 0 ? 0 : kind, !general);
          if (!general) {
            for (int r = 0; r < 9; ++r) p.diffusion[r] = r % 4 == 0 ? 1.0 : 0.0;
            p.reaction = 0.0;
          }
          const pinn::PointJet jet = make_jet(1, dim, c.shift);
          pinn::PointJet loss_seed;
          loss_seed.zero();
          pinn::obstacle_point_loss(prm, p, jet, loss_seed);
          PointResiduals at(prm, p);
          at.evaluate(jet);
          const std::string where = std::string(general ? "general " : "laplacian ") + pinn::to_string(boundary) + " " +
                                    std::to_string(dim) + "D kind " + std::to_string(kind);
          if (kind < 0) {
            ASSERT_EQ(pinn::residual_family(at.functor, p, at.functor.layout.n_pde - 1), pinn::ResidualFamily::linear)
                << where;
            const double u = boundary == M::hard ? p.lift + p.dist * jet.value[0] : jet.value[0];
            EXPECT_NEAR(at.r[at.functor.layout.n_pde - 1], -p.weight * p.f * u, 1e-14) << where;
          }
          for_each_entry(1, dim, [&](auto, auto read, const std::string& what) {
            const double gradient = at.gradient(p, read);
            EXPECT_NEAR(gradient, read(loss_seed), 1e-12 * (1 + std::abs(gradient))) << what << ", " << where;
          });
        }
}

}  // namespace

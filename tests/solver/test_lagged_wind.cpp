/// @file tests/solver/test_lagged_wind.cpp
/// @brief The lagged wind of the energy form (solver/lagged_wind.hpp): its
/// relaxed combination of networks, b·∇ũ at the points against central
/// differences of u = G + d·N, where the training points carry it, and the
/// ũ a run starts from.
#include "solver/lagged_wind.hpp"

#include "solver/case_file.hpp"
#include "solver/obstacle_solver.hpp"
#include "solver/solution_fields.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>

namespace {

pinn::ScalarFunction constant(double value) {
  return [value](const double*) { return value; };
}

/// A rotating wind b = (−y, x + 1) (curl 2: no potential) on (0, 1) × (0, 2),
/// Dirichlet data x·y.
pinn::ObstacleProblem rotating_wind_problem() {
  pinn::ObstacleProblem p;
  p.domain = pinn::Domain::rectangle({0.0, 0.0}, {1.0, 2.0});
  p.source = constant(-1.0);
  p.boundary = [](const double* x) { return x[0] * x[1]; };
  p.lower_obstacle = constant(-0.1);
  p.op.convection = {[](const double* x) { return -x[1]; }, [](const double* x) { return x[0] + 1.0; }};
  return p;
}

pinn::Mlp random_network(std::uint64_t seed) {
  pinn::MlpConfig config;
  config.n_inputs = 2;
  config.hidden = {8, 8};
  pinn::Mlp net(config);
  net.initialize(seed);
  return net;
}

}  // namespace

TEST(LaggedWind, RelaxesTowardTheLatestNetworkWithWeightsSummingToOne) {
  const pinn::Mlp first = random_network(1), second = random_network(2);
  pinn::LaggedWind wind;
  pinn::start_lagged_wind(wind, first, 0, false);
  EXPECT_TRUE(wind.terms.empty());  // ũ = 0 before any training
  pinn::advance_lagged_wind(wind, first, 0.5);
  ASSERT_EQ(wind.terms.size(), 1u);  // the first update replaces ũ = 0 whole
  EXPECT_EQ(wind.terms[0].weight, 1.0);
  pinn::advance_lagged_wind(wind, second, 0.5);
  ASSERT_EQ(wind.terms.size(), 2u);
  EXPECT_DOUBLE_EQ(wind.terms[0].weight, 0.5);
  EXPECT_EQ(wind.terms[1].parameters, pinn::parameters_of(second));
  // θ = 0.5 halves the old weights each time: those below 1e-3 are dropped
  // and the rest rescaled, so the combination stays affine.
  for (int k = 0; k < 20; ++k) pinn::advance_lagged_wind(wind, k % 2 ? first : second, 0.5);
  EXPECT_LE(wind.terms.size(), 11u);
  double total = 0.0;
  for (const auto& term : wind.terms) total += term.weight;
  EXPECT_NEAR(total, 1.0, 1e-15);
  pinn::advance_lagged_wind(wind, first, 1.0);  // θ = 1: plain Picard, ũ = u
  ASSERT_EQ(wind.terms.size(), 1u);
  EXPECT_EQ(wind.terms[0].weight, 1.0);
}

TEST(LaggedWind, AStageStartsFromItsNetworkOnceAndAResumeKeepsIt) {
  const pinn::Mlp net = random_network(3);
  pinn::LaggedWind wind;
  pinn::advance_lagged_wind(wind, random_network(4), 0.5);
  pinn::advance_lagged_wind(wind, random_network(5), 0.5);
  pinn::start_lagged_wind(wind, net, 1, true);
  ASSERT_EQ(wind.terms.size(), 1u);
  EXPECT_EQ(wind.terms[0].parameters, pinn::parameters_of(net));
  pinn::advance_lagged_wind(wind, random_network(6), 0.5);
  pinn::start_lagged_wind(wind, net, 1, true);  // the same stage again (a resumed run): unchanged
  EXPECT_EQ(wind.terms.size(), 2u);
}

TEST(LaggedWind, ValuesAreTheWindDottedWithTheGradientOfTheCombination) {
  const pinn::ObstacleProblem problem = rotating_wind_problem();
  const std::vector<double> interior = {0.3, 0.4, 0.7, 1.5, 0.55, 0.9};
  const std::vector<double> boundary = {0.0, 1.0};
  const pinn::TrainingPoints points =
      pinn::make_training_points(problem, interior, boundary, {}, 0.0, pinn::FluxAt::none);
  const pinn::Mlp first = random_network(7), second = random_network(8);
  pinn::LaggedWind wind;
  pinn::advance_lagged_wind(wind, first, 0.5);
  pinn::advance_lagged_wind(wind, second, 0.25);  // ũ = 0.75 u₁ + 0.25 u₂
  pinn::LossSettings hard;
  hard.boundary = pinn::BoundaryMode::hard;
  const std::vector<double> values =
      pinn::lagged_wind_values(wind, first, points, true, pinn::ExecSpace());
  ASSERT_EQ(values.size(), 4u);
  EXPECT_EQ(values[3], 0.0);  // a boundary point carries none
  // b·∇ũ by central differences of u = G + d·N, the hard condition's form.
  const double h = 1e-5;
  for (int i = 0; i < 3; ++i) {
    const double x = interior[2 * i], y = interior[2 * i + 1];
    const std::vector<double> stencil = {x + h, y, x - h, y, x, y + h, x, y - h};
    double expected = 0.0;
    for (const auto& [weight, net] : {std::pair<double, const pinn::Mlp*>{0.75, &first}, {0.25, &second}}) {
      const pinn::SolutionFields u = pinn::evaluate_solution(pinn::ExecSpace(), *net, problem, hard, stencil);
      const double ux = (u.u[0] - u.u[1]) / (2 * h), uy = (u.u[2] - u.u[3]) / (2 * h);
      expected += weight * (-y * ux + (x + 1.0) * uy);
    }
    EXPECT_NEAR(values[static_cast<std::size_t>(i)], expected, 1e-8 * (1.0 + std::abs(expected))) << "point " << i;
  }
  // Written into the points, with the relative change from the last values.
  EXPECT_TRUE(std::isinf(pinn::set_lagged_wind(points, values)));  // from zero
  std::vector<double> doubled = values;
  for (double& v : doubled) v *= 2.0;
  EXPECT_NEAR(pinn::set_lagged_wind(points, doubled), 1.0, 1e-12);
  const auto data = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), points.data);
  EXPECT_EQ(data(1).lagged_wind, doubled[1]);
}

TEST(LaggedWind, ARunStartsFromZeroOrFromTheNetworkItIsHanded) {
  // The log's first change of b·∇ũ is infinite from ũ = 0 (a fresh network)
  // and finite from a handed-in network, which is ũ from the start (a time
  // level starts from the last level's solution).
  const std::string text =
      "[problem]\nname = \"wind1d\"\ndomain = { type = \"interval\", min = 0.0, max = 1.0 }\n"
      "convection = [\"3\"]\nsource = \"-1\"\nobstacle = \"-0.05\"\n"
      "[network]\nhidden = [8]\n[sampling]\ninterior = 32\n"
      "[[stage]]\ntype = \"adam\"\niterations = 20\nmultiplier_updates = 1\n";
  const auto first_change = [&](const pinn::Mlp* start) {
    std::ostringstream log;
    pinn::RunOptions options;
    options.write_files = false;
    options.log = &log;
    options.initial_network = start;
    pinn::ObstacleSolver solver(pinn::parse_case(text, "wind1d.toml"), options);
    EXPECT_EQ(solver.run().status, pinn::RunStatus::ok);
    const std::string said = log.str();
    const std::size_t at = said.find("lagged wind: b·∇ũ changed by ");
    EXPECT_NE(at, std::string::npos) << said;
    return said.substr(at + std::string("lagged wind: b·∇ũ changed by ").size(), 3);
  };
  EXPECT_EQ(first_change(nullptr), "inf");
  pinn::MlpConfig config;
  config.hidden = {8};
  pinn::Mlp start(config);
  start.initialize(11);
  EXPECT_NE(first_change(&start), "inf");
}

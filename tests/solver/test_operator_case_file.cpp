/// @file tests/solver/test_operator_case_file.cpp
/// @brief The case-file keys of the general operator and of boundary parts
/// (problem.diffusion, convection, reaction, boundary.type,
/// [[problem.boundary_part]]): what they build, and each refusal located
/// with what was found and what is allowed.
#include "solver/case_file.hpp"

#include "nn/error.hpp"
#include "physics/problem_section.hpp"
#include "solver/case_checks.hpp"

#include "user_error_message.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

/// A 2D case on the unit square; `problem_lines` and `extra` are appended to
/// [problem] and after it.
std::string square_case(const std::string& problem_lines, const std::string& extra = "") {
  return "[problem]\n"
         "name = \"op2d\"\n"
         "domain = { type = \"rectangle\", min = [0.0, 0.0], max = [1.0, 1.0] }\n"
         "source = \"-1\"\n"
         "obstacle = \"-0.05\"\n" +
         problem_lines + "\n" + extra;
}

/// The message of the pinn::UserError that parsing and the checks before a
/// run (check_case) throw; a failure if none.
std::string user_error(const std::string& text) {
  return pinn_test::user_error_of([&] { pinn::check_case(pinn::parse_case(text, "case.toml")); });
}

using pinn_test::expect_parts;

TEST(OperatorCaseFile, BuildsTheOperatorAndTheParts) {
  const std::string text = square_case(
      "diffusion = [[\"1 + x\", \"0.2\"], [\"0.2\", 2]]\n"
      "convection = [\"1\", 0.5]\n"
      "reaction = \"y\"\n"
      "boundary = { type = \"dirichlet\", value = \"0\" }\n"
      "[[problem.boundary_part]]\n"
      "type = \"neumann\"\n"
      "sides = [\"top\", \"right\"]\n"
      "value = \"x\"\n"
      "[[problem.boundary_part]]\n"
      "type = \"robin\"\n"
      "where = \"x < 0.5\"\n"
      "value = 1\n"
      "coefficient = \"2\"\n",
      "[loss]\nform = \"first_order\"\n");
  const pinn::CaseConfig c = pinn::parse_case(text, "case.toml");
  const pinn::EllipticOperator& op = c.problem.op;
  ASSERT_EQ(op.diffusion.size(), 4u);
  const double x[2] = {0.5, 0.25};
  EXPECT_DOUBLE_EQ(op.diffusion[0](x), 1.5);
  EXPECT_DOUBLE_EQ(op.diffusion[1](x), 0.2);
  EXPECT_DOUBLE_EQ(op.diffusion[3](x), 2.0);
  ASSERT_EQ(op.convection.size(), 2u);
  EXPECT_DOUBLE_EQ(op.convection[1](x), 0.5);
  EXPECT_DOUBLE_EQ(op.reaction(x), 0.25);
  ASSERT_EQ(c.problem.boundary_parts.size(), 2u);
  // Top side (y = 1): Neumann g = x; bottom left (x < 0.5): Robin; bottom right: Dirichlet g = 0.
  const double top[2] = {0.3, 1.0}, bottom_left[2] = {0.2, 0.0}, bottom_right[2] = {0.7, 0.0};
  const auto at = [&](const double* p) {
    return pinn::condition_at(c.problem.boundary_parts, c.problem.boundary, c.problem.domain, p);
  };
  EXPECT_EQ(at(top).kind, pinn::BoundaryKind::neumann);
  EXPECT_DOUBLE_EQ(at(top).value, 0.3);
  EXPECT_EQ(at(bottom_left).kind, pinn::BoundaryKind::robin);
  EXPECT_DOUBLE_EQ(at(bottom_left).coefficient, 2.0);
  EXPECT_EQ(at(bottom_right).kind, pinn::BoundaryKind::dirichlet);
  // A marker part's Dirichlet split is not whole sides: penalty conditions by default.
  EXPECT_EQ(c.loss.boundary, pinn::BoundaryMode::penalty);
}

TEST(OperatorCaseFile, NaturalRestKeepsHardConditionsOnWholeSides) {
  // Dirichlet on the left side only, Neumann elsewhere: hard conditions on x = 0.
  const pinn::CaseConfig c = pinn::parse_case(
      square_case("boundary = { type = \"neumann\", value = \"0\" }\n"
                  "[[problem.boundary_part]]\n"
                  "sides = [\"left\"]\n"
                  "value = \"0\"\n"),
      "case.toml");
  EXPECT_EQ(c.loss.boundary, pinn::BoundaryMode::hard);
  const pinn::DirichletSides sides = pinn::dirichlet_sides(c.problem);
  EXPECT_TRUE(sides.whole_sides);
  EXPECT_EQ(sides.sides, static_cast<unsigned>(pinn::side_left));
  // The distance vanishes on the left side only.
  const double left[2] = {0.0, 0.5}, right[2] = {1.0, 0.5};
  EXPECT_EQ(c.problem.domain.distance_to_sides(left, sides.sides).value, 0.0);
  EXPECT_GT(c.problem.domain.distance_to_sides(right, sides.sides).value, 0.0);
}

TEST(OperatorCaseFile, ARotatingWindKeepsTheEnergyForEveryNetworkUnlessAnotherFormIsAsked) {
  // A rotating wind (curl 2) is no gradient: the energy with the wind lagged,
  // for smooth and piecewise-linear networks; the residual forms on request.
  const std::string text = square_case("convection = [\"-y\", \"x\"]\n");
  EXPECT_EQ(pinn::parse_case(text, "case.toml").loss.form, pinn::LossForm::energy);
  EXPECT_EQ(pinn::parse_case(text + "[network]\nactivation = \"prelu\"\n", "case.toml").loss.form,
            pinn::LossForm::energy);
  EXPECT_EQ(pinn::parse_case(text + "[loss]\nform = \"strong\"\n", "case.toml").loss.form, pinn::LossForm::strong);
  EXPECT_EQ(pinn::parse_case(text + "[loss]\nform = \"first_order\"\n", "case.toml").loss.form,
            pinn::LossForm::first_order);
}

TEST(OperatorCaseFile, AWindTakesTheEnergyWithTheWindLaggedOrInItsSymmetricForm) {
  // Every wind in space takes the energy form, its wind lagged in the source by default.
  for (const char* wind : {"[\"1\", \"0\"]", "[\"9\", \"0\"]", "[\"-4*y\", \"4*x\"]"}) {
    const pinn::CaseConfig config =
        pinn::parse_case(square_case("convection = " + std::string(wind) + "\n"), "case.toml");
    EXPECT_EQ(config.loss.form, pinn::LossForm::energy) << wind;
    EXPECT_EQ(config.loss.wind, pinn::WindForm::lagged) << wind;
    EXPECT_EQ(config.loss.wind_relaxation, 0.5);
  }
  // loss.wind = "symmetric" where b = a∇φ and the weight e^{−φ} stays within
  // e^{±5}: b = (9, 0) gives e^{±4.5}; b = (12, 0) e^{±6}, refused with the
  // exponent found, and a rotating wind has no potential at all.
  const std::string symmetric = "[loss]\nwind = \"symmetric\"\n";
  EXPECT_EQ(pinn::parse_case(square_case("convection = [\"9\", \"0\"]\n") + symmetric, "case.toml").loss.wind,
            pinn::WindForm::symmetric);
  expect_parts(user_error(square_case("convection = [\"12\", \"0\"]\n") + symmetric),
               {"case.toml:9:8: loss.wind = \"symmetric\"", "within ±5", "reaches ±6", "Use wind = \"lagged\""});
  expect_parts(user_error(square_case("convection = [\"-4*y\", \"4*x\"]\n") + symmetric),
               {"case.toml:9:8: loss.wind", "not a smooth gradient", "Use wind = \"lagged\""});
  expect_parts(user_error(square_case("convection = [\"1\", \"0\"]\n") + "[loss]\nwind = \"upwind\"\n"),
               {"case.toml:9:8: loss.wind", "\"upwind\"", "lagged", "symmetric"});
}

TEST(OperatorCaseFile, AFluxStageTakesTheSymmetricFormOrRefusesALaggedWind) {
  // Levenberg–Marquardt (and natural_gradient with energy_source = "flux")
  // carry the source in a flux computed once, which cannot follow a lagged
  // wind: unless the file asks for loss.wind, such a stage takes the
  // symmetric form where one exists.
  const std::string stages = "[[stage]]\ntype = \"adam\"\niterations = 10\n[[stage]]\ntype = \"ceres_lm\"\n"
                             "iterations = 10\n";
  const std::string gradient_wind = square_case("convection = [\"1\", \"0\"]\n");
  EXPECT_EQ(pinn::parse_case(gradient_wind + stages, "case.toml").loss.wind, pinn::WindForm::symmetric);
  expect_parts(user_error(gradient_wind + "[loss]\nwind = \"lagged\"\n" + stages),
               {"stage.1.type = \"ceres_lm\"", "a lagged wind (loss.wind = \"lagged\") changes the source",
                "natural_gradient"});
  // A rotating wind has no symmetric form: refused with the stages that can train it.
  expect_parts(user_error(square_case("convection = [\"-4*y\", \"4*x\"]\n") + stages),
               {"stage.1.type = \"ceres_lm\"", "energy_source = \"points\"", "adam or ceres_lbfgs"});
  const std::string flux_steps = "[[stage]]\ntype = \"natural_gradient\"\niterations = 10\n"
                                 "energy_source = \"flux\"\n";
  expect_parts(user_error(square_case("convection = [\"-4*y\", \"4*x\"]\n") + flux_steps),
               {"stage.0.energy_source", "found \"flux\"", "allowed: \"points\""});
  EXPECT_EQ(pinn::parse_case(square_case("convection = [\"-4*y\", \"4*x\"]\n") +
                                 "[[stage]]\ntype = \"natural_gradient\"\niterations = 10\nenergy_source = "
                                 "\"points\"\n",
                             "case.toml")
                .loss.wind,
            pinn::WindForm::lagged);
}

TEST(OperatorCaseFile, RefusesFormsTheOperatorRulesOut) {
  const std::string matrix = square_case("diffusion = [[\"1\", \"0\"], [\"0\", \"1\"]]\n");
  expect_parts(user_error(matrix + "[loss]\nform = \"strong\"\n"),
               {"case.toml:9:8: loss.form = \"strong\"", "second derivative", "first_order"});
  const std::string scalar1d =
      "[problem]\nname = \"a\"\ndomain = { type = \"interval\", min = 0.0, max = 1.0 }\nsource = \"-1\"\n"
      "obstacle = \"-0.1\"\ndiffusion = \"1 + x\"\n[network]\nactivation = \"prelu\"\n";
  expect_parts(user_error(scalar1d + "[loss]\nboundary = \"penalty\"\nenergy_integration = \"exact\"\n"),
               {"case.toml:11:22: loss.energy_integration = \"exact\"", "∫a", "\"points\""});
  // Without [loss] the piecewise-linear default pipeline keeps the energy at the points.
  const pinn::CaseConfig chosen = pinn::parse_case(scalar1d, "case.toml");
  EXPECT_FALSE(chosen.loss.exact_energy_integration);
  const std::string convection1d =
      "[problem]\nname = \"c\"\ndomain = { type = \"interval\", min = 0.0, max = 1.0 }\nsource = \"-1\"\n"
      "obstacle = \"-0.1\"\nconvection = [\"2\"]\n[network]\nactivation = \"prelu\"\n";
  EXPECT_FALSE(pinn::parse_case(convection1d, "case.toml").loss.exact_energy_integration);
  expect_parts(user_error(convection1d + "[loss]\nboundary = \"penalty\"\nenergy_integration = \"exact\"\n"),
               {"case.toml:11:22: loss.energy_integration = \"exact\"", "convection"});
}

TEST(OperatorCaseFile, RefusesBadCoefficientsWithTheirPoint) {
  expect_parts(user_error(square_case("diffusion = \"x - 0.5\"\n")),
               {"case.toml:6:13: problem.diffusion", "a <= 0 at (", "allowed: a > 0"});
  expect_parts(user_error(square_case("diffusion = [[\"1\", \"2\"], [\"2\", \"1\"]]\n")),
               {"problem.diffusion", "A is not positive definite at ("});
  expect_parts(user_error(square_case("diffusion = [[\"1\", \"0.1\"], [\"0\", \"1\"]]\n")),
               {"problem.diffusion", "A is not symmetric", "A21 = 0", "A12 = 0.1"});
  expect_parts(user_error(square_case("diffusion = [\"1\", \"2\", \"3\"]\n")),
               {"case.toml:6:13: problem.diffusion", "an array of 3 entries", "2 rows of 2 expressions"});
  expect_parts(user_error(square_case("convection = [\"1\"]\n")),
               {"case.toml:6:14: problem.convection", "allowed: an array of 2 expressions"});
  expect_parts(user_error(square_case("reaction = \"x - 1\"\n")),
               {"case.toml:6:12: problem.reaction", "c = -", "allowed: c >= 0"});
  expect_parts(user_error(square_case("reaction = true\n")),
               {"case.toml:6:12: problem.reaction", "found the boolean", "an expression (a string) or a number"});
}

TEST(OperatorCaseFile, RefusesBadBoundaryParts) {
  const std::string part = "[[problem.boundary_part]]\ntype = \"neumann\"\n";
  expect_parts(user_error(square_case(part + "value = \"0\"\n")),
               {"problem.boundary_part.0", "neither 'sides' nor 'where'"});
  expect_parts(user_error(square_case(part + "value = \"0\"\nsides = [\"north\"]\n")),
               {"case.toml:9:10: problem.boundary_part.0.sides", "found the string \"north\"", "allowed: left|right|bottom|top"});
  expect_parts(user_error(square_case(part + "sides = [\"top\"]\n")),
               {"problem.boundary_part.0.value is missing", "a neumann part needs its value"});
  expect_parts(user_error(square_case(part + "sides = [\"top\"]\nvalue = \"0\"\ncoefficient = \"1\"\n")),
               {"case.toml:10:15: problem.boundary_part.0.coefficient", "κ of a robin part"});
  expect_parts(user_error(square_case("[[problem.boundary_part]]\ntype = \"robin\"\nsides = [\"top\"]\nvalue = \"0\"\n")),
               {"problem.boundary_part.0.coefficient is missing", "needs its κ"});
  expect_parts(user_error(square_case("[[problem.boundary_part]]\ntype = \"robin\"\nsides = [\"top\"]\nvalue = \"0\"\n"
                                      "coefficient = \"x - 1\"\n")),
               {"problem.boundary_part", "coefficient -", "a robin coefficient >= 0"});
  const std::string disk =
      "[problem]\nname = \"d\"\ndomain = { type = \"disk\", center = [0.0, 0.0], radius = 1.0 }\nsource = \"-1\"\n"
      "obstacle = \"-0.1\"\n" +
      part + "value = \"0\"\nsides = [\"top\"]\n";
  expect_parts(user_error(disk), {"case.toml:9:9: problem.boundary_part.0.sides", "has no named sides", "where"});
}

TEST(OperatorCaseFile, HardConditionsNeedWholeDirichletSides) {
  const std::string marker = square_case(
      "[[problem.boundary_part]]\ntype = \"neumann\"\nwhere = \"x > 0.5\"\nvalue = \"0\"\n", "[loss]\nboundary = \"hard\"\n");
  expect_parts(user_error(marker), {"case.toml:12:12: loss.boundary = \"hard\"", "whole sides", "\"penalty\""});
  const std::string own_value = square_case(
      "[[problem.boundary_part]]\nsides = [\"left\"]\nvalue = \"1\"\n", "[loss]\nboundary = \"hard\"\n");
  expect_parts(user_error(own_value), {"loss.boundary = \"hard\"", "a value of its own", "problem.lift"});
}

TEST(OperatorCaseFile, LeastSquaresStagesRefuseTheEnergyWithNeumannPartsIn2D) {
  const std::string text = square_case(
      "[[problem.boundary_part]]\ntype = \"neumann\"\nsides = [\"top\"]\nvalue = \"0\"\n",
      "[[stage]]\ntype = \"ceres_lm\"\niterations = 10\n");
  expect_parts(user_error(text), {"case.toml:12:8: stage.0.type = \"ceres_lm\"", "linear in u", "first_order"});
  // A Robin part (κ > 0) is a square; so is one Neumann end of an interval.
  EXPECT_NO_THROW(pinn::parse_case(
      square_case("[[problem.boundary_part]]\ntype = \"robin\"\nsides = [\"top\"]\nvalue = \"0\"\ncoefficient = 1\n",
                  "[[stage]]\ntype = \"ceres_lm\"\niterations = 10\n"),
      "case.toml"));
  EXPECT_NO_THROW(pinn::parse_case(
      "[problem]\nname = \"n1\"\ndomain = { type = \"interval\", min = 0.0, max = 1.0 }\nsource = \"-1\"\n"
      "obstacle = \"-0.1\"\n[[problem.boundary_part]]\ntype = \"neumann\"\nsides = [\"right\"]\nvalue = \"0\"\n"
      "[[stage]]\ntype = \"ceres_lm\"\niterations = 10\n",
      "case.toml"));
}

}  // namespace

/// @file tests/solver/test_time_case_file.cpp
/// @brief [problem.time] and [parabolic] of a case file: the time-dependent data, and every refusal
/// with its location, what was found and what is allowed.
#include "physics/parabolic_problem.hpp"
#include "solver/case_file.hpp"
#include "user_error_message.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace {

using pinn_test::expect_parts;

/// A 1D time-dependent case: the membrane sinks onto ψ = 0 as the boundary values fall.
std::string time_case(const std::string& extra_problem = "", const std::string& extra = "") {
  return "[problem]\n"
         "name = \"heat\"\n"
         "domain = { type = \"interval\", min = 0.0, max = 1.0 }\n"
         "source = \"-1 + t\"\n"
         "obstacle = \"0\"\n"
         "boundary = { type = \"dirichlet\", value = \"0.5*(1 - t)\" }\n" +
         extra_problem + "time = { final_time = 0.5, initial = \"0.5\" }\n" + extra;
}

std::string error_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return pinn_test::user_error_of([&] { pinn::parse_case(text, "case.toml", overrides); });
}

TEST(TimeCaseFile, DataDependOnTime) {
  const pinn::CaseConfig c = pinn::parse_case(time_case(), "case.toml", {});
  ASSERT_TRUE(c.parabolic);
  const pinn::ParabolicProblem& p = *c.parabolic;
  EXPECT_DOUBLE_EQ(p.final_time, 0.5);
  const double x[1] = {0.0};
  EXPECT_DOUBLE_EQ(p.source(x, 0.25), -0.75);
  EXPECT_DOUBLE_EQ(p.boundary(x, 0.2), 0.4);
  EXPECT_DOUBLE_EQ(p.initial(x), 0.5);
  // The elliptic problem holds the data at t = 0; at(t) freezes them at t.
  EXPECT_DOUBLE_EQ(c.problem.source(x), -1.0);
  const pinn::ObstacleProblem later = p.at(0.4);
  EXPECT_DOUBLE_EQ(later.source(x), -0.6);
  EXPECT_DOUBLE_EQ(later.boundary(x), 0.3);
  EXPECT_DOUBLE_EQ(later.lower_obstacle(x), 0.0);
  // [parabolic] defaults.
  EXPECT_EQ(c.time_stepping.steps, 20);
  EXPECT_EQ(c.time_stepping.scheme, pinn::TimeScheme::bdf2);
}

TEST(TimeCaseFile, ParabolicSection) {
  const pinn::CaseConfig c = pinn::parse_case(
      time_case("", "[parabolic]\nsteps = 8\nscheme = \"implicit_euler\"\nlater_levels = 0.75\nprobes = [[0.25], [0.5]]\n"),
      "case.toml", {"parabolic.reference_steps=64"});
  EXPECT_EQ(c.time_stepping.steps, 8);
  EXPECT_EQ(c.time_stepping.scheme, pinn::TimeScheme::implicit_euler);
  EXPECT_DOUBLE_EQ(c.time_stepping.later_levels, 0.75);
  EXPECT_EQ(c.time_stepping.reference_steps, 64);
  ASSERT_EQ(c.time_stepping.probes.size(), 2u);
  EXPECT_DOUBLE_EQ(c.time_stepping.probes[1][0], 0.5);
}

TEST(TimeCaseFile, TimeWithoutTimeTableIsRefused) {
  const std::string text = "[problem]\nname = \"p\"\ndomain = { type = \"interval\" }\nsource = \"t\"\nobstacle = \"0\"\n";
  expect_parts(error_of(text), {"case.toml:4:10: problem.source", "uses t", "no problem.time table",
                                "allowed: x, y, z"});
}

TEST(TimeCaseFile, OperatorMustNotDependOnTime) {
  expect_parts(error_of(time_case("reaction = \"1 + t\"\n")),
               {"case.toml:7:", "problem.reaction", "uses t", "the operator L does not depend on time"});
}

TEST(TimeCaseFile, InitialValueChecks) {
  // Below the obstacle.
  expect_parts(error_of(time_case(), {"problem.time.initial=\"0.5 - 3*x*(1 - x)\""}),
               {"problem.time.initial", "is below the obstacle", "allowed: u(x, 0) >= obstacle(x, 0)"});
  // Not meeting the boundary data at t = 0.
  expect_parts(error_of(time_case(), {"problem.time.initial=\"0.6\""}),
               {"problem.time.initial", "boundary value g(x, 0) = 0.5", "compatible at t = 0"});
  // Of t.
  expect_parts(error_of(time_case(), {"problem.time.initial=\"0.5 + t\""}),
               {"problem.time.initial", "uses t", "the initial value u(x, 0) does not depend on time"});
}

TEST(TimeCaseFile, FinalTimeChecks) {
  expect_parts(error_of(time_case(), {"problem.time.final_time=0"}),
               {"--set", "problem.time.final_time", "found 0", "allowed"});
  const std::string missing = "[problem]\nname = \"p\"\ndomain = { type = \"interval\" }\nobstacle = \"0\"\n"
                              "time = { initial = \"0\" }\n";
  expect_parts(error_of(missing), {"case.toml:5:", "problem.time.final_time is missing", "T > 0"});
}

TEST(TimeCaseFile, ParabolicSectionRefusals) {
  const std::string elliptic = "[problem]\nname = \"p\"\ndomain = { type = \"interval\" }\nobstacle = \"0\"\n"
                               "[parabolic]\nsteps = 4\n";
  expect_parts(error_of(elliptic), {"case.toml:5:", "[parabolic]", "no [problem.time] table"});
  expect_parts(error_of(time_case("", "[parabolic]\nprobes = [[1.5]]\n")),
               {"case.toml:9:", "parabolic.probes[0]", "outside the interval", "allowed"});
  expect_parts(error_of(time_case("", "[parabolic]\nprobes = [[0.1, 0.2]]\n")),
               {"parabolic.probes[0]", "allowed: an array of points, each an array of 1 numbers"});
  expect_parts(error_of(time_case("", "[parabolic]\nsteps = 10\nreference_steps = 15\n")),
               {"parabolic.reference_steps", "found 15", "a multiple of parabolic.steps = 10"});
  expect_parts(error_of(time_case("", "[parabolic]\nscheme = \"crank_nicolson\"\n")),
               {"parabolic.scheme", "crank_nicolson", "bdf2|implicit_euler"});
  expect_parts(error_of(time_case("", "[parabolic]\nmethod = \"spacetime\"\n")),
               {"parabolic.method", "spacetime", "allowed: rothe|space_time"});
  // The time stepping's keys mean nothing to one network of (x, t).
  expect_parts(error_of(time_case("", "[parabolic]\nmethod = \"space_time\"\nlater_levels = 0.3\n")),
               {"case.toml:10:", "parabolic.later_levels", "found", "method = \"space_time\"",
                "choose method = \"rothe\""});
}

}  // namespace

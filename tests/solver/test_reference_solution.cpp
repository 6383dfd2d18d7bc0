/// @file tests/solver/test_reference_solution.cpp
/// @brief The FD reference as the solver uses it, against step-41 point values
/// of a 1024 x 1024 reference solve (tests/data/step41_points.csv; how they were
/// made and the command that regenerates them: tests/data/README.md).
#include "nn/error.hpp"
#include "solver/case_file.hpp"
#include "solver/reference_solution.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace {

TEST(ReferenceSolution, Step41PointValuesMatchThePublishedReference) {
  const pinn::CaseConfig config = pinn::load_case_file(std::string(PINN_SOURCE_DIR) + "/cases/step41.toml");
  const auto reference = pinn::ReferenceSolution::from_fd(config.problem, 256);
  ASSERT_EQ(reference->kind(), pinn::ReferenceKind::fd);
  std::ifstream in(std::string(PINN_TEST_DATA_DIR) + "/step41_points.csv");
  ASSERT_TRUE(in.good());
  std::string line;
  std::getline(in, line);  // header
  int checked = 0;
  while (std::getline(in, line)) {
    std::istringstream row(line);
    double x[2], expected;
    char comma;
    row >> x[0] >> comma >> x[1] >> comma >> expected;
    // N = 256 differs from N = 1024 by at most 1e-5 at these points (tests/data/README.md).
    EXPECT_NEAR(reference->value(x), expected, 5e-5) << "at (" << x[0] << ", " << x[1] << ")";
    ++checked;
  }
  EXPECT_EQ(checked, 7);
  const double on_step[2] = {-0.25, 0.5};
  EXPECT_TRUE(reference->in_contact(on_step)) << "u(−0.25, 0.5) lies on the −0.4 step";
  const double free_point[2] = {0.875, 0.0};
  EXPECT_FALSE(reference->in_contact(free_point));
}

TEST(ReferenceSolution, ExactReferenceContactIsTheSetWhereUEqualsPsi) {
  const pinn::CaseConfig config = pinn::load_case_file(std::string(PINN_SOURCE_DIR) + "/cases/obstacle1d.toml");
  const auto reference = pinn::ReferenceSolution::for_problem(config.problem, 0);
  ASSERT_EQ(reference->kind(), pinn::ReferenceKind::exact);
  const double inside = 0.5, outside = 0.2, edge_in = std::sqrt(3.0) / 4 + 1e-6, edge_out = std::sqrt(3.0) / 4 - 1e-6;
  EXPECT_TRUE(reference->in_contact(&inside));
  EXPECT_TRUE(reference->in_contact(&edge_in));
  EXPECT_FALSE(reference->in_contact(&outside));
  EXPECT_FALSE(reference->in_contact(&edge_out));
}

TEST(ReferenceSolution, DiskDomainsNeedAnExactSolution) {
  pinn::ObstacleProblem problem;
  problem.domain = pinn::Domain::disk({0, 0}, 1);
  problem.source = [](const double*) { return 0.0; };
  problem.boundary = [](const double*) { return 0.0; };
  problem.lower_obstacle = [](const double*) { return -1.0; };
  EXPECT_EQ(pinn::ReferenceSolution::for_problem(problem, 0), nullptr);
  EXPECT_THROW(pinn::ReferenceSolution::from_fd(problem, 32), pinn::UserError);
}

}  // namespace

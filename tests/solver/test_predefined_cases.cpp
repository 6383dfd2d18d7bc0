/// @file tests/solver/test_predefined_cases.cpp
/// @brief Every predefined case runs from its case file with a small budget and
/// reports its error against the exact solution or the FD reference.
#include "solver/case_file.hpp"
#include "solver/obstacle_solver.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

namespace {

struct PredefinedCase {
  std::string name;
  std::string reference;  ///< expected metrics.reference
  int interior;
};

void PrintTo(const PredefinedCase& c, std::ostream* out) { *out << c.name; }

class PredefinedCases : public ::testing::TestWithParam<PredefinedCase> {};

TEST_P(PredefinedCases, RunsWithASmallBudgetAndMeasuresItsError) {
  const PredefinedCase& c = GetParam();
  const std::string path = std::string(PINN_SOURCE_DIR) + "/cases/" + c.name + ".toml";
  pinn::CaseConfig config = pinn::load_case_file(
      path, {"sampling.interior=" + std::to_string(c.interior), "reference.cells=32", "output.evaluation_points=21"});
  for (pinn::StageConfig& stage : config.stages) {
    stage.iterations = 100;
    stage.schedule.total = 100;
    stage.multiplier_updates = 0;  // a multiplier update redefines the loss: compare like with like
  }
  pinn::RunOptions options;
  options.quiet = true;
  options.write_files = false;
  pinn::ObstacleSolver solver(config, options);
  const pinn::RunResult result = solver.run();
  EXPECT_EQ(result.status, "ok");
  EXPECT_EQ(result.metrics.reference, c.reference);
  EXPECT_TRUE(std::isfinite(result.metrics.rel_l2));
  EXPECT_GT(result.metrics.rel_l2, 0.0);
  EXPECT_LT(result.metrics.rel_l2, 10.0) << "a 100-iteration run is inaccurate but not absurd";
  ASSERT_EQ(result.stages.size(), config.stages.size());
  for (const pinn::StageSummary& stage : result.stages) {
    EXPECT_GE(stage.iterations, 1) << stage.name;
    EXPECT_LE(stage.iterations, 100) << stage.name;
  }
  EXPECT_EQ(result.stages[0].iterations, 100);
  EXPECT_LT(result.stages[0].loss_end, result.stages[0].loss_start) << "training lowers the loss";
}

std::string case_name(const ::testing::TestParamInfo<PredefinedCase>& param_info) { return param_info.param.name; }

INSTANTIATE_TEST_SUITE_P(AllCases, PredefinedCases,
                         ::testing::Values(PredefinedCase{"obstacle1d", "exact", 64},
                                           PredefinedCase{"obstacle1d_prelu", "exact", 64},
                                           PredefinedCase{"nonsymmetric1d", "exact", 64},
                                           PredefinedCase{"double_obstacle1d", "fd", 64},
                                           PredefinedCase{"radial2d", "exact", 256},
                                           PredefinedCase{"radial2d_leaky", "exact", 256},
                                           PredefinedCase{"step41", "fd", 256},
                                           PredefinedCase{"step41_leaky", "fd", 256},
                                           PredefinedCase{"box3d", "fd", 512}),
                         case_name);

TEST(PredefinedCases, EveryCaseFileIsCoveredAbove) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(PINN_SOURCE_DIR) + "/cases"))
    count += entry.path().extension() == ".toml";
  EXPECT_EQ(count, 9) << "add the new case to the list above";
}

}  // namespace

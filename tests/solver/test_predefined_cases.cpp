/// @file tests/solver/test_predefined_cases.cpp
/// @brief Every predefined case runs from its case file with a small budget,
/// reports its error against the exact solution or the FD reference, and stays
/// within that case's bound on the error.
#include "solver/case_file.hpp"
#include "solver/obstacle_solver.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <sstream>

namespace {

struct PredefinedCase {
  std::string name;
  std::string reference;  ///< expected metrics.reference, by name
  int interior;
  /// Bound on metrics.rel_l2 after the short run below: about 2.5× the
  /// value measured at 1 and 2 threads (the runs are deterministic for the
  /// case's seed), so that a change that makes a case train worse fails here.
  double max_rel_l2;
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
    stage.multiplier_updates = 0;  // a multiplier update redefines the loss: compare like with like
    stage.select_last_rounds = 0;  // no rounds to select from
    stage.select_penalty = 1.0;    // nor a validation loss to weigh
  }
  pinn::RunOptions options;
  options.quiet = true;
  options.write_files = false;
  pinn::ObstacleSolver solver(config, options);
  const pinn::RunResult result = solver.run();
  EXPECT_EQ(result.status, pinn::RunStatus::ok);
  EXPECT_EQ(pinn::to_string(result.metrics.reference), c.reference);
  EXPECT_TRUE(std::isfinite(result.metrics.rel_l2));
  EXPECT_GT(result.metrics.rel_l2, 0.0);
  std::ostringstream measured;
  measured.precision(6);
  measured << result.metrics.rel_l2;
  RecordProperty("rel_l2", measured.str());  // in --gtest_output=xml, for re-measuring the bounds
  EXPECT_LT(result.metrics.rel_l2, c.max_rel_l2) << "the short run trains worse than it did when the bound was set";
  ASSERT_EQ(result.stages.size(), config.stages.size());
  for (const pinn::StageSummary& stage : result.stages) {
    EXPECT_GE(stage.iterations, 1) << stage.name;
    EXPECT_LE(stage.iterations, 100) << stage.name;
  }
  EXPECT_EQ(result.stages[0].iterations, 100);
  EXPECT_LT(result.stages[0].loss_end, result.stages[0].loss_start) << "training lowers the loss";
}

std::string case_name(const ::testing::TestParamInfo<PredefinedCase>& param_info) { return param_info.param.name; }

// rel_l2 measured in this configuration (seed 1; the same at 1, 2 and 3
// threads): obstacle1d 2.108e-2, obstacle1d_prelu 2.078e-2, nonsymmetric1d
// 1.369e-1, double_obstacle1d 1.754e-1, radial2d 4.883e-2, radial2d_leaky
// 4.039e-2 (the exact fit at its LBFGS stage's end; 1.685e-1 without),
// step41 2.511e-1, step41_leaky 6.745e-2 (6.326e-2 without the fit), box3d 5.573e-1,
// lshape 5.344e-2
// (its Gauss–Newton stages, on 1024 points), convection1d 4.060e-2 (its wind lagged, and
// without a multiplier round ũ stays the Adam stage's network; 1.039e-2 when its
// symmetric form was the default), varcoef2d 3.025e-3 and
// mixed2d 5.111e-3 (their Gauss–Newton stages, on 1024 points: on 256 the
// 697 parameters fit the points and not the solution, 0.12 and 0.77),
// torsion2d 3.318e-2 (its Gauss–Newton stages, on 1024 points like those two),
// bearing 9.347e-2 (its Gauss–Newton stages, on 1024 points like torsion2d). After a
// change that moves them on purpose, re-measure (`solver_tests
// --gtest_filter='AllCases/*' --gtest_output=xml:FILE` records each as the
// property rel_l2) and set the bounds again.
INSTANTIATE_TEST_SUITE_P(AllCases, PredefinedCases,
                         ::testing::Values(PredefinedCase{"obstacle1d", "exact", 64, 0.05},
                                           PredefinedCase{"obstacle1d_prelu", "exact", 64, 0.05},
                                           PredefinedCase{"nonsymmetric1d", "exact", 64, 0.35},
                                           PredefinedCase{"double_obstacle1d", "fd", 64, 0.45},
                                           PredefinedCase{"radial2d", "exact", 256, 0.12},
                                           PredefinedCase{"radial2d_leaky", "exact", 256, 0.42},
                                           PredefinedCase{"step41", "fd", 256, 0.65},
                                           PredefinedCase{"step41_leaky", "fd", 256, 0.16},
                                           PredefinedCase{"box3d", "fd", 512, 1.4},
                                           PredefinedCase{"lshape", "fe", 1024, 0.15},
                                           PredefinedCase{"convection1d", "exact", 64, 0.1},
                                           PredefinedCase{"varcoef2d", "exact", 1024, 0.0076},
                                           PredefinedCase{"mixed2d", "exact", 1024, 0.013},
                                           PredefinedCase{"torsion2d", "fe", 1024, 0.082},
                                           PredefinedCase{"bearing", "fd", 1024, 0.24}),
                         case_name);

TEST(PredefinedCases, EveryCaseFileIsCoveredAbove) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(PINN_SOURCE_DIR) + "/cases"))
    count += entry.path().extension() == ".toml";
  EXPECT_EQ(count, 18) << "add the new case to the list above (time-dependent ones: tests/solver/test_rothe_solver.cpp)";
}

}  // namespace

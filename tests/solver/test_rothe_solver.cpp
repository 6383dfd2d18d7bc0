/// @file tests/solver/test_rothe_solver.cpp
/// @brief Rothe's method (solver/rothe_solver.hpp): each level is the elliptic problem of the time
/// scheme — checked against the FD/PDAS reference stepped with the same scheme and steps, whose
/// levels the networks must reproduce up to their spatial error while the exact solution differs by
/// the (much larger) time error — and the time series a run writes, also when interrupted.
#include "physics/parabolic_fd_reference.hpp"
#include "physics/parabolic_problem.hpp"
#include "solver/case_file.hpp"
#include "solver/rothe_solver.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

/// The manufactured problem of cases/parabolic1d.toml on (0, 0.2] with a short pipeline: the contact
/// set [0, s(t)] grows with s = 0.5 − 0.2e^{−2t}.
std::string short_case(const std::string& scheme, int steps) {
  return "[problem]\n"
         "name = \"rothe_test\"\n"
         "domain = { type = \"interval\", min = 0.0, max = 1.0 }\n"
         "source = \"0.2*pi^2*sin(pi*x) - 2 - 0.8*exp(-2*t)*max(x - 0.5 + 0.2*exp(-2*t), 0)\"\n"
         "obstacle = \"0.2*sin(pi*x)\"\n"
         "boundary = { type = \"dirichlet\", value = \"0.2*sin(pi*x) + max(x - 0.5 + 0.2*exp(-2*t), 0)^2\" }\n"
         "exact = \"0.2*sin(pi*x) + max(x - 0.5 + 0.2*exp(-2*t), 0)^2\"\n"
         "time = { final_time = 0.2, initial = \"0.2*sin(pi*x) + max(x - 0.3, 0)^2\" }\n"
         "[network]\nhidden = [16, 16]\n"
         "[sampling]\ninterior = 256\n"
         "[[stage]]\ntype = \"adam\"\niterations = 600\nlearning_rate = 1e-2\nmultiplier_updates = 5\n"
         "[[stage]]\ntype = \"ceres_lm\"\niterations = 200\nmultiplier_updates = 20\n"
         "[parabolic]\nsteps = " +
         std::to_string(steps) + "\nscheme = \"" + scheme + "\"\nlater_levels = 0.5\nprobes = [[0.25], [0.8]]\n";
}

fs::path scratch(const std::string& tag) {
  return fs::temp_directory_path() / ("pinn_rothe_" + tag + "_" + std::to_string(::getpid()));
}

std::string read(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(RotheSolver, LevelsAreTheTimeSchemesEllipticProblems) {
  const pinn::CaseConfig config = pinn::parse_case(short_case("implicit_euler", 4), "case.toml", {});
  pinn::RunOptions options;
  options.quiet = true;
  options.write_files = false;
  const pinn::RotheResult result = pinn::RotheSolver(config, options).run();
  ASSERT_EQ(result.status, pinn::RunStatus::ok);
  ASSERT_EQ(result.levels.size(), 4u);

  // The same scheme and steps by finite differences on a fine grid.
  pinn::ParabolicFdOptions fd_options;
  fd_options.scheme = pinn::ParabolicScheme::implicit_euler;
  const pinn::ParabolicFdSolution fd =
      pinn::solve_parabolic_fd_reference(pinn::parabolic_fd_problem(*config.parabolic, 1024, 4), fd_options);
  ASSERT_TRUE(fd.converged);
  // Level by level: the networks against the scheme's levels, and the scheme against the exact solution.
  const std::vector<double>& x = result.x;
  std::vector<double> to_scheme, time_error;
  for (std::size_t n = 1; n < fd.times.size(); ++n) {
    double pinn_fd = 0, fd_exact = 0, norm = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double scheme = fd.snapshots[n].interpolate(&x[i]), exact = config.parabolic->exact(&x[i], fd.times[n]);
      const double u = result.u_by_level[n][i];
      pinn_fd += (u - scheme) * (u - scheme), fd_exact += (scheme - exact) * (scheme - exact), norm += exact * exact;
    }
    to_scheme.push_back(std::sqrt(pinn_fd / norm));
    time_error.push_back(std::sqrt(fd_exact / norm));
  }
  // Level 1 is one implicit-Euler step from the exact u₀: the network reproduces that step (measured
  // 1.8e-4), not the exact solution, which differs by the step's time error (1.4e-3).
  EXPECT_LT(to_scheme[0], 5e-4);
  EXPECT_GT(time_error[0], 3 * to_scheme[0]);
  EXPECT_NEAR(result.levels[0].rel_l2, time_error[0], to_scheme[0]);
  // Later levels add each level's spatial error (measured 8e-4, 9e-4, 2.5e-3 with this short pipeline).
  for (std::size_t n = 1; n < to_scheme.size(); ++n) EXPECT_LT(to_scheme[n], 6e-3) << "level " << n + 1;
}

TEST(RotheSolver, WritesTheTimeSeries) {
  const fs::path dir = scratch("files");
  fs::remove_all(dir);
  // What a killed run left: its staged levels, which this run discards.
  fs::create_directories(dir / "levels.partial" / "level_0009");
  const pinn::CaseConfig config = pinn::parse_case(short_case("bdf2", 2), "case.toml", {});
  pinn::RunOptions options;
  options.quiet = true;
  options.output_directory = dir.string();
  const pinn::RotheResult result = pinn::RotheSolver(config, options).run();
  ASSERT_EQ(result.status, pinn::RunStatus::ok);
  EXPECT_EQ(result.reference, "exact");
  EXPECT_LT(result.rel_l2, 1e-2);
  for (const char* file : {"case.toml", "summary.json", "history.csv", "solution.pvd", "probes.csv",
                           "free_boundary.csv", "solution_xt.vtr", "levels/level_0001/solution.vtu",
                           "levels/level_0002/summary.json"})
    EXPECT_TRUE(fs::exists(dir / file)) << file;
  // The levels were staged in levels.partial/ and moved to levels/ with the other results.
  EXPECT_FALSE(fs::exists(dir / "levels.partial"));
  EXPECT_FALSE(fs::exists(dir / "levels" / "level_0009"));
  const std::string pvd = read(dir / "solution.pvd");
  EXPECT_NE(pvd.find("timestep=\"0.1\" part=\"0\" file=\"levels/level_0001/solution.vtu\""), std::string::npos) << pvd;
  EXPECT_NE(pvd.find("timestep=\"0.2\""), std::string::npos) << pvd;
  const nlohmann::json summary = nlohmann::json::parse(read(dir / "summary.json"));
  EXPECT_EQ(summary["status"], "ok");
  EXPECT_EQ(summary["metrics"]["reference"], "exact");
  EXPECT_EQ(summary["levels"].size(), 2u);
  EXPECT_EQ(summary["time_dependent"]["scheme"], "bdf2");
  // probes.csv: the header, t = 0 (u₀) and one row per level; u₀(0.25) = 0.2 sin(π/4).
  std::istringstream probes(read(dir / "probes.csv"));
  std::string header, first;
  std::getline(probes, header);
  std::getline(probes, first);
  EXPECT_EQ(header, "time,\"u(0.25)\",\"u(0.8)\"");
  EXPECT_NEAR(std::stod(first.substr(first.find(',') + 1)), 0.2 * std::sin(M_PI / 4), 1e-9);
  // free_boundary.csv: the contact set [0, s(t)], s(0.2) = 0.5 − 0.2e^{−0.4} ≈ 0.366.
  const std::string free_boundary = read(dir / "free_boundary.csv");
  const std::string last_row = free_boundary.substr(free_boundary.rfind("0.2,0,"));
  EXPECT_NEAR(std::stod(last_row.substr(last_row.rfind(',') + 1)), 0.5 - 0.2 * std::exp(-0.4), 2e-2) << free_boundary;
  fs::remove_all(dir);
}

TEST(RotheSolver, InterruptedRunKeepsTheLevelsDone) {
  const fs::path dir = scratch("interrupted");
  fs::remove_all(dir);
  const pinn::CaseConfig config = pinn::parse_case(short_case("bdf2", 3), "case.toml", {});
  pinn::RunOptions options;
  options.quiet = true;
  options.output_directory = dir.string();
  options.stop_after = 100;  // inside level 1's Adam stage
  const pinn::RotheResult result = pinn::RotheSolver(config, options).run();
  EXPECT_EQ(result.status, pinn::RunStatus::interrupted);
  EXPECT_EQ(result.levels.size(), 1u);
  const nlohmann::json summary = nlohmann::json::parse(read(dir / "summary.json"));
  EXPECT_EQ(summary["status"], "interrupted");
  EXPECT_EQ(summary["time_dependent"]["levels_done"], 1);
  fs::remove_all(dir);
}

TEST(RotheSolver, DataOfEveryLevelAreCheckedBeforeAnythingIsWritten) {
  // f is finite at t = 0 but not at the second level's time, t = 0.2: refused before the folder exists.
  const fs::path dir = scratch("refused");
  fs::remove_all(dir);
  std::string text = short_case("bdf2", 2);
  text.replace(text.find("source = \""), std::string("source = \"").size(), "source = \"1/(t - 0.2) + ");
  const pinn::CaseConfig config = pinn::parse_case(text, "case.toml", {});
  pinn::RunOptions options;
  options.quiet = true;
  options.output_directory = dir.string();
  try {
    pinn::RotheSolver solver(config, options);
    FAIL() << "a source that is infinite at t = 0.2 must be refused";
  } catch (const pinn::UserError& error) {
    EXPECT_NE(std::string(error.what()).find("t = 0.2"), std::string::npos) << error.what();
  }
  EXPECT_FALSE(fs::exists(dir));
}

TEST(RotheSolver, RefusesEllipticCasesAndObstacleSolverRefusesTimeDependentOnes) {
  pinn::CaseConfig elliptic = pinn::load_case_file(std::string(PINN_SOURCE_DIR) + "/cases/obstacle1d.toml");
  EXPECT_THROW(pinn::RotheSolver(elliptic, {}), pinn::UserError);
  const pinn::CaseConfig parabolic = pinn::parse_case(short_case("bdf2", 2), "case.toml", {});
  EXPECT_THROW(pinn::ObstacleSolver(parabolic, {}), pinn::UserError);
}

}  // namespace

namespace {

/// The predefined time-dependent cases, as test_predefined_cases.cpp runs the elliptic ones: two
/// levels, 100 iterations per stage, within about 2.5× the error measured when the bound was set.
struct TimeCase {
  std::string name, reference;
  double max_rel_l2;
};
void PrintTo(const TimeCase& c, std::ostream* out) { *out << c.name; }
class PredefinedTimeCases : public ::testing::TestWithParam<TimeCase> {};

TEST_P(PredefinedTimeCases, RunTwoShortLevelsAndMeasureTheirError) {
  const TimeCase& c = GetParam();
  pinn::CaseConfig config = pinn::load_case_file(std::string(PINN_SOURCE_DIR) + "/cases/" + c.name + ".toml",
                                                 {"parabolic.steps=2", "sampling.interior=64", "reference.cells=64",
                                                  "output.evaluation_points=21"});
  for (pinn::StageConfig& stage : config.stages) {
    stage.iterations = 100;
    stage.multiplier_updates = 0;
    stage.select_last_rounds = 0;
  }
  pinn::RunOptions options;
  options.quiet = true;
  options.write_files = false;
  const pinn::RotheResult result = pinn::RotheSolver(config, options).run();
  EXPECT_EQ(result.status, pinn::RunStatus::ok);
  EXPECT_EQ(result.levels.size(), 2u);
  EXPECT_EQ(result.reference, c.reference);
  EXPECT_GT(result.rel_l2, 0.0);
  RecordProperty("rel_l2", std::to_string(result.rel_l2));
  EXPECT_LT(result.rel_l2, c.max_rel_l2);
}

std::string time_case_name(const ::testing::TestParamInfo<TimeCase>& param_info) { return param_info.param.name; }

// rel_l2 measured in this configuration (seed 1, 2 threads): parabolic1d 9.31e-3, american_put 4.81e-3,
// membrane2d 2.49e-1 (2D: 100 iterations are far from trained; the bound catches a broken level).
INSTANTIATE_TEST_SUITE_P(TimeCases, PredefinedTimeCases,
                         ::testing::Values(TimeCase{"parabolic1d", "exact", 0.025}, TimeCase{"american_put", "fd", 0.012},
                                           TimeCase{"membrane2d", "fd", 0.62}),
                         time_case_name);

}  // namespace

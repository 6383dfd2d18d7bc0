/// @file tests/solver/test_rothe_solver.cpp
/// @brief Rothe's method (solver/rothe_solver.hpp): each level is the elliptic problem of the time
/// scheme — checked against the FD/PDAS reference stepped with the same scheme and steps, whose
/// levels the networks must reproduce up to their spatial error while the exact solution differs by
/// the (much larger) time error — and the time series a run writes, also when interrupted.
#include "physics/fd_reference_solver.hpp"
#include "physics/parabolic_fd_reference.hpp"
#include "physics/parabolic_problem.hpp"
#include "solver/case_file.hpp"
#include "solver/rothe_solver.hpp"
#include "solver/rothe_steps.hpp"
#include "solver/stages/gradient_step_stage.hpp"

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

/// The levels of a step plan (solver/rothe_steps.hpp) with finite differences in space in place of the
/// networks: each step's elliptic problem solved by the FD/PDAS reference solver on p's grid.
std::vector<pinn::FdReferenceSolution> fd_levels(const pinn::ParabolicFdProblem& p,
                                                 const std::vector<pinn::RotheStep>& plan) {
  pinn::ParabolicFdProblem first = p;  // u₀ on the grid: the t = 0 snapshot of a one-step solve
  first.n_steps = 1;
  pinn::ParabolicFdOptions initial;
  initial.output_times = {0.0};
  initial.rannacher_steps = 1;
  std::vector<pinn::FdReferenceSolution> solutions = {
      pinn::solve_parabolic_fd_reference(first, initial).snapshots.at(0)};
  std::vector<pinn::FdReferenceSolution> levels;
  for (const pinn::RotheStep& step : plan) {
    pinn::FdReferenceProblem e;
    e.dim = p.dim;
    e.lower = p.lower;
    e.upper = p.upper;
    e.n_cells = p.n_cells;
    e.op = p.op;
    const double r = step.reaction(), t = step.time;
    const pinn::ScalarFunction c = p.op.reaction;
    e.op.reaction = c ? pinn::ScalarFunction([c, r](const double* x) { return c(x) + r; })
                      : pinn::ScalarFunction([r](const double*) { return r; });
    const std::vector<double> c_k = step.history;
    const double length = step.length;
    e.source = [&p, &solutions, c_k, length, t](const double* x) {
      double history = 0;
      for (std::size_t k = 0; k < c_k.size(); ++k)
        if (c_k[k] != 0.0) history += c_k[k] * solutions[k].interpolate(x);
      return p.source(x, t) + history / length;
    };
    e.boundary = [&p, t](const double* x) { return p.boundary(x, t); };
    if (p.lower_obstacle) e.lower_obstacle = [&p, t](const double* x) { return p.lower_obstacle(x, t); };
    pinn::FdReferenceSolution solved = pinn::solve_fd_reference(e);
    EXPECT_TRUE(solved.converged) << "step at t = " << t;
    solutions.push_back(std::move(solved));
    if (step.level > 0) levels.push_back(solutions.back());
  }
  return levels;
}

/// Per level and over space–time: the relative L2 distance of `levels` to Crank–Nicolson with 32 times
/// as many steps on the same grid (the time error of the plan alone); the last entry is space–time.
std::vector<double> time_errors(const pinn::ParabolicFdProblem& p, const std::vector<pinn::FdReferenceSolution>& levels) {
  pinn::ParabolicFdProblem fine = p;
  fine.n_steps = 32 * p.n_steps;
  pinn::ParabolicFdOptions options;
  for (int n = 1; n <= p.n_steps; ++n) options.output_times.push_back(p.final_time * n / p.n_steps);
  const pinn::ParabolicFdSolution reference = pinn::solve_parabolic_fd_reference(fine, options);
  std::vector<double> errors;
  double e2 = 0, r2 = 0;
  for (std::size_t n = 0; n < levels.size(); ++n) {
    const std::vector<double>& ref = reference.snapshots.at(reference.snapshots.size() - levels.size() + n).u;
    double le = 0, lr = 0;
    for (std::size_t i = 0; i < ref.size(); ++i)
      le += (levels[n].u[i] - ref[i]) * (levels[n].u[i] - ref[i]), lr += ref[i] * ref[i];
    errors.push_back(std::sqrt(le / lr));
    e2 += le, r2 += lr;
  }
  errors.push_back(std::sqrt(e2 / r2));
  return errors;
}

TEST(RotheSteps, Bdf2TakesItsFirstTwoLevelsBySdirk) {
  const std::vector<pinn::RotheStep> plan = pinn::rothe_steps(pinn::TimeScheme::bdf2, 1.0, 5);
  ASSERT_EQ(plan.size(), 7u);  // a stage before each of levels 1 and 2
  const std::vector<int> levels = {0, 1, 0, 2, 3, 4, 5};
  const double gamma = 1 - std::sqrt(0.5);
  const std::vector<double> times = {0.2 * gamma, 0.2, 0.2 + 0.2 * gamma, 0.4, 0.6, 0.8, 1.0};
  for (std::size_t j = 0; j < plan.size(); ++j) {
    EXPECT_EQ(plan[j].level, levels[j]) << j;
    EXPECT_NEAR(plan[j].time, times[j], 1e-14) << j;
    // A constant u solves u_t = 0: the history's coefficients add up to the mass.
    double sum = 0;
    for (const double c : plan[j].history) sum += c;
    EXPECT_NEAR(sum, plan[j].mass, 1e-12) << j;
  }
  EXPECT_NEAR(plan[0].reaction(), 1 / (0.2 * gamma), 1e-9);
  EXPECT_NEAR(plan[4].reaction(), 1.5 / 0.2, 1e-12);
  // BDF2 on levels 2 and 1 (solutions 4 and 2): (2u₂ − u₁/2)/Δt.
  EXPECT_EQ(plan[4].history, (std::vector<double>{0, 0, -0.5, 0, 2}));
  EXPECT_EQ(plan[4].length, 0.2);
  // The first stage (solution 1) and u₀ are last read by level 1, level 1 by level 3 (BDF2).
  const std::vector<int> last = pinn::last_use_of_solutions(plan);
  EXPECT_EQ(last[0], 1);
  EXPECT_EQ(last[1], 1);
  EXPECT_EQ(last[2], 4);
  const std::vector<pinn::RotheStep> euler = pinn::rothe_steps(pinn::TimeScheme::implicit_euler, 1.0, 5);
  ASSERT_EQ(euler.size(), 5u);
  EXPECT_EQ(euler[2].history, (std::vector<double>{0, 0, 1}));
  EXPECT_EQ(euler[2].reaction(), 1 / 0.2);
}

TEST(RotheSteps, LevelsOfAGrowingLoadOnRestAreSecondOrderInTime) {
  // membrane2d (u₀ = 0, f = −20t, contact from t ≈ 0.1) with finite differences on 32² cells. Implicit
  // Euler as BDF2's first level erred by 0.38 at t₁ and 3.3e-2 over space–time (64² cells, measured),
  // SDIRK for the first level only by 6.7e-2 at t₂ and 1.5e-2; the first two levels by SDIRK: 4.5e-2 at t₁,
  // 5e-3 over space–time.
  const pinn::CaseConfig config = pinn::load_case_file(std::string(PINN_SOURCE_DIR) + "/cases/membrane2d.toml");
  const pinn::ParabolicFdProblem p = pinn::parabolic_fd_problem(*config.parabolic, 32, 10);
  const std::vector<double> errors = time_errors(p, fd_levels(p, pinn::rothe_steps(pinn::TimeScheme::bdf2, 1.0, 10)));
  RecordProperty("level1", std::to_string(errors[0]));
  RecordProperty("space_time", std::to_string(errors.back()));
  EXPECT_LT(errors[0], 0.08);
  EXPECT_LT(errors[1], 0.03);
  EXPECT_LT(errors.back(), 8e-3);
  // And the order: parabolic1d's time error falls by about 4 when Δt halves.
  const pinn::CaseConfig manufactured = pinn::load_case_file(std::string(PINN_SOURCE_DIR) + "/cases/parabolic1d.toml");
  std::vector<double> space_time;
  for (const int steps : {10, 20}) {
    const pinn::ParabolicFdProblem q = pinn::parabolic_fd_problem(*manufactured.parabolic, 256, steps);
    space_time.push_back(time_errors(q, fd_levels(q, pinn::rothe_steps(pinn::TimeScheme::bdf2, 1.0, steps))).back());
  }
  RecordProperty("parabolic1d_ratio", std::to_string(space_time[0] / space_time[1]));
  EXPECT_GT(space_time[0] / space_time[1], 3.0) << space_time[0] << " " << space_time[1];
}

TEST(RotheSolver, LaterLevelsTrainAPartOfThePipelineWithSmallerGradientSteps) {
  const pinn::CaseConfig config = pinn::parse_case(short_case("bdf2", 2), "case.toml", {});
  const std::vector<pinn::StageConfig> later = pinn::later_level_stages(config.stages, 0.5);
  ASSERT_EQ(later.size(), 2u);
  EXPECT_EQ(later[0].type, "adam");
  EXPECT_EQ(later[0].iterations, 300);
  EXPECT_EQ(later[0].multiplier_updates, 3);  // 5 · 0.5, rounded
  // Adam's steps are of the size of its learning rate: a hundredth of the case's 1e-2 from a close start.
  EXPECT_DOUBLE_EQ(pinn::options_of<pinn::GradientStepOptions>(later[0]).schedule.initial, 1e-4);
  EXPECT_DOUBLE_EQ(pinn::options_of<pinn::GradientStepOptions>(config.stages[0]).schedule.initial, 1e-2);
  EXPECT_EQ(later[1].type, "ceres_lm");
  EXPECT_EQ(later[1].iterations, 100);
  EXPECT_EQ(later[1].multiplier_updates, 10);
  EXPECT_EQ(later[1].options, config.stages[1].options);  // Levenberg–Marquardt's own settings unchanged
  // A stage without options gets the type's defaults at a hundredth of the rate, when a stage that solves
  // its rounds follows; a pipeline of gradient stages alone keeps its rate.
  std::vector<pinn::StageConfig> plain(2);
  plain[0].type = "sgd";
  plain[1].type = "ceres_lbfgs";
  EXPECT_DOUBLE_EQ(pinn::options_of<pinn::GradientStepOptions>(pinn::later_level_stages(plain, 1.0)[0]).schedule.initial,
                   0.01 * pinn::GradientStepOptions().schedule.initial);
  plain.pop_back();
  EXPECT_DOUBLE_EQ(pinn::options_of<pinn::GradientStepOptions>(pinn::later_level_stages(plain, 1.0)[0]).schedule.initial,
                   pinn::GradientStepOptions().schedule.initial);
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
  // Within 3e-2 after this short pipeline's half stages at level 2 (measured 2.2e-2 with Levenberg–
  // Marquardt alone there); cases/parabolic1d.toml's levels put s(t) within 3e-4 of the exact one.
  EXPECT_NEAR(std::stod(last_row.substr(last_row.rfind(',') + 1)), 0.5 - 0.2 * std::exp(-0.4), 3e-2) << free_boundary;
  fs::remove_all(dir);
}

TEST(RotheSolver, InterruptedRunKeepsTheLevelsDone) {
  // stop_after holds for every elliptic solve: implicit Euler's level 1 stops inside its Adam stage and is
  // kept as the interrupted level; BDF2's first solve is level 1's SDIRK stage, which is no level.
  for (const auto& [scheme, levels] : {std::pair<std::string, int>{"implicit_euler", 1}, {"bdf2", 0}}) {
    const fs::path dir = scratch("interrupted");
    fs::remove_all(dir);
    const pinn::CaseConfig config = pinn::parse_case(short_case(scheme, 3), "case.toml", {});
    pinn::RunOptions options;
    options.quiet = true;
    options.output_directory = dir.string();
    options.stop_after = 100;
    const pinn::RotheResult result = pinn::RotheSolver(config, options).run();
    EXPECT_EQ(result.status, pinn::RunStatus::interrupted) << scheme;
    EXPECT_EQ(result.levels.size(), static_cast<std::size_t>(levels)) << scheme;
    const nlohmann::json summary = nlohmann::json::parse(read(dir / "summary.json"));
    EXPECT_EQ(summary["status"], "interrupted") << scheme;
    EXPECT_EQ(summary["time_dependent"]["levels_done"], levels) << scheme;
    fs::remove_all(dir);
  }
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
/// levels (and their SDIRK stages), 100 iterations and five multiplier rounds per stage, within about
/// 2.5× the error measured when the bound was set.
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
    stage.multiplier_updates = 4;
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
// membrane2d 2.49e-1 (2D: 100 iterations are far from trained; the bound catches a broken level); with
// BDF2's first two levels by SDIRK (four solves): 1.12e-2, 2.38e-3, 2.90e-1; with five multiplier rounds
// per stage and the later solves' Adam at a hundredth of its rate: 9.83e-3, 2.76e-3, 3.38e-1.
INSTANTIATE_TEST_SUITE_P(TimeCases, PredefinedTimeCases,
                         ::testing::Values(TimeCase{"parabolic1d", "exact", 0.025}, TimeCase{"american_put", "fd", 0.012},
                                           TimeCase{"membrane2d", "fd", 0.62}),
                         time_case_name);

}  // namespace

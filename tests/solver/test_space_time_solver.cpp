/// @file tests/solver/test_space_time_solver.cpp
/// @brief The space–time method (solver/space_time_solver.hpp): the case it trains (the problem over
/// Ω × (0, T), the first-order form, the default pipeline of dim + 1), its refusals, its accuracy on the
/// manufactured parabolic problem, and the time series it writes, also when interrupted.
#include "solver/case_file.hpp"
#include "solver/space_time_solver.hpp"
#include "user_error_message.hpp"

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

/// cases/parabolic1d.toml's manufactured problem on (0, 0.2] (the contact set [0, s(t)] grows with
/// s = 0.5 − 0.2e^{−2t}), `stages` appended.
std::string space_time_case_text(const std::string& stages, const std::string& extra = "") {
  return "[problem]\n"
         "name = \"space_time_test\"\n"
         "domain = { type = \"interval\", min = 0.0, max = 1.0 }\n"
         "source = \"0.2*pi^2*sin(pi*x) - 2 - 0.8*exp(-2*t)*max(x - 0.5 + 0.2*exp(-2*t), 0)\"\n"
         "obstacle = \"0.2*sin(pi*x)\"\n"
         "boundary = { type = \"dirichlet\", value = \"0.2*sin(pi*x) + max(x - 0.5 + 0.2*exp(-2*t), 0)^2\" }\n"
         "exact = \"0.2*sin(pi*x) + max(x - 0.5 + 0.2*exp(-2*t), 0)^2\"\n"
         "time = { final_time = 0.2, initial = \"0.2*sin(pi*x) + max(x - 0.3, 0)^2\" }\n" +
         extra + "[parabolic]\nmethod = \"space_time\"\nsteps = 4\nprobes = [[0.25], [0.8]]\n" + stages;
}

const std::string kShortStages =
    "[network]\nhidden = [16, 16]\n"
    "[sampling]\ninterior = 1024\n"
    "[[stage]]\ntype = \"adam\"\niterations = 300\nlearning_rate = 1e-2\nmultiplier_updates = 3\n"
    "[[stage]]\ntype = \"ceres_lbfgs\"\niterations = 600\nmultiplier_updates = 6\n";

fs::path scratch(const std::string& tag) {
  return fs::temp_directory_path() / ("pinn_space_time_" + tag + "_" + std::to_string(::getpid()));
}

std::string read(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(SpaceTimeCase, TheProblemOverSpaceTimeWithTheDefaultPipelineOfOneMoreDimension) {
  // No [[stage]]: the 1D default (hidden [16, 16], 512 points, Adam + LM) is replaced by the 2D one.
  const pinn::CaseConfig config = pinn::parse_case(space_time_case_text(""), "case.toml", {});
  ASSERT_EQ(config.network.hidden, (std::vector<int>{16, 16}));
  const pinn::CaseConfig st = pinn::space_time_case(config);
  EXPECT_EQ(st.problem.domain.kind(), pinn::DomainKind::rectangle);
  EXPECT_EQ(st.problem.domain.upper()[1], 0.2);
  EXPECT_EQ(st.loss.form, pinn::LossForm::strong);  // a smooth network
  EXPECT_EQ(st.loss.boundary, pinn::BoundaryMode::hard);
  EXPECT_EQ(st.network.n_inputs, 2);
  EXPECT_EQ(st.network.n_outputs, 1);
  EXPECT_EQ(st.network.hidden, (std::vector<int>{32, 32}));
  EXPECT_EQ(st.sampling.interior, 4096);
  ASSERT_EQ(st.stages.size(), 2u);
  EXPECT_EQ(st.stages[1].type, "ceres_lbfgs");
  EXPECT_FALSE(st.parabolic);
  EXPECT_FALSE(st.measure_against_reference);
  EXPECT_NE(st.pipeline_notes.front().find("space_time"), std::string::npos);
  // A 2D Ω: a 3D problem over space–time, with an LBFGS stage where an elliptic 3D case has Adam alone.
  const std::string membrane =
      "[problem]\nname = \"m\"\ndomain = { type = \"rectangle\", min = [-1.0, -1.0], max = [1.0, 1.0] }\n"
      "source = \"-20*t\"\nobstacle = \"-0.1 - 0.5*(x^2 + y^2)\"\nboundary = { type = \"dirichlet\", value = \"0\" }\n"
      "time = { final_time = 1.0, initial = \"0\" }\n[parabolic]\nmethod = \"space_time\"\n";
  const pinn::CaseConfig membrane_st = pinn::space_time_case(pinn::parse_case(membrane, "case.toml", {}));
  EXPECT_EQ(membrane_st.problem.domain.kind(), pinn::DomainKind::box);
  EXPECT_EQ(membrane_st.sampling.interior, 8000);
  ASSERT_EQ(membrane_st.stages.size(), 2u);
  EXPECT_EQ(membrane_st.stages[1].type, "ceres_lbfgs");
  // A piecewise-linear network: the first-order form, outputs u and σ = Â∇u.
  const pinn::CaseConfig prelu =
      pinn::space_time_case(pinn::parse_case(space_time_case_text(""), "case.toml", {"network.activation=\"prelu\""}));
  EXPECT_EQ(prelu.loss.form, pinn::LossForm::first_order);
  EXPECT_EQ(prelu.network.n_outputs, 3);
  // The case's own stages and sizes are kept.
  const pinn::CaseConfig own = pinn::space_time_case(pinn::parse_case(space_time_case_text(kShortStages), "case.toml", {}));
  EXPECT_EQ(own.network.hidden, (std::vector<int>{16, 16}));
  EXPECT_EQ(own.sampling.interior, 1024);
  ASSERT_EQ(own.stages.size(), 2u);
  EXPECT_EQ(own.stages[1].iterations, 600);
}

TEST(SpaceTimeCase, Refusals) {
  const auto error_of = [](const std::string& text, const std::vector<std::string>& overrides = {}) {
    return pinn_test::user_error_of([&] { pinn::space_time_case(pinn::parse_case(text, "case.toml", overrides)); });
  };
  pinn_test::expect_parts(error_of(space_time_case_text(""), {"loss.form=\"energy\""}),
                          {"--set", "loss.form", "found \"energy\"", "no energy", "allowed: \"first_order\""});
  // The strong form reads the Laplacian over x alone (a matrix diffusion is refused with it for any case).
  EXPECT_EQ(pinn::space_time_case(pinn::parse_case(space_time_case_text("", "[loss]\nform = \"strong\"\n"),
                                                   "case.toml", {}))
                .loss.form,
            pinn::LossForm::strong);
  const std::string disk =
      "[problem]\nname = \"d\"\ndomain = { type = \"disk\", center = [0.0, 0.0], radius = 1.0 }\nsource = \"-1\"\n"
      "obstacle = \"-0.2\"\nboundary = { type = \"dirichlet\", value = \"0\" }\n"
      "time = { final_time = 1.0, initial = \"0\" }\n[parabolic]\nmethod = \"space_time\"\n";
  pinn_test::expect_parts(error_of(disk), {"problem 'd'", "disk", "method = \"rothe\""});
}

/// The strong form (the default for tanh) and the first-order form, with their bounds: about 3× what
/// was measured when they were set (1 and 2 threads gave the same figures).
struct FormBound {
  std::string form;
  double max_rel_l2, max_violation;
};
void PrintTo(const FormBound& b, std::ostream* out) { *out << b.form; }
class SpaceTimeForms : public ::testing::TestWithParam<FormBound> {};

TEST_P(SpaceTimeForms, WritesTheTimeSeriesAndMeetsItsBound) {
  const FormBound bound = GetParam();
  const fs::path dir = scratch("files_" + bound.form);
  fs::remove_all(dir);
  fs::create_directories(dir / "space_time.partial");  // what a killed run left
  const pinn::CaseConfig config = pinn::parse_case(space_time_case_text(kShortStages), "case.toml",
                                                   {"loss.form=\"" + bound.form + "\""});
  pinn::RunOptions options;
  options.quiet = true;
  options.output_directory = dir.string();
  const pinn::RotheResult result = pinn::SpaceTimeSolver(config, options).run();
  ASSERT_EQ(result.status, pinn::RunStatus::ok);
  EXPECT_EQ(result.reference, "exact");
  ASSERT_EQ(result.levels.size(), 4u);
  EXPECT_LT(result.rel_l2, bound.max_rel_l2);
  for (const auto& level : result.levels) EXPECT_LT(level.run.metrics.max_violation, bound.max_violation) << level.time;
  for (const char* file : {"case.toml", "summary.json", "history.csv", "solution.pvd", "probes.csv",
                           "free_boundary.csv", "solution_xt.vtr", "space_time/solution.vtu",
                           "space_time/summary.json", "space_time/time_0001.vtu", "space_time/time_0004.vtu"})
    EXPECT_TRUE(fs::exists(dir / file)) << file;
  EXPECT_FALSE(fs::exists(dir / "space_time.partial"));
  const std::string pvd = read(dir / "solution.pvd");
  EXPECT_NE(pvd.find("timestep=\"0.05\" part=\"0\" file=\"space_time/time_0001.vtu\""), std::string::npos) << pvd;
  const nlohmann::json summary = nlohmann::json::parse(read(dir / "summary.json"));
  EXPECT_EQ(summary["time_dependent"]["method"], "space_time");
  EXPECT_EQ(summary["time_dependent"]["network"]["folder"], "space_time");
  EXPECT_GT(summary["time_dependent"]["network"]["iterations"].get<int>(), 0);
  EXPECT_EQ(summary["levels"].size(), 4u);
  // The contact set [0, s(t)] at t = 0.2, s = 0.5 − 0.2e^{−0.4} ≈ 0.366, read from the residual
  // (strong: 0.378 on one machine, 0.387 on another whose OpenBLAS picks other kernels — the short
  // run is that sensitive to rounding) or the multipliers (first_order: fragments only, not checked).
  if (bound.form == "strong") {
    ASSERT_FALSE(result.levels.back().run.metrics.contact_intervals.empty());
    EXPECT_NEAR(result.levels.back().run.metrics.contact_intervals.front()[1], 0.5 - 0.2 * std::exp(-0.4), 3e-2);
  }
  // probes.csv starts with u₀ at t = 0.
  std::istringstream probes(read(dir / "probes.csv"));
  std::string header, first;
  std::getline(probes, header);
  std::getline(probes, first);
  EXPECT_NEAR(std::stod(first.substr(first.find(',') + 1)), 0.2 * std::sin(M_PI / 4), 1e-9);
  fs::remove_all(dir);
}

// Measured: strong 4.7e-5 (violation 1.1e-6), first_order 5.8e-3 (violation 1e-4).
INSTANTIATE_TEST_SUITE_P(Forms, SpaceTimeForms,
                         ::testing::Values(FormBound{"strong", 1.5e-4, 1e-5}, FormBound{"first_order", 1.5e-2, 1e-3}),
                         [](const auto& test) { return test.param.form; });

TEST(SpaceTimeSolver, InterruptedRunStillWritesWhatItHas) {
  const fs::path dir = scratch("interrupted");
  fs::remove_all(dir);
  const pinn::CaseConfig config = pinn::parse_case(space_time_case_text(kShortStages), "case.toml", {});
  pinn::RunOptions options;
  options.quiet = true;
  options.output_directory = dir.string();
  options.stop_after = 50;
  const pinn::RotheResult result = pinn::SpaceTimeSolver(config, options).run();
  EXPECT_EQ(result.status, pinn::RunStatus::interrupted);
  const nlohmann::json summary = nlohmann::json::parse(read(dir / "summary.json"));
  EXPECT_EQ(summary["status"], "interrupted");
  EXPECT_EQ(summary["time_dependent"]["network"]["status"], "interrupted");
  EXPECT_TRUE(fs::exists(dir / "space_time" / "checkpoint.bin"));
  fs::remove_all(dir);
}

TEST(SpaceTimeSolver, ResumeIsBitwise) {
  // An interrupted run resumed from space_time/checkpoint.bin ends where the uninterrupted one does.
  const fs::path whole = scratch("whole"), parts = scratch("parts");
  fs::remove_all(whole);
  fs::remove_all(parts);
  const pinn::CaseConfig config = pinn::parse_case(space_time_case_text(kShortStages), "case.toml", {});
  pinn::RunOptions options;
  options.quiet = true;
  options.output_directory = whole.string();
  const pinn::RotheResult expected = pinn::SpaceTimeSolver(config, options).run();
  options.output_directory = parts.string();
  options.stop_after = 150;  // inside the Adam stage
  ASSERT_EQ(pinn::SpaceTimeSolver(config, options).run().status, pinn::RunStatus::interrupted);
  const std::string before = read(parts / "summary.json");
  options.stop_after = -1;
  options.resume_from = (parts / "space_time" / "checkpoint.bin").string();
  const pinn::RotheResult resumed = pinn::SpaceTimeSolver(config, options).run();
  ASSERT_EQ(resumed.status, pinn::RunStatus::ok);
  EXPECT_NE(read(parts / "summary.json"), before);
  ASSERT_EQ(resumed.levels.size(), expected.levels.size());
  EXPECT_EQ(resumed.rel_l2, expected.rel_l2);
  for (std::size_t n = 0; n < expected.levels.size(); ++n) {
    EXPECT_EQ(resumed.levels[n].rel_l2, expected.levels[n].rel_l2) << n;
    EXPECT_EQ(resumed.levels[n].probes, expected.levels[n].probes) << n;
  }
  EXPECT_FALSE(fs::exists(parts / "space_time.partial"));
  fs::remove_all(whole);
  fs::remove_all(parts);
}

}  // namespace

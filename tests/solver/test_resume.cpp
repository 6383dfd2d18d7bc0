/// @file tests/solver/test_resume.cpp
/// @brief An interrupted run resumed from its checkpoint ends exactly where the
/// uninterrupted run ends.
#include "nn/error.hpp"
#include "solver/case_file.hpp"
#include "solver/obstacle_solver.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

namespace {

namespace fs = std::filesystem;

pinn::CaseConfig resumable_case(const fs::path& out, const std::vector<std::string>& extra) {
  std::vector<std::string> overrides = {"stage.0.iterations=120", "sampling.interior=64",
                                        "stage.0.multiplier_updates=3", "output.log_every=20",
                                        "stage.1={type = \"adam\", iterations = 40, learning_rate = 1e-3}"};
  overrides.insert(overrides.end(), extra.begin(), extra.end());
  pinn::CaseConfig c = pinn::load_case_file(std::string(PINN_SOURCE_DIR) + "/cases/obstacle1d.toml", overrides);
  c.output.directory = out.string();
  return c;
}

/// Resumes DIR as `obstacle-pinn resume DIR` does: the case from
/// DIR/case.toml, the state from DIR/checkpoint.bin. Owns the solver.
struct Resumer {
  std::unique_ptr<pinn::ObstacleSolver> solver;
  pinn::ObstacleSolver& resume(const fs::path& dir, pinn::RunOptions options) {
    pinn::CaseConfig again = pinn::load_case_file((dir / "case.toml").string());
    again.output.directory = dir.string();
    options.resume_from = (dir / "checkpoint.bin").string();
    solver = std::make_unique<pinn::ObstacleSolver>(again, options);
    return *solver;
  }
};

std::vector<double> parameters_of(const pinn::ObstacleSolver& solver) {
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), solver.network().params());
  return std::vector<double>(host.data(), host.data() + host.extent(0));
}

void expect_resume_matches(const std::string& tag, const std::vector<std::string>& extra) {
  const fs::path base = fs::temp_directory_path() / ("pinn_resume_" + tag + std::to_string(::getpid()));
  fs::remove_all(base);
  pinn::RunOptions quiet;
  quiet.quiet = true;

  pinn::ObstacleSolver straight(resumable_case(base / "straight", extra), quiet);
  const pinn::RunResult reference = straight.run();

  for (int stop_after : {50, 120}) {  // inside the first stage, and exactly at its end
    const fs::path dir = base / ("resumed_" + std::to_string(stop_after));
    pinn::RunOptions interrupted = quiet;
    interrupted.stop_after = stop_after;
    pinn::ObstacleSolver first(resumable_case(dir, extra), interrupted);
    EXPECT_EQ(first.run().status, pinn::RunStatus::interrupted);
    ASSERT_TRUE(fs::exists(dir / "checkpoint.bin"));
    ASSERT_TRUE(fs::exists(dir / "case.toml"));

    Resumer resumer;
    pinn::ObstacleSolver& second = resumer.resume(dir, quiet);
    const pinn::RunResult resumed = second.run();

    EXPECT_EQ(resumed.status, pinn::RunStatus::ok);
    EXPECT_EQ(parameters_of(second), parameters_of(straight)) << "bitwise the same network, stop at " << stop_after;
    EXPECT_EQ(resumed.metrics.rel_l2, reference.metrics.rel_l2);
    ASSERT_EQ(second.history().size(), straight.history().size());
    for (std::size_t k = 0; k < straight.history().size(); ++k) {
      EXPECT_EQ(second.history()[k].iteration, straight.history()[k].iteration);
      EXPECT_EQ(second.history()[k].loss, straight.history()[k].loss);
      EXPECT_EQ(second.history()[k].penalty, straight.history()[k].penalty);
    }
    ASSERT_EQ(resumed.stages.size(), 2u);
    EXPECT_EQ(resumed.stages[0].iterations, 120);
    EXPECT_EQ(resumed.stages[0].loss_start, reference.stages[0].loss_start);
  }
  fs::remove_all(base);
}

TEST(Resume, InterruptedAndResumedEqualsUninterrupted) { expect_resume_matches("plain_", {}); }

TEST(Resume, WithAShiftedGridEqualsUninterrupted) {
  // The grid moves at every multiplier update; the checkpoint carries the offset.
  expect_resume_matches("shift_", {"sampling.shift_each_round=true"});
}

TEST(Resume, WithShiftedGaussPointsEqualsUninterrupted) {
  // The Gauss points' grid is rebuilt from the number of shifts the checkpoint carries.
  expect_resume_matches("gauss_shift_", {"sampling.method=\"gauss\"", "sampling.shift_each_round=true"});
}

TEST(Resume, WithASmoothingHomotopyEqualsUninterrupted) {
  // The smoothing width follows from the stage and its multiplier round, so a resumed run picks it up again.
  expect_resume_matches("smooth_", {"network.activation=prelu", "stage.0.smoothing=0.2", "stage.0.smoothing_end=0.05",
                                    "stage.1.smoothing=0.05"});
}

TEST(Resume, WithTheExactFitEqualsUninterrupted) {
  // The fit runs when its stage ends, in a resumed run as in one that was
  // not interrupted (a stop at the stage's last step comes before it), and
  // the next stage's checkpoint holds the fitted network.
  expect_resume_matches("exact_fit_", {"network.activation=prelu", "stage.0.smoothing=0.2", "stage.0.smoothing_end=0.05",
                                       "stage.0.exact_fit_steps=10", "stage.1.smoothing=0.05",
                                       "stage.1.exact_fit_steps=10"});
}

/// A run interrupted `into` iterations into a stage that solves each round
/// apart (ceres_lm, ceres_lbfgs, natural_gradient) of 4 rounds × 3
/// iterations, resumed, ends bitwise where the uninterrupted run ends.
/// `stage_keys` are added to the Ceres stage, `extra` to the case's overrides.
void expect_ceres_resume_matches(const std::string& tag, int into, const std::string& stage_keys,
                                 const std::vector<std::string>& extra = {},
                                 const std::vector<std::string>& types = {"ceres_lm", "ceres_lbfgs",
                                                                          "natural_gradient"}) {
  const fs::path base = fs::temp_directory_path() / ("pinn_resume_" + tag + std::to_string(::getpid()));
  fs::remove_all(base);
  for (const std::string& ceres : types) {
    auto make = [&](const fs::path& out) {
      std::vector<std::string> overrides = {
          "stage.0.iterations=60", "sampling.interior=64", "stage.0.multiplier_updates=1", "output.log_every=4",
          "stage.1={type = \"" + ceres + "\", iterations = 12, multiplier_updates = 3" + stage_keys + "}"};
      overrides.insert(overrides.end(), extra.begin(), extra.end());
      pinn::CaseConfig c =
          pinn::load_case_file(std::string(PINN_SOURCE_DIR) + "/cases/obstacle1d.toml", overrides);
      c.output.directory = out.string();
      return c;
    };
    pinn::RunOptions quiet;
    quiet.quiet = true;
    pinn::ObstacleSolver straight(make(base / (ceres + "_straight")), quiet);
    const pinn::RunResult reference = straight.run();
    ASSERT_EQ(reference.status, pinn::RunStatus::ok);

    const fs::path dir = base / (ceres + "_resumed");
    pinn::RunOptions interrupted = quiet;
    interrupted.stop_after = 60 + into;
    pinn::ObstacleSolver first(make(dir), interrupted);
    ASSERT_EQ(first.run().status, pinn::RunStatus::interrupted);
    Resumer resumer;
    pinn::ObstacleSolver& second = resumer.resume(dir, quiet);
    const pinn::RunResult resumed = second.run();
    EXPECT_EQ(resumed.status, pinn::RunStatus::ok) << ceres;
    EXPECT_EQ(parameters_of(second), parameters_of(straight)) << ceres << ": bitwise the same network";
    EXPECT_EQ(second.history().size(), straight.history().size()) << ceres;
    EXPECT_EQ(resumed.stages.back().iterations, reference.stages.back().iterations) << ceres;
  }
  fs::remove_all(base);
}

TEST(Resume, InsideACeresStageRepeatsTheInterruptedRound) {
  expect_ceres_resume_matches("ceres_", 5, "");  // inside the second multiplier round
}

TEST(Resume, InsideASelectingCeresStageKeepsTheBestRoundSoFar) {
  // Stopped in the third round: the checkpoint at its start holds the second round's network and validation loss.
  expect_ceres_resume_matches("select_", 7, ", select_last_rounds = 3");
}

TEST(Resume, InsideAConvergingStageKeepsItsCount) {
  // Stopped in the second round: the checkpoint at its start holds the first
  // round's u on the validation grid and the count of settled rounds, so the
  // resumed run stops (or not) at the same round.
  expect_ceres_resume_matches("converge_", 5, ", patience = 2, min_change = 0.5");
}

TEST(Resume, WithALaggedWindEqualsUninterrupted) {
  // The checkpoint carries ũ's networks and weights; the points' b·∇ũ is
  // evaluated again from them.
  expect_resume_matches("wind_", {"problem.convection=[\"3\"]"});
}

TEST(Resume, InsideAStageWithALaggedWindRepeatsTheInterruptedRound) {
  expect_ceres_resume_matches("wind_ceres_", 7, "", {"problem.convection=[\"3\"]", "loss.wind_relaxation=0.7"},
                              {"ceres_lbfgs"});
  expect_ceres_resume_matches("wind_natural_", 7, ", energy_source = \"points\"", {"problem.convection=[\"3\"]"},
                              {"natural_gradient"});
}

TEST(Resume, BeforeANeuronInsertionEqualsUninterrupted) {
  // Stopped in the first stage (and at its end): the resumed run inserts at the second stage's start.
  expect_resume_matches("insert_", {"stage.1.insert_neurons=3"});
}

TEST(Resume, AfterANeuronInsertionRebuildsTheGrownNetwork) {
  // Stopped inside the inserting Ceres stage: the checkpoint holds the wider
  // network, which the resumed run rebuilds, and the insertion is not repeated.
  expect_ceres_resume_matches("insert_ceres_", 5, ", insert_neurons = 2, insert_layer = 1");
}

TEST(Resume, ACheckpointOfAnotherNetworkIsRefused) {
  const fs::path dir = fs::temp_directory_path() / ("pinn_resume_other_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  pinn::RunOptions interrupted;
  interrupted.quiet = true;
  interrupted.stop_after = 30;
  pinn::ObstacleSolver(resumable_case(dir, {}), interrupted).run();
  pinn::CaseConfig wider = resumable_case(dir, {});
  wider.network.hidden = {24, 24};
  pinn::RunOptions resume;
  resume.quiet = true;
  resume.resume_from = (dir / "checkpoint.bin").string();
  pinn::ObstacleSolver solver(wider, resume);
  EXPECT_THROW(solver.run(), pinn::UserError);
  fs::remove_all(dir);
}

}  // namespace

/// @file tests/solver/test_default_pipeline.cpp
/// @brief A case file with [problem] only gets the pipeline of its dimension
/// (solver/default_pipeline.cpp), says why, keeps what the file does give,
/// and reaches the accuracy of the predefined case it copies on a problem
/// written from scratch.
#include "solver/case_file.hpp"
#include "solver/default_pipeline.hpp"
#include "solver/obstacle_solver.hpp"
#include "solver/stages/ceres_lm_stage.hpp"
#include "solver/stages/natural_gradient_stage.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace {

/// A [problem] table alone on `domain`, with `more` keys of the table.
std::string problem_only(const std::string& domain, const std::string& more = "") {
  return "[problem]\nname = \"p\"\ndomain = " + domain +
         "\nsource = \"-4\"\nobstacle = \"-0.3\"\nboundary = { type = \"dirichlet\", value = \"0\" }\n" + more;
}

std::vector<std::string> types_of(const pinn::CaseConfig& c) {
  std::vector<std::string> types;
  for (const pinn::StageConfig& stage : c.stages) types.push_back(stage.type);
  return types;
}

/// A problem-only case file of the repository, trained quietly without files.
pinn::RunResult run_default_pipeline(const std::string& path) {
  pinn::RunOptions options;
  options.quiet = true;
  options.write_files = false;
  return pinn::ObstacleSolver(pinn::load_case_file(std::string(PINN_SOURCE_DIR) + "/" + path), options).run();
}

}  // namespace

TEST(DefaultPipeline, ChosenByDimensionWhenTheFileGivesNoStage) {
  const pinn::CaseConfig one =
      pinn::parse_case(problem_only("{ type = \"interval\", min = [0.0], max = [2.0] }"), "p.toml", {});
  EXPECT_EQ(types_of(one), (std::vector<std::string>{"adam", "ceres_lm"}));
  EXPECT_EQ(one.sampling.interior, 512);
  EXPECT_EQ(one.sampling.adaptive_points, 51);  // a tenth of the default count
  EXPECT_EQ(one.network.hidden, (std::vector<int>{16, 16}));
  EXPECT_DOUBLE_EQ(pinn::options_of<pinn::CeresLmOptions>(one.stages[1]).min_diagonal, 0.1);
  EXPECT_EQ(one.stages[1].select_last_rounds, 20);
  EXPECT_DOUBLE_EQ(one.stages[1].select_penalty, 100.0);
  ASSERT_FALSE(one.pipeline_notes.empty());
  bool says_whose = false;
  for (const std::string& note : one.pipeline_notes)
    says_whose = says_whose ||
                 (note.find("stages: adam 1000") != std::string::npos && note.find("obstacle1d") != std::string::npos);
  EXPECT_TRUE(says_whose) << "a note names the predefined case the stages come from";
  // A wind (b = 5 on (0, 2)): the energy with the wind lagged, under
  // Gauss–Newton steps that take the source as linear rows; in the strong
  // form the same steps; in the symmetric form Levenberg–Marquardt.
  const auto wind = [&](const std::string& b, const std::vector<std::string>& overrides = {}) {
    return pinn::parse_case(problem_only("{ type = \"interval\", min = [0.0], max = [2.0] }",
                                         "convection = [\"" + b + "\"]\n"),
                            "p.toml", overrides);
  };
  const pinn::CaseConfig gale = wind("5");
  EXPECT_EQ(gale.loss.form, pinn::LossForm::energy);
  EXPECT_EQ(gale.loss.wind, pinn::WindForm::lagged);
  EXPECT_EQ(types_of(gale), (std::vector<std::string>{"adam", "natural_gradient"}));
  const auto& gale_steps = pinn::options_of<pinn::NaturalGradientOptions>(gale.stages[1]);
  EXPECT_DOUBLE_EQ(gale_steps.min_diagonal, 0.1);
  EXPECT_EQ(gale_steps.energy_source, pinn::EnergySource::points);
  EXPECT_EQ(gale.stages[1].select_last_rounds, 20);
  const pinn::CaseConfig strong = wind("5", {"loss.form=\"strong\""});
  EXPECT_EQ(types_of(strong), (std::vector<std::string>{"adam", "natural_gradient"}));
  EXPECT_EQ(pinn::options_of<pinn::NaturalGradientOptions>(strong.stages[1]).energy_source,
            pinn::EnergySource::flux);
  const pinn::CaseConfig breeze = wind("2", {"loss.wind=\"symmetric\""});
  EXPECT_EQ(breeze.loss.form, pinn::LossForm::energy);
  EXPECT_EQ(types_of(breeze), (std::vector<std::string>{"adam", "ceres_lm"}));

  const pinn::CaseConfig two = pinn::parse_case(
      problem_only("{ type = \"rectangle\", min = [0.0, 0.0], max = [1.0, 1.0] }"), "p.toml", {"sampling.interior=900"});
  EXPECT_EQ(types_of(two), (std::vector<std::string>{"adam", "natural_gradient"}));
  EXPECT_EQ(two.sampling.interior, 900) << "a given point count is kept";
  EXPECT_EQ(two.network.hidden, (std::vector<int>{20, 20}));
  const pinn::CaseConfig two_default_points =
      pinn::parse_case(problem_only("{ type = \"rectangle\", min = [0.0, 0.0], max = [1.0, 1.0] }"), "p.toml", {});
  EXPECT_EQ(two_default_points.sampling.interior, 8192) << "16 points per parameter for the Gauss–Newton steps";
  EXPECT_DOUBLE_EQ(pinn::options_of<pinn::NaturalGradientOptions>(two.stages[1]).min_diagonal, 1.0);
  EXPECT_EQ(pinn::options_of<pinn::NaturalGradientOptions>(two.stages[1]).energy_source, pinn::EnergySource::points);
  EXPECT_EQ(two.sampling.method, pinn::SamplingMethod::gauss);
  EXPECT_NE(pinn::explain_pipeline(two).find("sampling.method = \"gauss\""), std::string::npos)
      << pinn::explain_pipeline(two);
  EXPECT_EQ(one.sampling.method, pinn::SamplingMethod::grid) << "the 1D default keeps the midpoints";
  // A method the file gives, or a grid that moves, keeps the midpoints' choice.
  for (const std::string& override : {std::string("sampling.method=\"grid\""),
                                      std::string("sampling.shift_each_round=true")}) {
    const pinn::CaseConfig kept = pinn::parse_case(
        problem_only("{ type = \"rectangle\", min = [0.0, 0.0], max = [1.0, 1.0] }"), "p.toml", {override});
    EXPECT_EQ(kept.sampling.method, pinn::SamplingMethod::grid) << override;
  }
  EXPECT_EQ(two.stages[1].select_last_rounds, two.stages[1].multiplier_updates + 1) << "the best of all rounds";
  EXPECT_DOUBLE_EQ(two.stages[1].select_penalty, 100.0);
  // A network the file gives or penalty boundary conditions: LBFGS, as measured there.
  const std::string rectangle = "{ type = \"rectangle\", min = [0.0, 0.0], max = [1.0, 1.0] }";
  for (const std::vector<std::string>& overrides :
       {std::vector<std::string>{"network.hidden=[32, 32]"}, std::vector<std::string>{"loss.boundary=\"penalty\""}}) {
    const pinn::CaseConfig lbfgs = pinn::parse_case(problem_only(rectangle), "p.toml", overrides);
    EXPECT_EQ(types_of(lbfgs), (std::vector<std::string>{"adam", "ceres_lbfgs"})) << overrides.front();
    EXPECT_EQ(lbfgs.network.hidden, (std::vector<int>{32, 32})) << overrides.front();
    EXPECT_EQ(lbfgs.sampling.interior, 4096) << overrides.front();
  }
  // Another operator with an energy, natural sides, a polygon: the Gauss–Newton steps too.
  for (const std::string& text :
       {problem_only(rectangle, "diffusion = \"1 + x\"\nreaction = \"2\"\n"),
        problem_only(rectangle) + "[[problem.boundary_part]]\ntype = \"neumann\"\nsides = [\"top\"]\nvalue = \"0\"\n",
        problem_only("{ type = \"polygon\", vertices = [[0, 0], [2, 0], [0, 1.5]] }")}) {
    const pinn::CaseConfig natural = pinn::parse_case(text, "p.toml", {});
    EXPECT_EQ(types_of(natural), (std::vector<std::string>{"adam", "natural_gradient"})) << text;
    EXPECT_EQ(natural.network.hidden, (std::vector<int>{20, 20})) << text;
    // 8192 inside: the triangle fills half of its bounding box, so twice as many over the box.
    EXPECT_EQ(natural.sampling.interior, text.find("polygon") == std::string::npos ? 8192 : 16384) << text;
  }
  // A disk fills π/4 of its box; a diagonal sliver (2.5%) takes at most four times the points.
  const auto interior_of = [](const std::string& domain) {
    return pinn::parse_case(problem_only(domain), "p.toml", {}).sampling.interior;
  };
  EXPECT_EQ(interior_of("{ type = \"disk\", center = [3, 1], radius = 2 }"), 10430);
  EXPECT_EQ(interior_of("{ type = \"polygon\", vertices = [[0, 0], [4, 4], [4, 3.8]] }"), 32768);
  // The piecewise-linear default's 4096 are counted inside too; a rectangle keeps them.
  const auto piecewise_linear_interior_of = [](const std::string& domain) {
    return pinn::parse_case(problem_only(domain), "p.toml", {"network.activation=prelu"}).sampling.interior;
  };
  EXPECT_EQ(piecewise_linear_interior_of("{ type = \"disk\", center = [3, 1], radius = 2 }"), 5215);
  EXPECT_EQ(piecewise_linear_interior_of(rectangle), 4096);
  // A wind, a gradient or a rotating one, keeps the energy (the wind lagged) and the Gauss–Newton steps.
  const pinn::CaseConfig gradient_wind =
      pinn::parse_case(problem_only(rectangle, "convection = [\"1\", \"0\"]\n"), "p.toml", {});
  EXPECT_EQ(types_of(gradient_wind), (std::vector<std::string>{"adam", "natural_gradient"}));
  const pinn::CaseConfig rotating_wind =
      pinn::parse_case(problem_only(rectangle, "convection = [\"-y\", \"x\"]\n"), "p.toml", {});
  EXPECT_EQ(types_of(rotating_wind), (std::vector<std::string>{"adam", "natural_gradient"}));
  EXPECT_EQ(rotating_wind.loss.wind, pinn::WindForm::lagged);

  const pinn::CaseConfig three = pinn::parse_case(
      problem_only("{ type = \"box\", min = [0.0, 0.0, 0.0], max = [1.0, 1.0, 1.0] }"), "p.toml", {});
  EXPECT_EQ(types_of(three), (std::vector<std::string>{"adam"}));
  EXPECT_EQ(three.sampling.interior, 8000);
}

TEST(DefaultPipeline, NotUsedWhenTheFileGivesItsStages) {
  const pinn::CaseConfig c = pinn::parse_case(
      problem_only("{ type = \"interval\", min = [0.0], max = [2.0] }") + "[[stage]]\ntype = \"sgd\"\n", "p.toml", {});
  EXPECT_EQ(types_of(c), (std::vector<std::string>{"sgd"}));
  EXPECT_TRUE(c.pipeline_notes.empty());
  EXPECT_EQ(c.sampling.interior, 256);
}

TEST(DefaultPipeline, SolvesAProblemWrittenFromScratch) {
  // tests/data/new_problems/membrane1d.toml: the former default (Adam 2000,
  // 256 points) ended at 2.7e-2 against the FD reference; the pipeline
  // reaches 1.4e-4 in about 8 s (tools/bench_new_problems, BENCHMARKS.md §7;
  // 4.4e-4 with the damping floor of §19).
  const pinn::RunResult result = run_default_pipeline("tests/data/new_problems/membrane1d.toml");
  ASSERT_EQ(result.status, pinn::RunStatus::ok);
  EXPECT_LT(result.metrics.rel_l2, 1e-3);
}

TEST(DefaultPipeline, LevenbergMarquardtDoesNotBendTheNetworkBetweenThePoints) {
  // tests/data/unseen_problems/roof1d.toml, seed 1: with Ceres' damping floor
  // of 1e-6 the LM stage bent the network between its points (0.86, a
  // Lipschitz bound of 1.9e4); floored at 0.1, 3.6e-4 (BENCHMARKS.md §19).
  const pinn::RunResult result = run_default_pipeline("tests/data/unseen_problems/roof1d.toml");
  ASSERT_EQ(result.status, pinn::RunStatus::ok);
  EXPECT_LT(result.metrics.rel_l2, 2e-3);
}

TEST(DefaultPipeline, PiecewiseLinearNetworksGetTheirOwn) {
  const std::string interval = problem_only("{ type = \"interval\", min = [0.0], max = [2.0] }");
  // 1D: the exact kink-to-kink energy with penalty boundary conditions (obstacle1d_prelu's).
  const pinn::CaseConfig one = pinn::parse_case(interval, "p.toml", {"network.activation=prelu"});
  EXPECT_EQ(types_of(one), (std::vector<std::string>{"adam", "ceres_lbfgs"}));
  EXPECT_TRUE(one.loss.exact_energy_integration);
  EXPECT_EQ(one.loss.boundary, pinn::BoundaryMode::penalty);
  EXPECT_EQ(one.network.hidden, (std::vector<int>{256}));
  // A loss the file sets is kept; the smoothing homotopy replaces the exact energy.
  const pinn::CaseConfig hard =
      pinn::parse_case(interval, "p.toml", {"network.activation=leaky_relu", "loss.boundary=\"hard\""});
  EXPECT_FALSE(hard.loss.exact_energy_integration);
  EXPECT_EQ(hard.loss.boundary, pinn::BoundaryMode::hard);
  ASSERT_EQ(hard.stages.size(), 2u);
  EXPECT_GT(hard.stages[0].smoothing, 0.0);
  // The grid stays where it is: moving it every round made most problems
  // written from scratch worse (BENCHMARKS.md §22).
  EXPECT_FALSE(hard.sampling.shift_each_round);
  // 2D: radial2d_leaky's smoothing homotopy.
  const pinn::CaseConfig two =
      pinn::parse_case(problem_only("{ type = \"rectangle\", min = [0.0, 0.0], max = [1.0, 1.0] }"), "p.toml",
                       {"network.activation=leaky_relu", "sampling.shift_each_round=true"});
  EXPECT_EQ(types_of(two), (std::vector<std::string>{"adam", "ceres_lbfgs"}));
  EXPECT_TRUE(two.stages[0].revive_neurons);
  // radial2d_leaky's widths (0.3 → 0.025 on half-width 2) scaled to the unit square's half-width 0.5.
  EXPECT_DOUBLE_EQ(two.stages[1].smoothing, 0.075);
  EXPECT_DOUBLE_EQ(two.stages[1].smoothing_end, 0.00625);
  EXPECT_EQ(two.stages[1].select_last_rounds, 31);
  EXPECT_DOUBLE_EQ(two.stages[1].select_penalty, 100.0);
  EXPECT_EQ(two.stages[0].exact_fit_steps, 0) << "the homotopy goes on in the next stage";
  EXPECT_EQ(two.stages[1].exact_fit_steps, 30) << "the exact network fitted to the smoothed one at the end";
  EXPECT_TRUE(two.sampling.shift_each_round) << "a sampling key the file gives is kept";
}

TEST(DefaultPipeline, PreluSlopesStayInTheUnitIntervalUnlessTheFileSaysOtherwise) {
  for (const std::string& domain : {std::string("{ type = \"interval\", min = [0.0], max = [2.0] }"),
                                    std::string("{ type = \"rectangle\", min = [0.0, 0.0], max = [1.0, 1.0] }")}) {
    SCOPED_TRACE(domain);
    const std::string file = problem_only(domain);
    pinn::CaseConfig chosen = pinn::parse_case(file, "p.toml", {"network.activation=prelu"});
    EXPECT_EQ(chosen.network.alpha_constraint, pinn::AlphaConstraint::unit_interval);
    bool named = false;
    for (const std::string& note : chosen.pipeline_notes)
      named = named || note.find("alpha_constraint = \"unit_interval\"") != std::string::npos;
    EXPECT_TRUE(named) << "--explain says why";
    const pinn::CaseConfig given =
        pinn::parse_case(file, "p.toml", {"network.activation=prelu", "network.alpha_constraint=\"none\""});
    EXPECT_EQ(given.network.alpha_constraint, pinn::AlphaConstraint::none);
    // unit_interval needs α > 0 to start from.
    const pinn::CaseConfig zero = pinn::parse_case(file, "p.toml", {"network.activation=prelu", "network.alpha=0"});
    EXPECT_EQ(zero.network.alpha_constraint, pinn::AlphaConstraint::none);
    const pinn::CaseConfig leaky = pinn::parse_case(file, "p.toml", {"network.activation=leaky_relu"});
    EXPECT_EQ(leaky.network.alpha_constraint, pinn::AlphaConstraint::none);
  }
}

TEST(DefaultPipeline, TheGridOfADiskOrPolygonStaysWhereItIs) {
  // Their grids are cut at the boundary: a shifted cut cell's point would
  // leave the domain (a LeakyReLU run on a triangle stopped at its first
  // multiplier update, the FE reference asked for a point outside its mesh;
  // on a disk the training moved off the domain silently).
  for (const char* domain : {"{ type = \"disk\", center = [0.0, 0.0], radius = 1.0 }",
                             "{ type = \"polygon\", vertices = [[0.0, 0.0], [2.0, 0.0], [0.0, 1.5]] }"}) {
    const pinn::CaseConfig c = pinn::parse_case(problem_only(domain), "p.toml", {"network.activation=leaky_relu"});
    EXPECT_FALSE(c.sampling.shift_each_round) << domain;
    EXPECT_GT(c.stages[0].smoothing, 0.0) << domain;
  }
  // A short run of that triangle trains through its multiplier rounds.
  pinn::CaseConfig triangle =
      pinn::parse_case(problem_only("{ type = \"polygon\", vertices = [[0.0, 0.0], [2.0, 0.0], [0.0, 1.5]] }"),
                       "p.toml", {"network.activation=leaky_relu", "sampling.interior=256", "run.time_budget=1"});
  pinn::RunOptions options;
  options.quiet = true;
  options.write_files = false;
  const pinn::RunResult result = pinn::ObstacleSolver(triangle, options).run();
  EXPECT_EQ(result.status, pinn::RunStatus::ok);
  EXPECT_TRUE(std::isfinite(result.metrics.rel_l2));
  // Asked for in C++, the shift is refused there as in a case file.
  triangle.sampling.shift_each_round = true;
  EXPECT_THROW(pinn::ObstacleSolver(triangle, options).run(), pinn::UserError);
}

TEST(DefaultPipeline, ExplainsTheMapOntoUnitSizeTheSolverTrainsIn) {
  // cases/convection1d.toml: its own data are of size 0.125, its symmetric
  // form's (which the solver trains) of about 0.5. --explain once chose the
  // map on one and the solver on the other. Both choose on the problem as
  // given: the symmetric form has the same u.
  const pinn::CaseConfig convection = pinn::load_case_file(std::string(PINN_SOURCE_DIR) + "/cases/convection1d.toml");
  pinn::RunOptions options;
  options.quiet = true;
  options.write_files = false;
  const pinn::ProblemScaling scaling = pinn::ObstacleSolver(convection, options).config().scaling;
  EXPECT_DOUBLE_EQ(scaling.value, 0.125);
  EXPECT_NE(pinn::explain_pipeline(convection).find("far from unit size"), std::string::npos);
  // On the symmetric form's data the weights' extremes multiply: with b = 2.5
  // on (0, 2) the map took u to be of size 442 (it is of size 0.6).
  const pinn::CaseConfig wind = pinn::parse_case(
      "[problem]\nname = \"wind\"\ndomain = { type = \"interval\", min = 0.0, max = 2.0 }\n"
      "convection = [\"2.5\"]\nsource = \"-30*cos(x)\"\nobstacle = \"-0.6 + 0.2*x\"\n"
      "boundary = { type = \"dirichlet\", value = \"0\" }\n",
      "wind.toml", {});
  EXPECT_TRUE(pinn::ObstacleSolver(wind, options).config().scaling.identity());
  EXPECT_EQ(pinn::explain_pipeline(wind).find("far from unit size"), std::string::npos);
  // A problem the solver does map says so.
  const pinn::CaseConfig hydro =
      pinn::load_case_file(std::string(PINN_SOURCE_DIR) + "/tests/data/unseen_problems/hydro1d.toml");
  EXPECT_FALSE(pinn::ObstacleSolver(hydro, options).config().scaling.identity());
  EXPECT_NE(pinn::explain_pipeline(hydro).find("far from unit size"), std::string::npos);
}

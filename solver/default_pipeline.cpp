/// @file solver/default_pipeline.cpp
/// @brief The default pipelines, one per dimension.
#include "solver/default_pipeline.hpp"

#include "physics/symmetric_form.hpp"
#include "solver/lagged_wind.hpp"
#include "solver/stages/ceres_lm_stage.hpp"
#include "solver/stages/gradient_step_stage.hpp"
#include "solver/stages/natural_gradient_stage.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <memory>
#include <sstream>

namespace pinn {

namespace {

StageConfig adam_stage(int iterations, double learning_rate, int multiplier_updates) {
  auto options = std::make_shared<GradientStepOptions>();
  options->schedule.initial = learning_rate;
  options->schedule.kind = ScheduleKind::cosine;
  options->schedule.minimum = 1e-5;
  StageConfig stage;
  stage.type = "adam";
  stage.iterations = iterations;
  stage.multiplier_updates = multiplier_updates;
  stage.options = options;
  return stage;
}

StageConfig smoothed(StageConfig stage, double smoothing, double smoothing_end) {
  stage.smoothing = smoothing;
  stage.smoothing_end = smoothing_end;
  return stage;
}

/// A second-order stage that ends early when its rounds stop changing the
/// solution (5 rounds in a row by at most 1e-5 of it), so easy problems end
/// early, with its share of a time budget.
StageConfig second_order_stage(const std::string& type, int iterations, int multiplier_updates, double budget_share) {
  StageConfig stage;
  stage.type = type;
  stage.iterations = iterations;
  stage.multiplier_updates = multiplier_updates;
  stage.patience = 5;
  stage.budget_share = budget_share;
  return stage;
}

bool given(const CaseConfig& config, const std::string& key) { return config.locations.count(key) > 0; }

/// Where the natural-gradient pipeline was measured, and so where the default
/// takes it (smooth_pipeline) with its own point count
/// (choose_default_pipeline): a smooth network in 2D, not time-dependent (a
/// time level adds a reaction term), the energy form, hard boundary
/// conditions, the network left to the engine (a wider one makes every
/// Gauss–Newton step dearer by its parameters squared). Any domain and any
/// operator with an energy: with 16 points per parameter the steps won on
/// polygons (pentagon2d 1.1e-2 → 4.3e-3, triangle2d 2.3e-2 → 4.4e-3, lshape
/// 1.1e-2 → 5.4e-3), variable diffusion (varcoef2d 7.5e-4 → 1.3e-4, bearing
/// 5.5e-3 → 1.5e-3) and Neumann/Robin sides (mixed2d 1.0e-3 → 1.0e-4), where
/// LBFGS had won at 6 points per parameter (BENCHMARKS.md §26).
bool natural_gradient_fits(const CaseConfig& config) {
  return config.problem.domain.dim() == 2 && !is_piecewise_linear(config.network.activation) &&
         !config.parabolic && !config.problem.op.time_axis && config.loss.form == LossForm::energy &&
         config.loss.boundary == BoundaryMode::hard && !given(config, "network.hidden");
}

/// The smooth networks' pipelines: obstacle1d's, radial2d's, box3d's.
void smooth_pipeline(CaseConfig& config, std::vector<std::string>& notes) {
  const int dim = config.problem.domain.dim();
  if (dim == 1) {
    // obstacle1d's pipeline: 2.96e-5 in about 8 s. Its [16, 16] network
    // matters: LM's cost grows with the square of the parameters, and
    // [32, 32] (1153 of them against 321) makes the stage 9× slower.
    if (!given(config, "network.hidden")) {
      config.network.hidden = {16, 16};
      notes.push_back("network.hidden = [16, 16]: obstacle1d's, small enough for Levenberg–Marquardt's steps");
    }
    // A wind: the same stage as Gauss–Newton steps. In the strong form they
    // ended lower than LM nine times in nine (gale1d 3.8e-2 → 1.3e-2, b = 10:
    // 5.6e-3 → 1.1e-3) in a third of the time, and twice in three on lighter
    // winds; without a wind they won one of four (BENCHMARKS.md §36). A
    // lagged wind changes the source every round, which LM's flux F cannot
    // follow: the steps take it as linear rows (energy_source = "points").
    const bool lagged_wind = trains_lagged_wind(config);
    const bool wind = lagged_wind || (config.loss.form == LossForm::strong && config.problem.op.has_convection());
    config.stages = {adam_stage(1000, 1e-2, 10),
                     second_order_stage(wind ? "natural_gradient" : "ceres_lm", 600, 60, 4.0)};
    // Ceres' damping floor of 1e-6 let LM bend the network between the
    // points on some seeds (stamp1d 4.1e-2, roof1d 0.86, long1d 0.54 on
    // seed 1); a floor of 0.1 gives 1.3e-4, 3.6e-4, 1.3e-3 (BENCHMARKS.md §19).
    if (wind) {
      auto natural = std::make_shared<NaturalGradientOptions>();
      natural->min_diagonal = 0.1;
      if (lagged_wind) natural->energy_source = EnergySource::points;
      config.stages.back().options = natural;
    } else {
      auto lm = std::make_shared<CeresLmOptions>();
      lm->min_diagonal = 0.1;
      config.stages.back().options = lm;
    }
    // A guard against the rounds in which LM bends the network between the
    // fixed points (long1d, seed 3: 0.48 → 1.2e-3). Over all 61 rounds the
    // choice falls on early, still infeasible ones (membrane1d 1.5e-4 → 2.3e-3).
    config.stages.back().select_last_rounds = 20;
    // ... judged by a validation loss with 100μ: with μ its zero multipliers
    // favour early, infeasible rounds (long1d 4.6e-4 → 2.4e-4, membrane1d
    // 3.8e-4 → 2.2e-4 with 100μ; none of ten problems worse, BENCHMARKS.md §20).
    config.stages.back().select_penalty = 100.0;
    notes.push_back(std::string("stages: adam 1000 (learning rate 1e-2, cosine, 10 multiplier updates), then ") +
                    (wind ? "natural_gradient" : "ceres_lm") +
                    " 600 (60 multiplier updates, the best of the last 20 rounds by validation loss with 100× the "
                    "penalty, min_diagonal 0.1" +
                    (lagged_wind ? ", energy_source \"points\"" : "") + ") — obstacle1d's pipeline" +
                    (lagged_wind ? ", with Gauss–Newton steps in place of Levenberg–Marquardt's, whose flux "
                                   "cannot follow a lagged wind's source"
                     : wind      ? ", with Gauss–Newton steps in place of Levenberg–Marquardt's for a wind in the "
                                   "strong form (lower on nine of nine such problems)"
                                 : "; Levenberg–Marquardt is the fastest second-order stage at 1D sizes") +
                    "; the damping's diagonal floored at 0.1 so that no step bends the network between the points");
  } else if (natural_gradient_fits(config)) {
    // Gauss–Newton steps on a smaller network: on the rectangles and disks
    // of tests/data/new_problems and unseen_problems they reached 2e-3 to
    // 1.5e-2 on [24, 24] where LBFGS left double2d at 4.5e-2, slab2d at 2.4e-2
    // and twobumps2d at 3.7e-2 (BENCHMARKS.md §19); [20, 20] leaves room for
    // twice the points (choose_default_pipeline). The damping's floor lets the
    // steps leave the wrong basins in which Adam can end on a small network
    // (cone2d and twobumps2d at seed 1: 0.30 and 0.29 without it).
    config.network.hidden = {20, 20};
    notes.push_back("network.hidden = [20, 20]: a Gauss–Newton step costs points × parameters² (501 "
                    "parameters, against 1185 for [32, 32])");
    // 300 steps: against 150, seven of fourteen 2D problems (those of
    // tests/data and the [problem] tables of step-41 and radial2d) end lower (square2d
    // 6.9e-3 → 2.3e-3, slab2d 7.4e-3 → 2.3e-3, ridge2d 7.5e-3 → 3.2e-3), none
    // higher, in 37–51 s instead of 18–25 s (BENCHMARKS.md §24). Round
    // selection keeps an earlier round where the later ones drift.
    StageConfig natural = second_order_stage("natural_gradient", 300, 30, 3.0);
    natural.patience = 0;  // measured without the convergence stop
    // A time budget lengthens the rounds to up to 30 steps each (900 in all),
    // as many as its share allows: each round may use its share of what the
    // stage has left (run_round_solves). With 60 s (409–603 steps) ten of
    // thirteen 2D problems ended lower, six of tests/data's twelve at or below
    // 1e-3 against four; the full 900 did no better on average (BENCHMARKS.md
    // §32), and 900 in rounds of 10 drifted (§30). Adam's share of 1 : 3
    // leaves it its 1500 iterations under any budget above about four times
    // their time.
    if (config.time_budget > 0.0) natural.iterations = 900;
    // The best round by validation loss: on step-41's staircase (a problem-only
    // file) the steps reach 2.3e-2 by round 5, then the multipliers at the
    // stairs' edges grow round by round and lift a ridge along them (0.69 at
    // the last round). With the case's μ the zero-multiplier validation loss
    // favours early, infeasible rounds (slab2d 9.1e-3 → 3.8e-2); 100μ picks
    // near the admissible set (BENCHMARKS.md §20).
    natural.select_last_rounds = natural.multiplier_updates + 1;
    natural.select_penalty = 100.0;
    auto options = std::make_shared<NaturalGradientOptions>();
    options->min_diagonal = 1.0;
    // The source as the points' linear rows: the steps lower the training
    // loss itself. Through the flux F they lowered ½‖∇u − F‖² while the loss
    // rose, on double2d from −90.8 to −29.6 in four steps of a longer stage
    // (BENCHMARKS.md §23).
    options->energy_source = EnergySource::points;
    natural.options = options;
    config.stages = {adam_stage(1500, 5e-3, 5), natural};
    // Gauss points: the energy's integrals O(h⁴) where the integrand is
    // smooth. On the twelve 2D rectangles and disks of tests/data, 11 end at
    // or below 1e-2 against 10 with the midpoints (ridge2d 1.3e-2 → 7.5e-3,
    // disk_ceiling2d 2.9e-3 → 1.4e-3); kinked obstacles and narrow strips lose
    // (cone2d 2.7e-3 → 9.0e-3, twobumps2d 1.15e-2 → 1.7e-2; BENCHMARKS.md §23).
    // The grid options that move or add to the midpoints keep them.
    if (!given(config, "sampling.method") && !config.sampling.shift_each_round && !config.sampling.obstacle_nodes) {
      config.sampling.method = SamplingMethod::gauss;
      notes.push_back("sampling.method = \"gauss\": two Gauss–Legendre points per direction in each cell of a grid "
                      "half as fine, as many points, the energy's integrals exact for cubics per direction");
    }
    notes.push_back("stages: adam 1500 (learning rate 5e-3, cosine, 5 multiplier updates), then natural_gradient " +
                    std::to_string(natural.iterations) +
                    " (30 multiplier updates, min_diagonal 1, energy_source \"points\", the best of all 31 rounds "
                    "by validation loss with 100× the penalty) — "
                    "Gauss–Newton steps in function space, chosen in 2D for operators with an energy and "
                    "hard boundary conditions when the file gives no network.hidden");
  } else if (dim == 2 || config.problem.op.time_axis) {
    // radial2d's pipeline with a shorter LBFGS stage (a minute rather than five). A 2D problem over
    // space–time takes it too: membrane2d's space–time network reached 6.9e-2 with it, 3.0e-1 with
    // box3d's Adam alone (BENCHMARKS.md §15).
    config.stages = {adam_stage(1500, 5e-3, 5), second_order_stage("ceres_lbfgs", 3000, 30, 3.0)};
    notes.push_back(std::string("stages: adam 1500 (learning rate 5e-3, cosine, 5 multiplier updates), then "
                                "ceres_lbfgs 3000 (30 multiplier updates) — radial2d's pipeline shortened to about a "
                                "minute; LBFGS because Levenberg–Marquardt's Jacobian products are too slow at 2D "
                                "sizes") +
                    (dim == 3 ? "; over space–time in 3D too (box3d's Adam alone left membrane2d at 3.0e-1, this "
                                "6.9e-2)"
                              : ""));
  } else {
    config.stages = {adam_stage(3000, 5e-3, 10)};
    notes.push_back("stages: adam 3000 (learning rate 5e-3, cosine, 10 multiplier updates) — box3d's pipeline");
  }
  if (config.stages.size() > 1 && config.stages.back().patience > 0)
    notes.push_back("the second-order stage ends early when 5 multiplier rounds in a row change u by at most 1e-5 "
                    "(relative) on the validation grid (patience = 5)");
}

/// The piecewise-linear networks' pipelines (relu, leaky_relu, prelu): in
/// 1D obstacle1d_prelu's exact kink-to-kink energy, elsewhere
/// radial2d_leaky's smoothing homotopy (README, "Accurate piecewise-linear
/// networks", "Smoothing homotopy").
void piecewise_linear_pipeline(CaseConfig& config, std::vector<std::string>& notes) {
  const int dim = config.problem.domain.dim();
  const std::string activation = to_string(config.network.activation);
  const bool energy = config.loss.form == LossForm::energy;
  const EllipticOperator& op = config.problem.op;
  const bool unit_diffusion = op.diffusion.empty() && !op.has_convection();  // what the exact integral assumes
  if (config.network.activation == Activation::prelu && !given(config, "network.alpha_constraint") &&
      config.network.alpha > 0.0) {
    // Free slopes went below 0 (the activation no longer monotone). With
    // them kept in (0, 1], twobumps2d, the hardest problem of tests/data,
    // ends 1.1–1.4× closer at three seeds; the other 27 move either way
    // (geometric mean of all 28 ratios 0.98; BENCHMARKS.md §33).
    config.network.alpha_constraint = AlphaConstraint::unit_interval;
    notes.push_back("network.alpha_constraint = \"unit_interval\": the PReLU slopes kept in (0, 1], where free ones "
                    "fell below 0 and trained worse");
  }
  if (dim == 1 && energy && unit_diffusion && !given(config, "loss.boundary") &&
      !given(config, "loss.energy_integration")) {
    // With point quadrature a piecewise-linear network's energy is blind to
    // where its kinks lie between the points; the exact energy is not.
    config.loss.boundary = BoundaryMode::penalty;
    config.loss.exact_energy_integration = true;
    notes.push_back("loss.energy_integration = \"exact\", loss.boundary = \"penalty\": a " + activation +
                    " network's energy integrated exactly between its kinks (obstacle1d_prelu's)");
    if (!given(config, "network.hidden")) {
      config.network.hidden = {256};
      notes.push_back("network.hidden = [256]: obstacle1d_prelu's, one kink per neuron");
    }
    config.stages = {adam_stage(3000, 1e-2, 10), second_order_stage("ceres_lbfgs", 5000, 40, 3.0)};
    notes.push_back("stages: adam 3000 (learning rate 1e-2, cosine, 10 multiplier updates), then ceres_lbfgs 5000 "
                    "(40 multiplier updates) — obstacle1d_prelu's pipeline, its LBFGS stage shortened from 20000");
    notes.push_back("the LBFGS stage ends early when 5 multiplier rounds in a row change u by at most 1e-5 "
                    "(relative) on the validation grid (patience = 5)");
    return;
  }
  // The smoothing homotopy: the stages train the network with its activation
  // smoothed to width ε, which the exact network's point quadrature needs.
  // The training grid stays where it is: moving it at every multiplier update
  // (radial2d_leaky's sampling.shift_each_round) made 12 of 14 runs of problems
  // written from scratch worse — the moved points carry multipliers measured
  // half a cell away — and helped only step-41's staircase (BENCHMARKS.md §22).
  // ε is a width in the first layer's pre-activations, whose initial range
  // grows with the domain (kinks through points of the box, weights of a
  // fixed spread): radial2d_leaky's widths were proven on a half-width of 2,
  // so they scale with the half-width h of the box in the units the problem
  // is trained in (physics/problem_scaling.hpp).
  const double h =
      largest_half_width(config.problem.domain) / choose_problem_scaling(config.problem).length;
  const double scale = h / 2.0;
  // Alone in 3D, the Adam stage carries the whole homotopy.
  StageConfig adam =
      smoothed(adam_stage(dim == 3 ? 3000 : 1500, 5e-3, dim == 3 ? 10 : 5), 0.3 * scale, (dim == 3 ? 0.05 : 0.3) * scale);
  adam.revive_neurons = true;
  config.stages = {adam};
  std::ostringstream widths;
  widths << "smoothing widths ε = (0.3, 0.05 in 3D, 0.025 in 2D) × h/2 = (" << adam.smoothing << ", "
         << (dim == 3 ? adam.smoothing_end : 0.025 * scale) << ") for the box's half-width h = " << h
         << ": radial2d_leaky's on its half-width 2, scaled with the first layer's pre-activations";
  std::string stages = "stages: adam " + std::to_string(adam.iterations) + " (learning rate 5e-3, cosine, " +
                       std::to_string(adam.multiplier_updates) + " multiplier updates, smoothing" +
                       (dim == 3 ? " falling" : " constant") + ", neuron revival)";
  if (dim <= 2) {
    StageConfig lbfgs = smoothed(second_order_stage("ceres_lbfgs", 3000, 30, 3.0), 0.3 * scale, 0.025 * scale);
    lbfgs.patience = 0;  // the homotopy changes u every round by design
    // The best of all its rounds by a validation loss with 100μ, as in the
    // smooth 2D default: against radial2d_leaky's last 10 rounds with μ,
    // double2d 2.5e-2 → 2.0e-2, none of seven problems worse (BENCHMARKS.md §22).
    lbfgs.select_last_rounds = lbfgs.multiplier_updates + 1;
    lbfgs.select_penalty = 100.0;
    // At the homotopy's end the exact network still differs from the smoothed
    // one by about ε per layer near its kinks, most of the error on some
    // problems: fit it to the smoothed one (BENCHMARKS.md §28). The rounds
    // are then judged as the smoothed network the fit reproduces (bearing
    // 5.2e-2 → 8.8e-3, twobumps2d 2.1e-2 → 1.8e-2; §29).
    if (dim == 2) lbfgs.exact_fit_steps = 30;
    config.stages.push_back(lbfgs);
    stages += ", then ceres_lbfgs 3000 (30 multiplier updates, smoothing falling to its end width, the best of all "
              "31 rounds by validation loss with 100× the penalty" +
              std::string(dim == 2 ? " (judged as the smoothed network), then the exact network fitted to that "
                                     "smoothed one by 30 Gauss–Newton steps"
                                   : "") +
              ")";
  }
  notes.push_back(stages + " — radial2d_leaky's pipeline" + (dim <= 2 ? ", its LBFGS stage shortened from 15000" : "") +
                  (given(config, "sampling.shift_each_round")
                       ? ""
                       : "; the training grid stays where it is (radial2d_leaky moves it every round, which made "
                         "most problems written from scratch worse)"));
  notes.push_back(widths.str());
  if (dim == 1)
    notes.push_back(unit_diffusion ? "the exact 1D energy was not chosen: it needs loss.form = \"energy\" with "
                                     "boundary = \"penalty\" and energy_integration = \"exact\", and the case "
                                     "file sets one of them otherwise"
                                   : "the exact 1D energy was not chosen: it integrates ½∫u'² between the kinks, "
                                     "and this operator weighs u'² with a(x) (or e^{−φ} for convection)");
}

}  // namespace

std::vector<std::string> choose_default_pipeline(CaseConfig& config) {
  std::vector<std::string> notes;
  const int dim = config.problem.domain.dim();
  // The 2D Gauss–Newton steps on 4096 points × 697 parameters bent the
  // network between the points where the solution rises steeply (twobumps2d:
  // the training energy fell from 0.082 to 0.063 while the error rose from
  // 1.7e-2 to 1.06); on 8192 points × 501 parameters (16 points each, against
  // 6) the training and validation energies fall together, and nine of the
  // twelve 2D problems of tests/data end lower (BENCHMARKS.md §25).
  const bool natural_gradient = natural_gradient_fits(config);
  int interior = dim == 1 ? 512 : (dim == 2 ? (natural_gradient ? 8192 : 4096) : 8000);
  // A disk's or polygon's points are those of its bounding box's grid that
  // lie inside, so the 16 points per parameter are counted inside: a dart
  // filling a third of its box kept 2900 of 8192 (arrow2d 1.0e-2; with
  // 8192 inside 5.0e-3, and 8 of 10 disks and polygons lower, at up to
  // 2.3 times the time: BENCHMARKS.md §34). The piecewise-linear default's
  // 4096 too: with PReLU 7 of 8 disks and polygons lower (lshape's problem
  // 1.19e-2 → 9.6e-3, tshape2d 2.4e-2 → 1.8e-2; BENCHMARKS.md §36).
  const Domain& domain = config.problem.domain;
  const bool counted_inside =
      dim == 2 && (natural_gradient || is_piecewise_linear(config.network.activation)) && !domain.is_box();
  double fill = 1.0;
  if (counted_inside) {
    fill = domain.measure() / ((domain.upper()[0] - domain.lower()[0]) * (domain.upper()[1] - domain.lower()[1]));
    interior = static_cast<int>(std::lround(interior / std::max(fill, 0.25)));
  }
  if (!given(config, "sampling.interior")) {
    config.sampling.interior = interior;
    std::ostringstream why;
    if (natural_gradient) {
      why << "16 points per parameter of the Gauss–Newton steps' [20, 20] network, so that they cannot bend it "
             "between the points";
      if (counted_inside)
        why << "; 8192 inside the domain, which fills " << std::lround(100 * fill) << "% of its bounding box";
    } else {
      why << "the default for " << dim << "D (as the predefined "
          << (dim == 1 ? "obstacle1d" : (dim == 2 ? "radial2d" : "box3d")) << " case)";
      if (counted_inside)
        why << "; 4096 inside the domain, which fills " << std::lround(100 * fill) << "% of its bounding box";
    }
    notes.push_back("sampling.interior = " + std::to_string(interior) + ": " + why.str());
  }
  if (config.problem.op.has_convection() && !config.problem.op.time_axis && !given(config, "loss.form")) {
    std::ostringstream why;
    why << "loss.form = \"" << to_string(config.loss.form) << "\": problem.convection makes the operator non-symmetric";
    if (trained_in_symmetric_form(config))
      why << "; b = a∇φ, so the engine trains its symmetric form −∇·(e^{−φ}a∇u) + e^{−φ}c u ≥ e^{−φ}f, which "
             "has an energy (its weight e^{−φ} within e^{±"
          << std::setprecision(3) << symmetric_form_exponent(config.problem) << "} here)";
    else if (config.loss.form == LossForm::energy)
      why << "; the engine trains the energy of −∇·(A∇u) + c u with the wind lagged in the source, f − b·∇ũ, ũ "
             "following u from round to round (ũ ← (1 − θ)ũ + θu, θ = loss.wind_relaxation = "
          << config.loss.wind_relaxation
          << "): its fixed point is the solution, and it ended lower than the strong and symmetric forms on ten "
             "of eleven winds (README, \"Winds in the energy form\")";
    notes.push_back(why.str());
  }
  if (is_piecewise_linear(config.network.activation))
    piecewise_linear_pipeline(config, notes);
  else
    smooth_pipeline(config, notes);
  if (config.time_budget > 0.0)
    notes.push_back(std::string("run.time_budget: ") +
                    (config.stages.size() > 1 ? "the stages share it 1 : " +
                                                    std::to_string(static_cast<int>(config.stages[1].budget_share)) +
                                                    "; a stage"
                                              : std::string("the stage")) +
                    " ends at its share or at its iterations, whichever comes first" +
                    (natural_gradient ? "; with a budget the natural-gradient stage has " +
                                            std::to_string(config.stages.back().iterations) +
                                            " steps (rounds of up to 30, each cut at its share of the stage's time) "
                                            "instead of 300: longer rounds lowered the error on most 2D problems"
                                      : " (a longer budget does not lengthen the pipeline: longer Levenberg–Marquardt "
                                        "rounds made the augmented Lagrangian worse)"));
  return notes;
}

std::string explain_pipeline(const CaseConfig& config) {
  std::ostringstream text;
  text << "pipeline (" << (config.pipeline_notes.empty() ? "from the case file" : "default: no [[stage]] in the case file")
       << "): " << config.sampling.interior << " interior points (sampling.method = \""
       << to_string(config.sampling.method) << "\")\n";
  for (std::size_t s = 0; s < config.stages.size(); ++s) {
    const StageConfig& stage = config.stages[s];
    text << "  stage " << s << ": " << stage.type << ", " << stage.iterations << " iterations, "
         << stage.multiplier_updates + 1 << " multiplier round(s)";
    if (stage.time_limit > 0) text << ", time limit " << stage.time_limit << " s";
    if (config.time_budget > 0) text << ", budget share " << stage.budget_share;
    if (stage.select_last_rounds > 0) {
      text << ", keeps the best of its last " << stage.select_last_rounds << " rounds by validation loss";
      if (stage.select_penalty != 1.0) text << " (penalty " << stage.select_penalty << "×μ)";
    }
    if (stage.patience > 0)
      text << ", ends when " << stage.patience << " rounds in a row change u by at most " << stage.min_change
           << " (relative)";
    text << "\n";
  }
  if (config.time_budget > 0)
    text << "  time budget " << config.time_budget << " s: each stage may use its share of what remains when it starts\n";
  for (const std::string& note : config.pipeline_notes) text << "  why: " << note << "\n";
  const ProblemScaling scaling = choose_problem_scaling(config.problem);
  if (!scaling.identity())
    text << "  far from unit size: trained in mapped units, " << scaling.describe()
         << " (README, \"Problems far from unit size\")\n";
  return text.str();
}

}  // namespace pinn

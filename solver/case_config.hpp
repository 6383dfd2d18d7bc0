/// @file solver/case_config.hpp
/// @brief Everything a case file says, as plain data (every key and its
/// default is documented in cases/README.md): the problem and loss
/// (read by physics/problem_section.hpp) and the training settings, which are the
/// solver's — physics/ knows nothing of Adam or Ceres.
#pragma once

#include "nn/communicator.hpp"
#include "nn/mlp.hpp"
#include "physics/domain.hpp"
#include "physics/loss_settings.hpp"
#include "physics/parabolic_problem.hpp"
#include "physics/problem.hpp"
#include "physics/problem_scaling.hpp"

#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace pinn {

/// The settings a stage type has of its own (the learning rate of Adam, the
/// linear solver of Levenberg–Marquardt, …), beyond the ones every stage has.
/// Each stage type derives its Options from it (solver/stages/); a stage
/// without options runs with its type's defaults.
class StageOptions {
 public:
  virtual ~StageOptions() = default;
};

struct StageConfig {
  /// The stage type, by the name its plug-in is registered under
  /// (solver/stages/stage_registry.cpp): "adam", "sgd", "ceres_lm", "ceres_lbfgs".
  std::string type = "adam";
  int iterations = 2000;
  /// Augmented-Lagrangian outer iterations: the stage is split into
  /// multiplier_updates + 1 rounds with λ ← max(0, λ + μ(ψ − u)) between them.
  int multiplier_updates = 0;
  double penalty_growth = 1.0;  ///< μ ← min(max_penalty, μ·growth) at each update (continuation)
  double max_penalty = 1e12;
  double time_limit = 0.0;      ///< seconds; 0 = none
  /// With [run] time_budget: the stage's weight when what remains of the
  /// budget is divided among the stages still to run (ObstacleSolver::run).
  double budget_share = 1.0;
  /// Convergence stop of stages that solve each round apart: the stage ends
  /// (termination "converged") when `patience` multiplier rounds in a row
  /// have changed the solution on the validation grid by at most min_change
  /// (‖u_r − u_{r−1}‖ / ‖u_r‖); 0 = off.
  int patience = 0;
  double min_change = 1e-5;
  /// Smoothing homotopy for piecewise-linear networks: the stage trains with
  /// the activation smoothed to width ε (nn/activation.hpp), ε = `smoothing`
  /// in its first multiplier round, falling geometrically to `smoothing_end`
  /// in its last. Results are always evaluated with the exact activation.
  /// 0 = the exact activation throughout.
  double smoothing = 0.0;
  double smoothing_end = 0.0;
  /// With smoothing: at the stage's end the exact network is fitted to the
  /// smoothed one by this many Gauss–Newton steps on their values at the
  /// training points (solver/exact_fit.hpp); 0 = off.
  int exact_fit_steps = 0;
  /// Piecewise-linear networks: at every multiplier update, dead hidden
  /// neurons (z ≤ 0 at every training point) get their kink moved onto the
  /// points with the largest complementarity gap (nn/neuron_revival.hpp).
  bool revive_neurons = false;
  /// Adaptive neuron insertion: at the start of the stage, hidden layer
  /// `insert_layer` (0-based) grows by `insert_neurons` neurons, chosen
  /// greedily among candidates whose kinks pass through the points with the
  /// largest complementarity gap (nn/neuron_insertion.hpp); 0 = off.
  int insert_neurons = 0;
  int insert_layer = 0;
  /// Ceres stages: of the networks that end the stage's last N multiplier
  /// rounds, the stage keeps the one with the lowest validation loss (the
  /// energy and obstacle penalty of the exact network on a fixed grid twice
  /// as fine as the training grid; solver/augmented_lagrangian.hpp); 0 = the last iterate.
  int select_last_rounds = 0;
  /// The validation loss's penalty as a multiple of the case's μ. Its
  /// multipliers are zero, so a penalty of μ lowers the loss of infeasible
  /// iterates by about ∫λ²/(2μ) and favours early rounds; a larger one
  /// compares the rounds' energies nearer the admissible set.
  double select_penalty = 1.0;

  /// The type's own settings (its Options, solver/stages/); null: its defaults.
  std::shared_ptr<const StageOptions> options;

  /// ε for multiplier round `round` (0-based) of `rounds`.
  double smoothing_at_round(int round, int rounds) const {
    if (smoothing <= 0.0 || rounds <= 1) return smoothing;
    return smoothing * std::pow(smoothing_end / smoothing, static_cast<double>(round) / (rounds - 1));
  }
};

struct SamplingConfig {
  int interior = 256;
  int boundary = 0;  ///< 0: chosen from the domain (2 in 1D, 4·√interior in 2D)
  SamplingMethod method = SamplingMethod::grid;
  /// Adaptive refinement: at the first `adaptive_rounds` multiplier updates of
  /// an Adam/SGD stage, `adaptive_points` points are added where the
  /// complementarity gap is largest (near the free boundary).
  int adaptive_rounds = 0;
  int adaptive_points = 0;  ///< 0: a tenth of `interior`
  /// Also enforce the obstacle (not the energy) at the grid nodes (cell
  /// corners), so lines such as x = 0 carry constraint points: an obstacle
  /// that jumps along a grid line is then held at its upper value there.
  bool obstacle_nodes = false;
  /// At every multiplier update, move the whole grid by a fresh random offset
  /// within one cell (a randomly shifted lattice); point i keeps its cell and
  /// its multipliers. A fixed quadrature can be exploited by a long
  /// second-order stage (the network bends where no point sees it).
  bool shift_each_round = false;
};

struct OutputConfig {
  std::string directory;     ///< default results/<case name>
  int snapshots = 0;         ///< solution snapshots through training (training.pvd)
  int log_every = 100;       ///< history.csv row every N iterations
  int evaluation_points = 0; ///< per dimension; 0: 1001 in 1D, 201 in 2D, 41 in 3D
};

/// The time discretisation of the time-stepping (Rothe) method ([parabolic] scheme).
enum class TimeScheme {
  bdf2,            ///< second order; its first two levels by two-stage SDIRK (solver/rothe_steps.hpp)
  implicit_euler,  ///< first order
};
inline constexpr NameTable<TimeScheme, 2> kTimeSchemeNames{
    {{TimeScheme::bdf2, "bdf2"}, {TimeScheme::implicit_euler, "implicit_euler"}}};
inline std::string to_string(TimeScheme scheme) { return name_in(kTimeSchemeNames, scheme); }

/// How a time-dependent problem is solved ([parabolic] method).
enum class TimeMethod {
  rothe,       ///< time stepping, one network per level (solver/rothe_solver.hpp)
  space_time,  ///< one network of (x, t) over Ω × (0, T) (solver/space_time_solver.hpp)
};
inline constexpr NameTable<TimeMethod, 2> kTimeMethodNames{
    {{TimeMethod::rothe, "rothe"}, {TimeMethod::space_time, "space_time"}}};
inline std::string to_string(TimeMethod method) { return name_in(kTimeMethodNames, method); }

/// How a time-dependent problem is solved: [parabolic] (cases/README.md, "Time-dependent problems").
struct ParabolicSettings {
  TimeMethod method = TimeMethod::rothe;
  /// Rothe: the time levels t_n = n·T/steps, one network each. Space–time: the output times t_n.
  int steps = 20;
  TimeScheme scheme = TimeScheme::bdf2;
  /// The levels after the first start from the previous level's network and
  /// train each stage for this fraction of its iterations (and multiplier updates).
  double later_levels = 0.5;
  /// Nodes per dimension of the grid that hands a level's solution to the next (multilinear
  /// interpolation); 0: 4097 in 1D, 513 in 2D, 65 in 3D.
  int grid_nodes = 0;
  /// Time steps of the FD/PDAS reference (a multiple of steps); 0: the smallest multiple of steps ≥ 256 (1D), 64 (2D, 3D).
  int reference_steps = 0;
  /// Points (dim coordinates each) where u is recorded at every level (probes.csv).
  std::vector<std::vector<double>> probes;
};

/// Where the first hidden layer's kinks start (network.kink_placement).
enum class KinkPlacement {
  domain,    ///< through random points of the domain's box (the default)
  origin,    ///< zero biases: every kink through the origin, as a plain He/Glorot initialisation
  obstacle,  ///< half of them where the obstacle bends or jumps, perpendicular to ∇ψ; the rest as `domain`
};
/// The names of KinkPlacement in case files, messages and reports (nn/enum_names.hpp).
inline constexpr NameTable<KinkPlacement, 3> kKinkPlacementNames{
    {{KinkPlacement::domain, "domain"}, {KinkPlacement::origin, "origin"}, {KinkPlacement::obstacle, "obstacle"}}};

struct CaseConfig {
  std::string path;  ///< the case file ("" for cases built in C++)
  ObstacleProblem problem;
  ProblemTexts texts;
  /// The map onto unit size the solver trains in (physics/problem_scaling.hpp):
  /// the identity for problems in the unit range. ObstacleSolver sets it and
  /// replaces `problem` by the mapped one; results are reported in the user's units.
  ProblemScaling scaling;
  /// Set where ObstacleSolver trains a 1D convection problem in its symmetric
  /// form (physics/symmetric_form.hpp): the weight w(x) (user coordinates)
  /// of its multipliers w·λ, which the outputs divide out. Empty otherwise.
  ScalarFunction multiplier_weight;
  /// Set with multiplier_weight: the problem as given (mapped like `problem`),
  /// whose reference the metrics measure against. Its u is the symmetric
  /// form's, but the reference's active-set iterations on the weighted data
  /// (w from e^{−7.5} to e^{7.5} at b = 7.5 on (0, 2)) did not converge.
  /// Empty otherwise: the reference solves `problem`.
  std::shared_ptr<const ObstacleProblem> reference_problem;
  MlpConfig network;
  KinkPlacement kink_placement = KinkPlacement::domain;
  LossSettings loss;
  SamplingConfig sampling;
  std::vector<StageConfig> stages;
  OutputConfig output;
  int reference_cells = 0;  ///< FD reference cells per dimension; 0: 1024 (1D), 256 (2D), 48 (3D)
  /// Whether a run measures its error against the exact solution or a reference solve. A time level
  /// (solver/rothe_solver.hpp) does not: its run measures against the time-dependent reference itself.
  bool measure_against_reference = true;
  /// Set for a time-dependent problem ([problem.time]; physics/parabolic_problem.hpp): `problem` then
  /// holds its data at t = 0, and solver/rothe_solver.hpp solves it level by level.
  std::shared_ptr<const ParabolicProblem> parabolic;
  ParabolicSettings time_stepping;  ///< [parabolic]; used only with `parabolic`
  std::uint64_t seed = 1;
  int threads = 0;  ///< 0: Kokkos default
  /// Seconds the stages of a run may take together ([run] time_budget,
  /// --budget); 0 = none. Each stage may use its budget_share of what remains
  /// when it starts, within its own time_limit; time a stage leaves unused
  /// passes on to the stages after it.
  double time_budget = 0.0;
  /// How ranks that share a run combine sums over points ([run] rank_sums; nn/communicator.hpp).
  RankSums rank_sums = RankSums::gathered;
  std::string effective_json;  ///< the configuration after --set, as JSON (summary.json)
  std::string effective_toml;  ///< the same as TOML (case.toml of a run, read back by `resume`)
  /// Where each given key came from, by its dotted name ("problem.obstacle",
  /// "stage.0.iterations"): "case.toml:7:12", or "--set 'key=value'" for a
  /// command-line override. Empty for cases built in C++. Checks made after
  /// parsing (solver/case_checks.hpp) blame keys with it.
  std::map<std::string, std::string> locations;
  /// How the training was chosen when the case file gives no [[stage]]: one
  /// line per choice (solver/default_pipeline.hpp); empty when the file
  /// gives the stages.
  std::vector<std::string> pipeline_notes;
  /// Things a user should know before the run, one line each (e.g. a
  /// `--set` that changed the activation of a case whose stages were tuned
  /// for another); the command line prints them, summary.json keeps them.
  std::vector<std::string> notices;

  /// Sets the fields that follow from the others, so that a CaseConfig built
  /// in C++ means what the same case file means: the network's inputs (the
  /// domain's dimension) and outputs (1 + dim for the first_order form, which
  /// also predicts σ = ∇u; 1 otherwise), and one default Adam stage when there is none.
  /// The case-file reader and ObstacleSolver both call it; calling it twice
  /// changes nothing.
  void finalize();

  /// Where the key with dotted name `key` was given and its name —
  /// "case.toml:7:12: stage.0.iterations", or "problem '<name>': key" for a
  /// case built in C++ — the prefix of every message that blames a key.
  std::string where(const std::string& key) const;
};

/// Whether the solver trains the symmetric form of the case's problem
/// (physics/symmetric_form.hpp): a convection problem in the energy form
/// with loss.wind = "symmetric" (else its wind is lagged: solver/lagged_wind.hpp).
bool trained_in_symmetric_form(const CaseConfig& config);

/// The problem as the solver trains it before mapping it onto unit size: the
/// case's own, or its symmetric form (trained_in_symmetric_form). The map
/// (choose_problem_scaling) is chosen on the case's own problem, by the solver
/// and by the default pipeline and --explain alike: the symmetric form has the
/// same u, but its data w·f and w·a lie orders of magnitude apart at the
/// interval's ends when the convection is strong, and their ratio would
/// overstate u's size (by 700× at b = 2.5 on (0, 2)).
ObstacleProblem problem_as_trained(const CaseConfig& config);

/// Whether the training points are the midpoints of a tensor grid that the
/// domain's boundary does not cut (method "grid" on an interval, rectangle or
/// box): sampling.shift_each_round and obstacle_nodes work on its cells. A
/// disk's or polygon's grid is cut at the boundary, where a shifted point
/// would leave the domain.
inline bool uncut_training_grid(const CaseConfig& config) {
  return config.sampling.method == SamplingMethod::grid && config.problem.domain.is_box();
}

}  // namespace pinn

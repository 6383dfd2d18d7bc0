/// @file solver/obstacle_solver.hpp
/// @brief The driver: reads like deal.II step-41 — run() samples points,
/// computes the reference (exact, or FD/PDAS when the case has no exact
/// solution), trains stage by stage with augmented-Lagrangian multiplier
/// updates, measures and writes the results.
#pragma once

#include "nn/adam.hpp"
#include "nn/diagnostics.hpp"
#include "nn/mlp.hpp"
#include "nn/mlp_evaluation.hpp"
#include "solver/case_config.hpp"
#include "physics/obstacle_loss.hpp"
#include "physics/point_data.hpp"
#include "solver/evaluation_grid.hpp"
#include "solver/history.hpp"
#include "solver/metrics.hpp"
#include "solver/output_layer_solve.hpp"
#include "solver/reference_solution.hpp"
#include "solver/result_folder.hpp"
#include "solver/run_outcome.hpp"
#include "solver/solution_fields.hpp"

#include <ceres/types.h>

#include <atomic>
#include <chrono>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pinn {

struct RunOptions {
  std::string output_directory;  ///< overrides [output] directory when not empty
  bool quiet = false;            ///< no progress lines
  bool write_files = true;
  std::ostream* log = nullptr;   ///< progress stream (default std::cout)
  const std::atomic<bool>* stop_requested = nullptr;  ///< set by a signal handler (Ctrl-C)
  /// Continue from this checkpoint.bin (written by an earlier run of the same case).
  std::string resume_from;
  /// Behave as if interrupted once this many iterations are done in total (tests).
  int stop_after = -1;
};

struct StageSummary {
  std::string name;
  int iterations = 0;
  double seconds = 0;
  double loss_start = 0, loss_end = 0;
  StageTermination termination = StageTermination::completed;
  std::string solver_report;  ///< Ceres' BriefReport() of the last solve (Ceres stages)
  /// stage.select_last_rounds: the multiplier round whose network the stage
  /// kept (0-based), and its validation loss; −1 when the stage ends on its last iterate.
  int selected_round = -1;
  double selected_validation_loss = 0.0;
};

struct RunResult {
  RunStatus status = RunStatus::ok;
  Metrics metrics;
  NetworkDiagnostics diagnostics;  ///< of the final network on the training points
  int n_kinks = -1;                ///< 1D piecewise-linear networks: kinks inside the domain; −1 otherwise
  std::vector<StageSummary> stages;
  double total_seconds = 0;
  std::string output_directory;
};

class ObstacleSolver {
 public:
  explicit ObstacleSolver(CaseConfig config, RunOptions options = {});
  ~ObstacleSolver();

  /// Trains from the network built (and initialised from the seed) by the constructor.
  RunResult run();

  const Mlp& network() const { return *net_; }
  const CaseConfig& config() const { return config_; }
  const std::vector<HistoryRow>& history() const { return history_; }
  const TrainingPoints& training_points() const { return training_; }
  /// The loss parameters as they stand (μ after any continuation).
  const ObstacleLossParams& loss_params() const { return loss_params_; }

 private:
  void sample_points();
  /// Offset of the training grid after `grid_shifts_` shifts: zero at first,
  /// then a random point of the centred cell, reproducible from the seed.
  std::vector<double> grid_shift() const;
  /// The base interior points moved by the current grid shift.
  std::vector<double> interior_points() const;
  /// Moves the grid by a fresh random offset within one cell, keeping every
  /// point's multipliers (sampling.shift_each_round).
  void shift_quadrature();
  /// Rebuilds the training set from the base, adaptive and boundary points,
  /// copying the multipliers of the first `keep` points by index.
  void rebuild_training_points(int keep);
  /// PDE weight of points added to the base set (nodes, adaptive points): 0
  /// for the energy (its quadrature stays the base set's), the base weight for collocation forms.
  double adaptive_pde_weight() const;
  void build_network();
  /// network.kink_placement = "obstacle": half of the first layer's kinks
  /// moved through training points drawn with probability ∝ |Δψ| (central
  /// differences over one point spacing, so jumps of ψ count), perpendicular to ∇ψ.
  void place_kinks_at_obstacle();
  void compute_reference();
  void compute_network_diagnostics();
  /// Adds sampling.adaptive_points training points where the complementarity
  /// gap λ̃·(u − ψ) (plus, for smooth networks, |min(−Δu − f, u − ψ)|) is largest.
  void refine_near_free_boundary();
  /// The stages take the time their time_limit counts from (see run()).
  void train_with_gradient_steps(const StageConfig& stage, int stage_index, int start_iteration,
                         std::chrono::steady_clock::time_point stage_start);
  /// Sets the output layer to its least-squares optimum for the current hidden layers (variable projection).
  void solve_output_layer();
  /// checkpoint.bin: parameters, optimiser state, multipliers, penalty, history and position.
  void write_checkpoint(const Adam* adam, int stage_index, int iteration);
  /// Restores what write_checkpoint saved; returns {stage index, iteration in that stage}.
  std::pair<int, int> restore_checkpoint();
  bool stop_now() const;
  /// Ceres LBFGS (ceres::GradientProblem) on the loss, inside the augmented-Lagrangian loop.
  void refine_with_lbfgs(const StageConfig& stage, int stage_index, int start_iteration, int start_round,
                         std::chrono::steady_clock::time_point stage_start);
  /// Ceres Levenberg–Marquardt on the residual form of the loss (physics/least_squares_residuals.hpp).
  void refine_with_lm(const StageConfig& stage, int stage_index, int start_iteration, int start_round,
                      std::chrono::steady_clock::time_point stage_start);
  /// The loss at the current parameters, its gradient written into `gradient`.
  double current_loss(const Vector& gradient);
  /// ½∫u'² integrated exactly between the kinks (loss.energy_integration =
  /// "exact"); its gradient is added to `gradient` unless that is null.
  double exact_dirichlet_energy(const Vector* gradient);
  const HistoryRow& record_history(const std::string& stage_name, int stage_index, int iteration, double learning_rate);
  void next_multiplier_round(const StageConfig& stage);
  /// stage.revive_neurons: dead hidden neurons get their kinks moved onto
  /// the training points with the largest complementarity gap.
  void revive_neurons();
  /// Training points ordered by the complementarity gap |λ̃(u − ψ)|, largest
  /// first: where revival and insertion put new kinks.
  std::vector<int> points_by_complementarity_gap();
  /// stage.insert_neurons: widens hidden layer stage.insert_layer by the
  /// candidates (kinks through the points with the largest gap) whose
  /// outgoing weights have the largest loss gradient; the function is unchanged.
  void insert_neurons(const StageConfig& stage, int stage_index);
  /// Resuming: rebuilds the network with the hidden widths a checkpoint was
  /// written for, when they are what this case's insertions grow it into.
  void adopt_inserted_neurons(const std::vector<int>& stored_widths);
  void after_iteration(const std::string& stage_name);
  // Shared by the Ceres stages (solver/ceres_stage_common.cpp).
  void load_parameters(const double* parameters);
  /// Checkpoint at the start of a multiplier round; returns the round's time budget (< 0: spent).
  double begin_ceres_round(const StageConfig& stage, int stage_index, int round, int rounds, int done,
                           std::chrono::steady_clock::time_point stage_start);
  /// History, snapshots and Ctrl-C after a Ceres iteration; false stops the solve.
  bool on_ceres_iteration(const StageConfig& stage, int stage_index, const std::string& stage_name, int done,
                          const double* parameters, std::chrono::steady_clock::time_point stage_start);
  void end_ceres_round(StageSummary& summary, ceres::TerminationType termination, const std::string& brief_report,
                       const std::string& message);
  /// stage.select_last_rounds: keeps the parameters that ended round `round`
  /// if their validation loss is the lowest of the stage's last rounds so far.
  void consider_round_for_selection(const StageConfig& stage, int round, int rounds,
                                    const std::vector<double>& parameters);
  /// Loss of the exact (unsmoothed) network on the validation points, with
  /// zero multipliers: energy (or residuals) plus the obstacle and boundary penalties.
  double validation_loss();
  void finish_ceres_stage(StageSummary& summary, const StageConfig& stage, int stage_index, int done, bool interrupted,
                          std::chrono::steady_clock::time_point stage_start);
  void update_multipliers();
  LossTerms evaluate_loss_terms();
  /// The loss terms of `net` at `points` with loss parameters `params`.
  LossTerms loss_terms_at(const Mlp& net, const TrainingPoints& points, const ObstacleLossParams& params);
  ContactSample contact_sample();
  /// Fills contact.contact_density and upper_contact_density (−Δψ − f and
  /// Δψ_hi + f where they are the contact-force densities); only the metrics
  /// need them, so the other users of the sample skip it.
  void add_contact_densities(ContactSample& contact);
  Metrics compute_current_metrics();
  void log_progress(const HistoryRow& row, const StageConfig& stage, double stage_seconds);
  /// Replaces the results in the output folder, all together (ResultFolder).
  void write_output(const std::string& stage_name);
  struct SolutionFiles {
    std::string solution_vtu;
    std::optional<std::string> solution_vtr;  ///< grid domains only
    std::string points_vtu;
  };
  /// The bytes of solution.vtu; with `all` also solution.vtr and points.vtu (the training points).
  SolutionFiles encode_solution_files(const std::string& stage_name, bool all);
  /// A solution snapshot for ParaView's time slider, listed in training.pvd.
  void write_snapshot(const std::string& stage_name);
  ResultFolder folder() const { return ResultFolder(config_.output.directory); }
  double seconds_since_start() const;

  CaseConfig config_;
  RunOptions options_;
  ExecSpace space_;
  std::chrono::steady_clock::time_point start_;
  TrainingPoints training_;
  std::vector<double> base_interior_, base_boundary_, adaptive_points_;
  /// How many times the training grid has been shifted (sampling.shift_each_round);
  /// the current offset follows from it and the seed (grid_shift()).
  int grid_shifts_ = 0;
  int adaptive_rounds_done_ = 0;
  /// Stages (counted from the first) whose neuron insertion has run (checkpointed).
  int insertions_done_ = 0;
  std::unique_ptr<Mlp> net_;
  ObstacleLossParams loss_params_;
  GradientWorkspace workspace_;
  EvaluationGrid grid_;
  std::unique_ptr<ReferenceSolution> reference_;
  /// The history rows' monitor points with their data and reference, sampled
  /// at first use (reset with the grid and the reference).
  std::unique_ptr<SampledProblem> monitor_;
  /// −Δψ − f and Δψ_hi + f at the training points' contact sample
  /// (add_contact_densities), computed once per training set (cleared when
  /// the points change).
  std::vector<double> contact_density_, upper_contact_density_;
  std::vector<HistoryRow> history_;
  RunResult result_;
  int total_iterations_ = 0;
  double current_stage_loss_start_ = 0.0;
  int ceres_round_ = 0;  ///< multiplier round of the running Ceres stage (for checkpoints)
  double lm_trust_region_radius_ = 1e4;        ///< LM damping carried from one multiplier round to the next
  /// stage.select_last_rounds: a midpoint grid twice as fine as the training
  /// grid per direction (built at first use), and the best round of the
  /// running stage so far: its parameters, validation loss and index (checkpointed).
  TrainingPoints validation_;
  std::vector<double> best_round_parameters_;
  double best_round_loss_ = 0.0;
  int best_round_ = -1;
  OutputLayerSolver output_layer_solver_;       ///< keeps its buffers between the solves of a stage
  std::vector<double> exact_energy_gradient_;  ///< host buffer of exact_dirichlet_energy
  int snapshot_every_ = 0;
  std::vector<std::pair<int, std::string>> snapshots_;  ///< (iteration, file relative to the output folder)
};

}  // namespace pinn

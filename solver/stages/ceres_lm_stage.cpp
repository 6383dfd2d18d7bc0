/// @file solver/stages/ceres_lm_stage.cpp
/// @brief The Ceres Levenberg–Marquardt stage.
#include "solver/stages/ceres_lm_stage.hpp"

#include "nn/blas.hpp"
#include "nn/error.hpp"
#include "solver/stages/ceres_common.hpp"
#include "solver/stages/batched_residuals.hpp"
#include "solver/stages/least_squares_form.hpp"

#include <ceres/ceres.h>

namespace pinn {

namespace {

ceres::LinearSolverType linear_solver_for(LmLinearSolver choice) {
  switch (choice) {
    case LmLinearSolver::dense_qr: return ceres::DENSE_QR;
    case LmLinearSolver::cgnr: return ceres::CGNR;
    case LmLinearSolver::dense_normal_cholesky: return ceres::DENSE_NORMAL_CHOLESKY;
  }
  return ceres::DENSE_NORMAL_CHOLESKY;
}

}  // namespace

void CeresLmStage::validate(const CaseConfig& config, int stage_index) {
  const StageConfig& stage = config.stages.at(static_cast<std::size_t>(stage_index));
  options_of<CeresLmOptions>(stage, config.where("stage." + std::to_string(stage_index) + ".type"));
  // Levenberg–Marquardt works on the least-squares form.
  check_least_squares_form(config, config.where("stage." + std::to_string(stage_index) + ".type"), " = \"ceres_lm\"");
}

std::shared_ptr<const StageOptions> CeresLmStage::read_options(TomlSection& table, const StageConfig& stage,
                                                               const CaseConfig& /*config*/) {
  refuse_gradient_step_keys(table, stage, "trust region", "|linear_solver|min_diagonal");
  auto options = std::make_shared<CeresLmOptions>();
  options->linear_solver = table.get_enum("linear_solver", LmLinearSolver::dense_normal_cholesky, kLmLinearSolverNames);
  options->min_diagonal = table.get_double("min_diagonal", 1e-6, 0.0, 1e3, true);
  return options;
}

StageSummary CeresLmStage::run(TrainingState& state, StageContext& context) {
  const CeresLmOptions& lm = options_of<CeresLmOptions>(context.stage);
  Mlp& net = *state.net;
  const int start_round = context.start.round;
  const RoundSolve solve = [&](std::vector<double>& x, const RoundBudget& round, const IterationHook& on_iteration) {
    CeresIterationHook hook(on_iteration);
    // The residuals depend on λ and μ, so the problem is rebuilt each round.
    const TrainingPoints& points = state.points.points();
    const ObstaclePointResiduals functor{points.data, state.loss_params, residual_layout(state.loss_params)};
    BatchedResiduals batch(context.loss.space(), net, points.coordinates, functor, context.loss.jet_order(), x.data(),
                           context.loss.communicator());
    ceres::Problem::Options problem_options;
    problem_options.evaluation_callback = &batch;
    ceres::Problem problem(problem_options);
    for (ResidualFamily family : {ResidualFamily::pde, ResidualFamily::obstacle, ResidualFamily::boundary}) {
      std::vector<int> rows = batch.rows_of(family, points.data);
      if (rows.empty()) continue;
      const double weight = 1.0;  // the quadrature weights are inside the residuals already
      problem.AddResidualBlock(new FamilyCost(&batch, std::move(rows)),
                               new ceres::ScaledLoss(nullptr, weight, ceres::TAKE_OWNERSHIP), x.data());
    }
    ceres::Solver::Options options;
    options.minimizer_type = ceres::TRUST_REGION;
    options.trust_region_strategy_type = ceres::LEVENBERG_MARQUARDT;
    options.linear_solver_type = linear_solver_for(lm.linear_solver);
    options.min_lm_diagonal = lm.min_diagonal;
    // Ceres 2.1 forms JᵀJ with Eigen (on one core) and factors it with LAPACK's
    // dpotrf/dpotrs (OpenBLAS here; faster than Eigen's LLT). They run on this
    // thread only: see ceres::Solve below.
    if (ceres::IsDenseLinearAlgebraLibraryTypeAvailable(ceres::LAPACK))
      options.dense_linear_algebra_library_type = ceres::LAPACK;
    // One Ceres thread, so that results are bitwise the same at any --threads.
    // Ceres' evaluator adds the residual blocks' costs and gradients into one
    // partial sum per thread and then adds those: with three blocks (penalty
    // boundary conditions) two threads sum (c0 + c2) + c1, one thread
    // (c0 + c1) + c2, and the trust-region ratio, hence the damping and every
    // later step, rounds differently. Its threads would only copy rows here:
    // BatchedResiduals has computed everything in one Kokkos pass.
    options.num_threads = 1;
    set_round_options(options, round.max_iterations, round.seconds, &hook);
    // The damping LM has learnt carries over to the next multiplier round: a
    // fresh solve would restart from a huge trust region and spend its first
    // iterations on rejected steps, which stalls short rounds completely.
    double& radius = state.stage.damping;
    if (round.round == 0 && start_round == 0) radius = options.initial_trust_region_radius;
    options.initial_trust_region_radius = radius;
    std::string invalid;
    PINN_REQUIRE(options.IsValid(&invalid), invalid);
    ceres::Solver::Summary summary;
    {
      // Threaded OpenBLAS blocks dpotrf by its thread count (which Kokkos sets
      // to --threads), so the factor would round differently at 1 and 2
      // threads. The factorisation is a small part of a solve (radial2d:
      // 1185 parameters, 12288 residuals; JᵀJ by Eigen dominates), and the
      // Kokkos regions of the evaluation callback keep their threads.
      const blas::SequentialScope lapack_on_one_thread;
      ceres::Solve(options, &problem, &summary);
    }
    if (hook.trust_region_radius() > 0) radius = hook.trust_region_radius();
    return ceres_round_end(summary.termination_type, summary.BriefReport(), summary.message,
                           static_cast<int>(summary.iterations.size()), context.stage.type, context.log);
  };
  return run_round_solves(state, context, solve);
}

}  // namespace pinn

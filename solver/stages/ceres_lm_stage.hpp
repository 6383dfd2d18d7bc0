/// @file solver/stages/ceres_lm_stage.hpp
/// @brief The "ceres_lm" stage: Ceres' Levenberg–Marquardt on the residual form
/// of the loss (physics/least_squares_residuals.hpp), one solve per multiplier
/// round, with the damping carried from one round to the next.
#pragma once

#include "nn/enum_names.hpp"
#include "physics/toml_section.hpp"
#include "solver/stages/stage.hpp"

#include <memory>
#include <string>

namespace pinn {

/// Linear solver of the Levenberg–Marquardt steps (dense Jacobians of a few
/// thousand parameters: normal equations by Cholesky are the fastest; QR is
/// more robust; CGNR avoids forming JᵀJ for larger networks).
enum class LmLinearSolver { dense_normal_cholesky, dense_qr, cgnr };
/// The names of LmLinearSolver in case files, messages and reports (nn/enum_names.hpp).
inline constexpr NameTable<LmLinearSolver, 3> kLmLinearSolverNames{
    {{LmLinearSolver::dense_normal_cholesky, "dense_normal_cholesky"},
     {LmLinearSolver::dense_qr, "dense_qr"},
     {LmLinearSolver::cgnr, "cgnr"}}};

struct CeresLmOptions final : StageOptions {
  LmLinearSolver linear_solver = LmLinearSolver::dense_normal_cholesky;
  /// Ceres' min_lm_diagonal: the floor of the damping's diagonal, diag(JᵀJ)
  /// with J's columns scaled to norm at most 1. Ceres' own 1e-6 lets a
  /// parameter that the points barely see take a long step, and such steps
  /// bend the network between its training points; a floor of 0.1 bounds
  /// them (README, "Default pipelines").
  double min_diagonal = 1e-6;
};

class CeresLmStage final : public Stage {
 public:
  StageSummary run(TrainingState& state, StageContext& context) override;
  /// Checks stage `stage_index` of `config`: its options and what they allow with the rest of the case.
  static void validate(const CaseConfig& config, int stage_index);
  /// Reads linear_solver and min_diagonal; refuses the learning-rate keys.
  static std::shared_ptr<const StageOptions> read_options(TomlSection& table, const StageConfig& stage,
                                                          const CaseConfig& config);
};

}  // namespace pinn

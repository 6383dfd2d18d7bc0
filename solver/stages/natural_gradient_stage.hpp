/// @file solver/stages/natural_gradient_stage.hpp
/// @brief The "natural_gradient" stage: Gauss–Newton steps in function space
/// on the least-squares form of the loss that ceres_lm uses (energy flux
/// form, first_order or strong residuals; the augmented-Lagrangian obstacle
/// residuals; boundary residuals): G = JᵀJ, (G + δ·diag G) d = −Jᵀr, with the Gram
/// matrix assembled by BLAS on all threads from the batched Jacobian and
/// factored by LAPACK Cholesky, or the Woodbury form in the residual space
/// when there are fewer residuals than parameters (nn/gauss_newton_step.hpp).
/// For the energy form G is the energy's Gram matrix in parameter space, so
/// the step is the energy natural gradient (Müller & Zeinhofer 2023); with
/// `energy_source = "points"` the source term is one linear row per point
/// instead of the flux, and the steps' cost is the training loss itself.
/// One solve per multiplier round, as the Ceres stages.
///
/// The damping matrix is diag(G), floored by `min_diagonal` (as ceres_lm's);
/// `weight_decay` adds ½α‖θ‖² to the cost the steps lower.
/// Step control: "damping" adapts δ as Levenberg–Marquardt does (δ/3 after
/// an accepted step, ×4 and retry on the same Gram matrix after a rejected
/// one), carried between rounds; "line_search" keeps δ fixed and backtracks
/// along d (Armijo).
///
/// Memory per step: the Jacobian, residuals × parameters doubles, and twice
/// min(residuals, parameters)² for the Gram matrix and its factor.
#pragma once

#include "nn/enum_names.hpp"
#include "physics/toml_section.hpp"
#include "solver/stages/stage.hpp"

#include <memory>

namespace pinn {

enum class StepControl { damping, line_search };
inline constexpr NameTable<StepControl, 2> kStepControlNames{
    {{StepControl::damping, "damping"}, {StepControl::line_search, "line_search"}}};

/// How the steps see the energy's source term −∫f u: through the flux F
/// (½‖∇u − F‖², as ceres_lm; F integrates f exactly along x, so a source that
/// jumps is integrated well) or as the points' linear rows −w f u (the
/// training loss itself: a step that lowers the residuals' cost lowers the
/// loss; README, "The energy as a sum of squares").
enum class EnergySource { flux, points };
inline constexpr NameTable<EnergySource, 2> kEnergySourceNames{
    {{EnergySource::flux, "flux"}, {EnergySource::points, "points"}}};

struct NaturalGradientOptions final : StageOptions {
  StepControl step_control = StepControl::damping;
  /// δ, a multiple of diag(JᵀJ) (Marquardt): the starting value under
  /// "damping", the fixed one under "line_search".
  double damping = 1e-3;
  /// The floor of the damping's diagonal, as ceres_lm's min_diagonal
  /// (nn/gauss_newton_step.hpp); 0: none.
  double min_diagonal = 0.0;
  /// Energy form only.
  EnergySource energy_source = EnergySource::flux;
  /// α of ½α‖θ‖², added to the loss the steps minimise (nn/gauss_newton_step.hpp); 0: none.
  double weight_decay = 0.0;
};

class NaturalGradientStage final : public Stage {
 public:
  StageSummary run(TrainingState& state, StageContext& context) override;
  /// Checks stage `stage_index` of `config`: its options and what they allow with the rest of the case.
  static void validate(const CaseConfig& config, int stage_index);
  /// Reads step_control and damping; refuses the learning-rate keys.
  static std::shared_ptr<const StageOptions> read_options(TomlSection& table, const StageConfig& stage,
                                                          const CaseConfig& config);
};

}  // namespace pinn

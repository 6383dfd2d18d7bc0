/// @file physics/loss_settings.hpp
/// @brief The choices that define a loss: form, barrier, complementarity function, boundary mode.
#pragma once

#include "nn/enum_names.hpp"

#include <string>

namespace pinn {

/// README.md, "Why not the strong form with PReLU": `strong` and `proximal` need Δu and are
/// refused for piecewise-linear networks.
enum class LossForm { energy, first_order, strong, proximal };
/// Penalty on obstacle violation s = ψ − u: relu2 = ReLU(s)², leaky2 = LeakyReLU_β(s)², softplus = softplus_k(s)².
enum class Barrier { relu2, leaky2, softplus };
/// C(a, b) with C = 0 ⇔ a ≥ 0, b ≥ 0, ab = 0.
enum class Complementarity { min, fischer_burmeister };
enum class BoundaryMode { hard, penalty };
/// How the energy form treats a wind b·∇u (README.md, "Winds in the energy
/// form"): `lagged` moves b·∇ũ of a lagged solution ũ into the source
/// (solver/lagged_wind.hpp); `symmetric` trains e^{−φ}L, b = a∇φ
/// (physics/symmetric_form.hpp).
enum class WindForm { lagged, symmetric };

/// The names of LossForm in case files, messages and reports (nn/enum_names.hpp).
inline constexpr NameTable<LossForm, 4> kLossFormNames{{{LossForm::energy, "energy"},
                                                        {LossForm::first_order, "first_order"},
                                                        {LossForm::strong, "strong"},
                                                        {LossForm::proximal, "proximal"}}};
/// The names of Barrier in case files, messages and reports (nn/enum_names.hpp).
inline constexpr NameTable<Barrier, 3> kBarrierNames{
    {{Barrier::relu2, "relu2"}, {Barrier::leaky2, "leaky2"}, {Barrier::softplus, "softplus"}}};
/// The names of Complementarity in case files, messages and reports (nn/enum_names.hpp).
inline constexpr NameTable<Complementarity, 2> kComplementarityNames{
    {{Complementarity::min, "min"}, {Complementarity::fischer_burmeister, "fischer_burmeister"}}};
/// The names of BoundaryMode in case files, messages and reports (nn/enum_names.hpp).
inline constexpr NameTable<BoundaryMode, 2> kBoundaryModeNames{
    {{BoundaryMode::hard, "hard"}, {BoundaryMode::penalty, "penalty"}}};

/// The names of WindForm in case files, messages and reports (nn/enum_names.hpp).
inline constexpr NameTable<WindForm, 2> kWindFormNames{
    {{WindForm::lagged, "lagged"}, {WindForm::symmetric, "symmetric"}}};

/// Plain data copied into kernels.
struct LossSettings {
  LossForm form = LossForm::energy;
  Barrier barrier = Barrier::relu2;
  Complementarity complementarity = Complementarity::min;
  BoundaryMode boundary = BoundaryMode::hard;
  double penalty = 1e3;            ///< μ
  double leaky_beta = 0.01;        ///< β of leaky2
  double softplus_sharpness = 50;  ///< k of softplus
  double boundary_weight = 1e3;    ///< β_bc of the penalty boundary condition
  double proximal_step = 0.1;      ///< η of the proximal residual
  WindForm wind = WindForm::lagged;
  /// θ of a lagged wind's update ũ ← (1 − θ)ũ + θu (solver/lagged_wind.hpp).
  double wind_relaxation = 0.5;
  /// Energy form, 1D piecewise-linear networks with penalty boundary
  /// conditions: ½∫u'² is integrated exactly between the kinks
  /// (nn/piecewise_linear_1d.hpp) instead of at the points, which then carry
  /// only −f u and the obstacle and boundary terms.
  bool exact_energy_integration = false;
};

/// Whether the form reads Δu (strong, proximal) rather than u and ∇u only.
constexpr bool needs_laplacian(LossForm form) { return form == LossForm::strong || form == LossForm::proximal; }

std::string to_string(LossForm v);
std::string to_string(Barrier v);
std::string to_string(Complementarity v);
std::string to_string(BoundaryMode v);
std::string to_string(WindForm v);

}  // namespace pinn

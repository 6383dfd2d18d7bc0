/// @file nn/activation.hpp
/// @brief Activation functions with their derivatives up to third order in z and
/// first order in the slope α, as plain functions usable inside kernels.
///
/// Smoothing (a training device for piecewise-linear activations, README
/// "Smoothing homotopy"): with a width ε > 0, ReLU/LeakyReLU/PReLU become
///   f_ε(z) = αz + (1 − α) ε softplus(z/ε),
/// which is C^∞, lies within (1 − α) ε ln 2 of the exact activation and tends
/// to it as ε → 0. ε = 0 is the exact activation. Smooth activations ignore ε.
///
/// Subgradient convention for the piecewise-linear activations: at z = 0 the
/// left branch is taken (slope α for LeakyReLU/PReLU, 0 for ReLU). Any value in
/// [α, 1] is a valid subgradient; taking the left one keeps f'(z) and ∂f/∂α
/// consistent (both from the branch z ≤ 0).
#pragma once

#include "nn/enum_names.hpp"

#include "nn/math.hpp"

#include <Kokkos_Core.hpp>

#include <string>

namespace pinn {

enum class Activation { relu, leaky_relu, prelu, tanh, softplus, sin };
/// The names of Activation in case files, messages and reports (nn/enum_names.hpp).
inline constexpr NameTable<Activation, 6> kActivationNames{{{Activation::relu, "relu"},
                                                            {Activation::leaky_relu, "leaky_relu"},
                                                            {Activation::prelu, "prelu"},
                                                            {Activation::tanh, "tanh"},
                                                            {Activation::softplus, "softplus"},
                                                            {Activation::sin, "sin"}}};

/// f, its z-derivatives f', f'', f''' and the α-derivatives of f, f', f''.
struct ActivationValues {
  double f = 0, d1 = 0, d2 = 0, d3 = 0;
  double df_dalpha = 0, dd1_dalpha = 0, dd2_dalpha = 0;
};

/// log(1 + e^x) written so that neither branch overflows.
KOKKOS_INLINE_FUNCTION double softplus(double x) {
  return x > 0.0 ? x + math::log1p(math::exp(-x)) : math::log1p(math::exp(x));
}

KOKKOS_INLINE_FUNCTION ActivationValues activation_values(Activation act, double z, double alpha,
                                                          double smoothing = 0.0) {
  ActivationValues v;
  switch (act) {
    case Activation::relu:
      alpha = 0.0;
      [[fallthrough]];
    case Activation::leaky_relu:
    case Activation::prelu:
      if (smoothing > 0.0) {
        // f = αz + (1 − α) ε sp(z/ε): with s = sigmoid(z/ε), f' = α + (1 − α)s,
        // f'' = (1 − α) s(1 − s)/ε, f''' = (1 − α) s(1 − s)(1 − 2s)/ε².
        const double x = z / smoothing;
        const double sp = smoothing * softplus(x);
        const double s = 1.0 / (1.0 + math::exp(-x));
        const double bump = s * (1.0 - s) / smoothing;
        v.f = alpha * z + (1.0 - alpha) * sp;
        v.d1 = alpha + (1.0 - alpha) * s;
        v.d2 = (1.0 - alpha) * bump;
        v.d3 = (1.0 - alpha) * bump * (1.0 - 2.0 * s) / smoothing;
        v.df_dalpha = z - sp;
        v.dd1_dalpha = 1.0 - s;
        v.dd2_dalpha = -bump;
      } else if (z > 0.0) {
        v.f = z;
        v.d1 = 1.0;
      } else {
        v.f = alpha * z;
        v.d1 = alpha;
        v.df_dalpha = z;
        v.dd1_dalpha = 1.0;
      }
      if (act != Activation::prelu) v.df_dalpha = v.dd1_dalpha = v.dd2_dalpha = 0.0;
      break;
    case Activation::tanh: {
      const double t = math::tanh(z);
      const double s = 1.0 - t * t;
      v.f = t;
      v.d1 = s;
      v.d2 = -2.0 * t * s;
      v.d3 = -2.0 * s * (1.0 - 3.0 * t * t);
      break;
    }
    case Activation::softplus: {
      v.f = softplus(z);
      const double s = 1.0 / (1.0 + math::exp(-z));
      v.d1 = s;
      v.d2 = s * (1.0 - s);
      v.d3 = s * (1.0 - s) * (1.0 - 2.0 * s);
      break;
    }
    case Activation::sin: {
      const double sn = math::sin(z), cs = math::cos(z);
      v.f = sn;
      v.d1 = cs;
      v.d2 = -sn;
      v.d3 = -cs;
      break;
    }
  }
  return v;
}

/// True for ReLU, LeakyReLU and PReLU: such networks are piecewise linear, so
/// their Laplacian vanishes almost everywhere (README.md, "Why not the strong
/// form with PReLU").
inline bool is_piecewise_linear(Activation act) {
  return act == Activation::relu || act == Activation::leaky_relu || act == Activation::prelu;
}

/// Case-file name of an activation ("relu", "leaky_relu", "prelu", "tanh", "softplus", "sin").
std::string to_string(Activation act);

/// Parses a case-file name; throws pinn::UserError listing the allowed names.
Activation activation_from_string(const std::string& name);

}  // namespace pinn

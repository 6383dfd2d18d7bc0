/// @file solver/rothe_steps.hpp
/// @brief The elliptic problems Rothe's method solves, one after another (solver/rothe_solver.hpp):
/// for each, the time of its data, the reaction the time derivative adds to L and the weights of the
/// earlier solutions in its source. Kept apart from the solver so that the time scheme can be checked on
/// its own, with finite differences in space in place of the networks (tests/solver/test_rothe_solver.cpp).
///
/// Step j solves  L u + r_j u ≥ f(t_j) + h_j,  ψ(t_j) ≤ u ≤ ψ_hi(t_j),  complementarity,  h_j = Σ_k w_jk u_k,
/// where u_0 = u₀ and u_k (k ≥ 1) is the solution of the k-th step solved. With Δt = T/steps:
/// - implicit Euler: r = 1/Δt, w = (1/Δt) on u_{n−1};
/// - BDF2: r = 3/(2Δt), w = (2/Δt, −1/(2Δt)) on (u_{n−1}, u_{n−2}), from level 3 on. Its first two
///   levels are two-stage SDIRK (Alexander's, γ = 1 − 1/√2: L-stable, stiffly accurate, second order,
///   one-step): a stage, an implicit-Euler step of γΔt from u_{n−1}, then the level itself with
///   r = 1/(γΔt) and the history (u_{n−1} + ((1 − γ)/γ)(u* − u_{n−1}))/(γΔt), in which
///   (u* − u_{n−1})/(γΔt) stands for the stage's u_t (its contact force included), so that neither
///   L u₀ (a Dirac measure at a kink of u₀, such as a payoff's) nor the stage's operator is needed.
///   Why not implicit Euler for the first level: it puts f(t₁)Δt where ∫₀^Δt f belongs, and where u grows
///   from rest under a load that grows with t that error is of the size of u itself (membrane2d: 38% at
///   t₁ with finite differences in space). Why two SDIRK levels: BDF2's second level reads u₀ as well, a
///   state from before the contact set formed (or from before a payoff's kink was smoothed), and its
///   two-step formula assumes u smooth in t across both intervals. Measured in BENCHMARKS.md §14,
///   "Accuracy of the levels".
#pragma once

#include "solver/case_config.hpp"

#include <vector>

namespace pinn {

struct RotheStep {
  double time = 0;  ///< t_j, where the data f, g, ψ, ψ_hi are taken
  /// r_j = mass/length: Δt and 1 (implicit Euler), Δt and 3/2 (BDF2), γΔt and 1 (SDIRK). Kept apart so
  /// that a level computes r and the history as it always has, (Σ c_k u_k)/Δt, to the last bit.
  double length = 0, mass = 0;
  /// c_jk of the solutions so far (u₀ first, then the steps' in order; fewer entries mean zeros): the
  /// source is f(t_j) + (Σ_k c_jk u_k)/length, the history.
  std::vector<double> history;
  /// The level (1 … steps) this step's solution is reported as, or 0 for a stage inside a level's
  /// interval, whose solution only enters later steps' histories.
  int level = 0;
  /// r_j in words, for the level's reports: "1/Δt", "3/(2Δt)" or "1/(γΔt), γ = 1 − 1/√2".
  const char* reaction_text = "";

  double reaction() const { return mass / length; }
};

/// The steps of `steps` levels on (0, final_time], in the order they are solved; the levels' times are
/// n·T/steps (the last exactly T).
std::vector<RotheStep> rothe_steps(TimeScheme scheme, double final_time, int steps);

/// For each solution (u₀ first, then the steps' in order), the index of the last step whose history uses
/// it, or −1 when none does: it can be released once that step's problem is set up.
std::vector<int> last_use_of_solutions(const std::vector<RotheStep>& steps);

}  // namespace pinn

/// @file solver/rothe_solver.hpp
/// @brief Time-dependent obstacle problems by Rothe's method: time stepping with one network per
/// time level, each level an elliptic obstacle problem solved by ObstacleSolver with the case's
/// pipeline (README.md, "Time-dependent problems").
///
/// With Δt = T/steps and t_n = nΔt, implicit Euler replaces u_t by (u − u_{n−1})/Δt and BDF2 by
/// (3u − 4u_{n−1} + u_{n−2})/(2Δt); BDF2's first two levels are taken by two-stage SDIRK, an L-stable
/// one-step scheme of second order whose stage is one more elliptic problem inside the level's interval
/// (solver/rothe_steps.hpp says why: implicit Euler there cost membrane2d 38% at t₁). Every step solves
///   L u + r u ≥ f(t) + h,   ψ(t) ≤ u ≤ ψ_hi(t),   complementarity,
/// with r = 1/Δt and h = u_{n−1}/Δt (implicit Euler), r = 3/(2Δt) and h = (2u_{n−1} − u_{n−2}/2)/Δt
/// (BDF2), or the SDIRK stage's and level's r = 1/(γΔt) and h: the operator gains a reaction and the
/// source the history. That is an elliptic obstacle problem with energy ½a(u, u) + (r/2)‖u‖² − ⟨f + h, u⟩,
/// so every loss form and activation the engine has, the (P)LeakyReLU networks' energy included, applies
/// unchanged.
///
/// The previous levels enter as data: each level's u is sampled on a tensor grid over the domain's
/// box (parabolic.grid_nodes) and interpolated multilinearly (physics/grid_function.hpp), an O(h²)
/// error far below the levels' own. Every step is trained in the same map onto unit size (chosen
/// from the data and u₀), so each step after the first starts from the network of the step before it
/// and trains each stage for `later_levels` of its iterations.
#pragma once

#include "solver/obstacle_solver.hpp"
#include "solver/rothe_outcome.hpp"

namespace pinn {

/// The stages of a level after the first: it starts from the previous level's network, which is
/// already close. Its gradient stages before a stage that solves its rounds (Levenberg–Marquardt,
/// LBFGS, natural gradient) run at a hundredth of their learning rate: Adam's steps are of
/// the size of the learning rate in every parameter, whatever the gradient, so at the full rate the
/// first iterations moved the network away from where the level starts (the American put's σ = 0.4,
/// T = 2 prices spread over −0.034 … +0.024 across three seeds; at a tenth −0.011 … +0.0075; at a
/// hundredth +0.0038 … +0.0064), while without the stages — their multiplier rounds on a network that
/// hardly moves — Levenberg–Marquardt alone bent the network between the training points on a problem
/// whose u moves far in a step (a string sagging onto an obstacle: 2.9, against 1.7e-2 at a hundredth;
/// BENCHMARKS.md, "Later levels"). A pipeline of gradient stages alone keeps their rate: they are all
/// that trains the level. Every stage trains for `fraction` of its iterations, multiplier updates and
/// selected last rounds. The last keeps the selection among rounds whose multipliers have settled: the validation loss (energy plus
/// penalty) favours the early rounds' networks, which cross the obstacle by λ/μ, and selecting among
/// all 16 rounds of a quarter pipeline let the violation grow level after level (to 4.8e-3 over
/// parabolic1d's 20 levels, and the error to 4e-2).
std::vector<StageConfig> later_level_stages(std::vector<StageConfig> stages, double fraction);

class RotheSolver {
 public:
  /// Checks the case as ObstacleSolver does, and that it is time-dependent (config.parabolic).
  RotheSolver(CaseConfig config, RunOptions options = {});

  /// Solves level after level, writing each level's run into levels/level_NNNN/ and, at the end, the
  /// time series (solution.pvd, history.csv, probes.csv, free_boundary.csv, summary.json,
  /// solution_xt.vtr in 1D; solver/time_series_output.hpp).
  RotheResult run();

  const CaseConfig& config() const { return config_; }

 private:
  CaseConfig config_;
  RunOptions options_;
};

}  // namespace pinn

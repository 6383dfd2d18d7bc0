/// @file physics/parabolic_fd_reference.hpp
/// @brief Finite-difference + PDAS reference solver for time-dependent (parabolic) obstacle problems on boxes.
///
/// Problem: on Ω = Π[lower_k, upper_k] (dim 1..3) and (0, T] find u with ψ_lo ≤ u ≤ ψ_hi and
///   u_t + L u − f = λ_lo − λ_hi,  λ_lo, λ_hi ≥ 0,  λ_lo (u − ψ_lo) = 0,  λ_hi (ψ_hi − u) = 0,
/// u(x, 0) = u0(x) and u = g(x, t) on ∂Ω (Dirichlet only), L as in physics/fd_reference_solver.hpp
/// (default −Δ). f, g and the obstacles may depend on t; the operator does not.
///
/// Method of lines: space exactly as the elliptic reference (the same grid and L_h), time by one of
/// - implicit Euler (first order):   L_h u + u/Δt ≥ f(t_{n+1}) + u_n/Δt;
/// - Crank–Nicolson (second order):  L_h u + (2/Δt) u ≥ f(t_{n+1}) + f(t_n) + (2/Δt) u_n − L_h u_n,
/// each with the obstacles at t_{n+1} and complementarity. Every step is therefore an elliptic obstacle
/// problem with reaction c + 1/Δt (or c + 2/Δt) and a source from the previous step's nodal values, solved by
/// solve_fd_reference (no second copy of PDAS); L_h u_n comes from apply_fd_operator, so it is exactly the
/// stencil of the solve. Crank–Nicolson is only A-stable: its amplification factor tends to −1 for the
/// stiff modes, so the high frequencies of non-smooth data (a kink of u0, u0 resting on ψ, the first
/// contact) are not damped and pollute the solution for many steps. The Rannacher start replaces the first
/// `rannacher_steps` Crank–Nicolson steps by two implicit-Euler half steps each (L-stable: the stiff modes
/// are damped by (1 + Δt λ/2)^{-2}), which restores second order for non-smooth initial data
/// (Rannacher, Numer. Math. 43, 1984; Giles & Carter, J. Comput. Finance 9, 2006, recommend 2 steps).
///
/// Each step is warm-started from the previous step's contact sets (FdReferenceOptions::warm_start)
/// rather than by the elliptic solver's grid sequencing: the contact set moves by a node or so per step, so
/// PDAS mostly confirms the start with one solve and no coarse grids are solved. Measured (1D, 256 cells,
/// 128 steps, a growing contact set; WarmStartFromPreviousStepMatchesGridSequencing): 168 PDAS iterations
/// in 130 solves, 0.012 s, against 153 on the fine grids plus the coarse grids' with sequencing, 0.024 s;
/// the same u and contact sets.
///
/// The multipliers reported are those of the time-discrete complementarity system written like the
/// continuous one, λ ≈ u_t + L u − f: for implicit Euler (u − u_n)/Δt + L_h u − f(t_{n+1}); for
/// Crank–Nicolson (u − u_n)/Δt + (L_h u + L_h u_n)/2 − (f(t_{n+1}) + f(t_n))/2, i.e. half the multiplier
/// of the elliptic step (a time-centred value); a Rannacher step reports its second implicit-Euler half step's.
/// PDAS's round-off band (fd_reference_solver.hpp) scales with the bound |f|/c_min that the step's reaction
/// c + 1/Δt (or 2/Δt) gives, so it stays of order 1e-11·|u| however small Δt is; off the contact set u can
/// undershoot ψ_lo by that much at most.
#pragma once

#include "physics/elliptic_operator.hpp"
#include "physics/fd_reference_solver.hpp"
#include "physics/scalar_function.hpp"

#include <array>
#include <functional>
#include <string>
#include <vector>

namespace pinn {

/// The time discretisation of every step.
enum class ParabolicScheme {
  crank_nicolson,  ///< second order; with the Rannacher start (ParabolicFdOptions::rannacher_steps)
  implicit_euler,  ///< first order, L-stable
};

struct ParabolicFdProblem {
  int dim = 1;
  std::array<double, 3> lower{0, 0, 0}, upper{1, 1, 1};
  std::array<int, 3> n_cells{64, 64, 64};  ///< only the first `dim` entries are used; each at least 2
  double final_time = 1;                   ///< T > 0
  int n_steps = 64;                        ///< uniform steps Δt = T / n_steps; at least 1
  SpaceTimeFunction source;                ///< f(x, t) (required)
  SpaceTimeFunction boundary;              ///< g(x, t) on ∂Ω (required), t = 0 included
  SpaceTimeFunction lower_obstacle;        ///< ψ_lo(x, t) (empty: none); −∞ values mean "no obstacle here"
  SpaceTimeFunction upper_obstacle;        ///< ψ_hi(x, t) (empty: none); +∞ values mean "no obstacle here"
  ScalarFunction initial;                  ///< u0(x) (required), sampled at the interior nodes
  EllipticOperator op;                     ///< L, time-independent (default −Δ; see FdReferenceProblem::op)
};

struct ParabolicFdOptions {
  ParabolicScheme scheme = ParabolicScheme::crank_nicolson;
  /// Crank–Nicolson only: the first this many steps are each taken as two implicit-Euler half steps.
  /// 0 gives plain Crank–Nicolson; at most n_steps.
  int rannacher_steps = 2;
  /// Times at which to keep the solution, each in [0, T] and on the time grid t_n = n T / n_steps up to
  /// round-off (no interpolation in time, which would cost the scheme's order); duplicates are kept once.
  /// Empty: every time level, t = 0 included.
  std::vector<double> output_times;
  /// Cap on PDAS iterations per step (FdReferenceOptions::max_iterations).
  int max_iterations = 200;
  /// Start each step's PDAS from the previous step's contact sets (true, see the file comment), or from
  /// the elliptic solver's grid sequencing (false; for comparison).
  bool warm_start_from_previous_step = true;
  /// Empty when valid, else a sentence saying what is wrong (what field, what was found, what is allowed).
  std::string validate() const;
};

struct ParabolicFdSolution {
  /// The kept time levels, increasing, and the solution at each: u, λ (see the file comment), contact flags,
  /// and iterations/converged of that step's PDAS (its half steps' sum with the Rannacher start). The t = 0
  /// snapshot holds u0 at interior nodes and g(x, 0) on ∂Ω, with λ and the contact flags zero.
  std::vector<double> times;
  std::vector<FdReferenceSolution> snapshots;
  int total_iterations = 0;  ///< PDAS iterations (linear solves) over all steps and half steps
  int n_solves = 0;          ///< elliptic obstacle problems solved (steps, half steps counted singly)
  bool converged = false;    ///< every step's PDAS converged
  double seconds = 0;        ///< wall time of the whole solve
};

/// Throws std::invalid_argument for invalid problems/options (the message names the offending field, what
/// was found and what is allowed; a value refused inside a step also names the time) and
/// std::runtime_error if a linear solve fails.
ParabolicFdSolution solve_parabolic_fd_reference(const ParabolicFdProblem& problem,
                                                 const ParabolicFdOptions& options = {});

}  // namespace pinn

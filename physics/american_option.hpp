/// @file physics/american_option.hpp
/// @brief Pricing references for the American put: the parabolic FD/PDAS obstacle reference in log-price, a
/// Cox–Ross–Rubinstein tree, and the Black–Scholes European put, so that the engine can be checked against a
/// problem with a market of known answers.
///
/// The American put with strike K, rate r ≥ 0 and volatility σ (no dividends), written in x = ln S and the time
/// to maturity τ, is the parabolic obstacle problem of physics/parabolic_fd_reference.hpp
///   V_τ − (σ²/2) V_xx − (r − σ²/2) V_x + r V ≥ 0,  V ≥ ψ(x) = (K − eˣ)⁺,  (V_τ + L V)(V − ψ) = 0,  V(x, 0) = ψ(x),
/// i.e. L = −∇·(A∇u) + b·∇u + cu with A = σ²/2, b = −(r − σ²/2), c = r, f = 0; the payoff is the initial value
/// and the obstacle. Log-price rather than S because (i) the coefficients are constant, where in S the diffusion
/// σ²S²/2 and the convection rS vary over orders of magnitude; (ii) a uniform grid in x is uniform in relative
/// price, so it resolves the payoff's kink at ln K and the free boundary equally well whatever the spot, and ln K
/// can be made a node; (iii) the diffusion does not degenerate at S = 0, which in S needs a boundary condition of
/// its own (or none) and a one-sided stencil. The cell Péclet number |b|h/(2A) = |r/σ² − 1/2| h is below 1 for
/// any sensible grid, so the convection is centred and the scheme second order in h.
///
/// Truncation. The FD problem lives on [ln K − w, ln K + w] with Dirichlet data
///   left:  V = K − eˣ   (American; the European problem takes K e^{−rτ} − eˣ),
///   right: V = 0.
/// Both lie below the true values by an amount bounded in closed form (r ≥ 0, no dividends): at the left end
/// P_Am(S) − (K − S) ≤ C(S), the European call, by the American put–call bound S − K ≤ C − P_Am (the American
/// call equals the European one), and P_Eu(S) − (K e^{−rτ} − S) = C(S) by parity; at the right end
/// P(S) ≤ K·Q(min_{t ≤ T} S_t ≤ K), because the payoff is at most K and zero while S stays above K. By the
/// comparison principle the truncated price then lies below the true one by at most the larger of the two
/// (put_truncation_bound). The left value is exact, not just close, where K e^{−w} lies below the exercise
/// boundary S*(τ) ≥ S*_∞ = 2rK/(2r + σ²) (the perpetual put's), i.e. for w > ln(1 + σ²/(2r)), which the w below
/// satisfies unless r is tiny against σ²; the bound covers the other case. The right value 0 rather than the
/// European price keeps the FD reference independent of the Black–Scholes formula it is checked against.
///
/// The half-width is w = max_i |ln(S_i/K)| + |r − σ²/2| T + 6 σ√T (put_fd_half_width): the spots, plus the drift
/// of ln S over T, plus six standard deviations. Both bounds are then of the order of K·N(−6) ≈ 1e-9·K whatever the
/// parameters (the reflection term of the hitting probability contributes at most the same), e.g. at most 2.4e-8
/// for the table K = 40, r = 0.06, σ ∈ {0.2, 0.4}, T ∈ {1, 2}, S0 ∈ [36, 44]. The bounds are crude: with the same
/// grid spacing, 3σ√T instead of 6σ√T changes the prices for σ = 0.4, T = 2 by 1.2e-8 at most (measured), where
/// the bound says 0.13, so a sharper bound (one that also counts the probability of reaching an end from S0) would
/// allow half the interval and, at equal cost, about a third of the spatial error.
///
/// Grid: an even number of cells, so that ln K is the middle node and the kink of the payoff sits on a node;
/// Crank–Nicolson with the Rannacher start (two steps as four implicit-Euler half steps), which damps the kink's
/// high frequencies. The price at a spot is the cubic Lagrange interpolant of the four nodes around ln S0 (fourth
/// order where V is smooth, which it is away from the exercise boundary). Linear interpolation would add up to
/// h²V_xx/8, positive as V is convex and depending on where ln S0 falls between two nodes: up to 1.1e-4 on 1000
/// cells for the classic table, where the scheme's own error is 0.9e-4 to 3.1e-4 (measured), so that the price's
/// error would no longer shrink smoothly with the grid. Measured over the classic table (worst error against
/// prices verified by the FD on 6400 cells and the CRR tree on 40000 steps): order 1.8 in h and 1.3 to 1.5 in Δt
/// (the free boundary leaves the strike like √τ, which Crank–Nicolson does not follow at second order); 1000
/// cells and 500 steps give 3.1e-4, always below the true price.
#pragma once

#include "physics/parabolic_fd_reference.hpp"

#include <string>
#include <vector>

namespace pinn {

/// The contract and the market of an American (or, for the European functions, a European) put on a stock
/// without dividends. Zero-initialised fields other than the rate are refused by validate().
struct AmericanPut {
  double strike = 0;      ///< K > 0
  double rate = 0;        ///< r ≥ 0, continuously compounded (r < 0 would make the left boundary value wrong)
  double volatility = 0;  ///< σ > 0, per unit time
  double maturity = 0;    ///< T > 0, in the units of 1/r
  /// Empty when valid, else a sentence naming the field, the value found and what is allowed.
  std::string validate() const;
};

/// Whether the holder may exercise before maturity.
enum class ExerciseStyle {
  american,  ///< V ≥ (K − S)⁺ at all times: the obstacle problem
  european,  ///< at maturity only: the same PDE without the obstacle
};

/// The half-width w of the log-price interval [ln K − w, ln K + w] for the given spots (see the file comment).
/// Throws std::invalid_argument for an invalid put, no spots, or a spot that is not finite and positive.
double put_fd_half_width(const AmericanPut& put, const std::vector<double>& spots);

/// An upper bound on how far the truncated problem's price lies below the true one (American or European) for
/// any spot inside [ln K − w, ln K + w]: max(C_BS(K e^{−w}), K·Q(min_{t≤T} S_t ≤ K | S_0 = K e^{w})).
/// Throws std::invalid_argument for an invalid put or w ≤ 0.
double put_truncation_bound(const AmericanPut& put, double half_width);

/// The parabolic obstacle problem of the file comment on [ln K − w, ln K + w] with `cells` cells (even, at least
/// 4, so that ln K is the middle node) and `steps` uniform steps in τ ∈ (0, T]. The problem's functions capture
/// the put's numbers by value. Throws std::invalid_argument for invalid input.
ParabolicFdProblem put_fd_problem(const AmericanPut& put, ExerciseStyle style, double half_width, int cells, int steps);

/// Prices at the given spots from one FD/PDAS solve (Crank–Nicolson + 2 Rannacher steps) on the interval of
/// put_fd_half_width(put, spots); one price per spot, in order. Throws std::invalid_argument for invalid input
/// (cells odd or below 4, steps below 2) and std::runtime_error if PDAS did not converge at some step.
std::vector<double> put_fd_prices(const AmericanPut& put, ExerciseStyle style, const std::vector<double>& spots,
                                  int cells, int steps);

/// put_fd_prices for one spot, American and European.
double american_put_fd_price(const AmericanPut& put, double spot, int cells, int steps);
double european_put_fd_price(const AmericanPut& put, double spot, int cells, int steps);

/// The Cox–Ross–Rubinstein binomial tree with `steps` steps (u = e^{σ√Δt}, d = 1/u, risk-neutral p), early
/// exercise checked at every node; O(steps) memory, O(steps²) time. The error is O(1/steps) and, at the money,
/// alternates in sign with the parity of `steps` (K = 40, r = 0.06, σ = 0.2, T = 1, S0 = 40: −3.0e-4 at 1000
/// steps, +5.0e-4 at 1001). Throws std::invalid_argument for an invalid put or spot, steps < 1, or an up
/// probability p outside (0, 1) (too few steps for r and σ: then e^{rΔt} ≥ u).
double american_put_binomial_price(const AmericanPut& put, double spot, int steps);

/// The mean of the trees with `steps` and `steps + 1` steps. At the money it removes the odd/even alternation
/// (the example above: +1.0e-4, varying by 1e-7 from one pair to the next), so that the error decreases smoothly;
/// away from it the error also depends on where the strike falls between the nodes, which the mean does not
/// remove. Over the classic table (tests/physics/test_american_option.cpp) the worst error is 1.2 to 2.1 times
/// smaller than the plain tree's with the same `steps`, and 0.9 to 1.3 times smaller than the plain tree's with
/// √2 times the steps, which costs the same (measured, 1000 to 5657 steps): a modest gain. Same refusals as
/// american_put_binomial_price.
double american_put_binomial_price_averaged(const AmericanPut& put, double spot, int steps);

/// The Black–Scholes price of the European put, K e^{−rT} N(−d₂) − S N(−d₁), N(x) = erfc(−x/√2)/2.
/// Throws std::invalid_argument for an invalid put or a spot that is not finite and positive.
double european_put_black_scholes(const AmericanPut& put, double spot);

}  // namespace pinn

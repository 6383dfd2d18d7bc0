/// @file solver/solution_fields.cpp
/// @brief Sampling the solution and the problem data.
#include "solver/solution_fields.hpp"

#include "nn/mlp_evaluation.hpp"
#include "physics/obstacle_loss.hpp"
#include "physics/point_data.hpp"

#include <algorithm>
#include <cmath>

namespace pinn {

SampledProblem sample_problem(const ObstacleProblem& problem, const std::vector<double>& points,
                              const ReferenceSolution* reference) {
  SampledProblem sampled;
  SolutionFields& s = sampled.fields;
  s.dim = problem.domain.dim();
  s.n = static_cast<int>(points.size()) / s.dim;
  s.points = points;
  sampled.data = make_training_points(problem, points, {}, {}, 0.0, FluxAt::none);
  sampled.general_operator = !problem.op.is_laplacian();
  sampled.matrix_diffusion = problem.op.has_matrix_diffusion();
  if (problem.op.time_axis) sampled.laplacian_dims = laplacian_dims(problem);
  const auto host_data = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), sampled.data.data);
  s.psi.resize(s.n);
  s.psi_upper.resize(s.n);
  s.f.resize(s.n);
  for (int i = 0; i < s.n; ++i) {
    s.psi[i] = host_data(i).psi_lower;
    s.psi_upper[i] = host_data(i).psi_upper;
    s.f[i] = host_data(i).f;
  }
  if (reference) {
    s.exact.resize(s.n);
    s.exact_grad.resize(static_cast<std::size_t>(s.n) * s.dim);
    for (int i = 0; i < s.n; ++i) {
      double x[3] = {0, 0, 0};
      for (int k = 0; k < s.dim; ++k) x[k] = points[i * s.dim + k];
      s.exact[i] = reference->value(x);
      for (int k = 0; k < s.dim; ++k) {
        // One-sided at the boundary so the FD reference is never asked outside its box, nor the FE
        // one outside its polygon (a step that leaves the domain stays at x).
        const double h = 1e-6 * std::max(1.0, problem.domain.upper()[k] - problem.domain.lower()[k]);
        const double saved = x[k];
        const auto inside = [&](double coordinate) {
          x[k] = coordinate;
          const bool contained = problem.domain.contains(x);
          x[k] = saved;
          return contained ? coordinate : saved;
        };
        const double hi = inside(std::min(saved + h, problem.domain.upper()[k]));
        const double lo = inside(std::max(saved - h, problem.domain.lower()[k]));
        x[k] = hi;
        const double plus = reference->value(x);
        x[k] = lo;
        const double minus = reference->value(x);
        x[k] = saved;
        s.exact_grad[i * s.dim + k] = (plus - minus) / (hi - lo);
      }
    }
  }
  return sampled;
}

namespace {

/// Whether A at the point is a·I over the Laplacian's coordinates and 0 elsewhere (a space–time
/// problem's diag(a, …, a, 0)): then −∇·(A∇u) = −aΔu − (∇·A)·∇u there exactly, whatever A is nearby,
/// and the residual needs no other second derivative.
bool is_scalar_diffusion_at(const PointData& p, int dim) {
  for (int r = 0; r < dim; ++r)
    for (int c = 0; c < dim; ++c) {
      const double expected = r == c && r < p.laplacian_dims ? p.diffusion[0] : 0.0;
      if (p.diffusion[3 * r + c] != expected) return false;
    }
  return true;
}

}  // namespace

SolutionFields evaluate_solution(const ExecSpace& space, const Mlp& net, const LossSettings& loss,
                                 const SampledProblem& sampled, SolutionDerivatives derivatives,
                                 const Communicator& communicator) {
  SolutionFields s = sampled.fields;
  const bool laplacian = derivatives == SolutionDerivatives::gradient_and_laplacian;
  // A piecewise-linear N has ΔN = 0 a.e.: its gradient jets suffice (u's Δ
  // keeps the lift's and distance's terms).
  const JetOrder order =
      laplacian && !is_piecewise_linear(net.layout().activation) ? JetOrder::laplacian : JetOrder::gradient;
  const auto jets = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(),
                                                        evaluate_jets(space, net, sampled.data.coordinates, order,
                                                                      sampled.laplacian_dims, KernelPath::automatic,
                                                                      communicator));
  const auto host_data = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), sampled.data.data);
  const bool hard = loss.boundary == BoundaryMode::hard;
  s.u.resize(s.n);
  s.laplacian.assign(s.n, 0.0);
  s.grad.resize(static_cast<std::size_t>(s.n) * s.dim);
  if (laplacian) s.residual.resize(s.n);
  const bool general = sampled.general_operator;
  for (int i = 0; i < s.n; ++i) {
    const PointData& p = host_data(i);
    const SolutionJet jet = solution_jet(p, jets(i), s.dim, hard);
    s.u[i] = jet.u;
    if (laplacian) {
      s.laplacian[i] = jet.lap;
      s.residual[i] = !general ? -jet.lap - p.f
                      : sampled.matrix_diffusion && !is_scalar_diffusion_at(p, s.dim)
                          ? std::nan("")
                          : scalar_diffusion_operator(p, jet.u, jet.grad, jet.lap, s.dim) - p.f;
    }
    for (int k = 0; k < s.dim; ++k) s.grad[i * s.dim + k] = jet.grad[k];
  }
  return s;
}

SolutionFields evaluate_solution(const ExecSpace& space, const Mlp& net, const ObstacleProblem& problem,
                                 const LossSettings& loss, const std::vector<double>& points,
                                 const ReferenceSolution* reference, const Communicator& communicator) {
  return evaluate_solution(space, net, loss, sample_problem(problem, points, reference),
                           SolutionDerivatives::gradient_and_laplacian, communicator);
}

void to_user_units(SolutionFields& fields, const ProblemScaling& s) {
  if (s.identity()) return;
  const double U = s.value, L = s.length;
  for (std::size_t i = 0; i < fields.points.size(); i += static_cast<std::size_t>(fields.dim)) {
    double user[3] = {0, 0, 0};
    s.to_user_point(&fields.points[i], user);
    for (int k = 0; k < fields.dim; ++k) fields.points[i + static_cast<std::size_t>(k)] = user[k];
  }
  auto scale = [](std::vector<double>& values, double factor) {
    for (double& v : values) v *= factor;
  };
  for (std::vector<double>* values : {&fields.u, &fields.psi, &fields.psi_upper, &fields.exact}) scale(*values, U);
  for (std::vector<double>* values : {&fields.grad, &fields.exact_grad}) scale(*values, U / L);
  for (std::vector<double>* values : {&fields.laplacian, &fields.f, &fields.residual}) scale(*values, U / (L * L));
}

}  // namespace pinn

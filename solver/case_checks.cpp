/// @file solver/case_checks.cpp
/// @brief The checks of a case before a run is accepted.
#include "solver/case_checks.hpp"

#include "nn/error.hpp"
#include "solver/case_rules.hpp"
#include "solver/evaluation_grid.hpp"
#include "solver/reference_solution.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <thread>
#include <vector>

namespace pinn {

namespace {

std::string point_text(const double* x, int dim) {
  std::ostringstream out;
  out << "(";
  for (int k = 0; k < dim; ++k) out << (k ? ", " : "") << x[k];
  out << ")";
  return out.str();
}

/// Where a run evaluates the problem data: the interior training points, the
/// boundary points and the output grid (whose nodes include the boundary's).
struct CheckPoints {
  std::vector<double> everywhere, boundary;
};

CheckPoints points_a_run_evaluates(const CaseConfig& config) {
  const Domain& domain = config.problem.domain;
  CheckPoints points;
  points.boundary = domain.sample_boundary(domain.dim() == 1 ? 2 : 400);
  points.everywhere = domain.sample_interior(config.sampling.interior, config.sampling.method, config.seed);
  const EvaluationGrid grid = make_evaluation_grid(domain, config.output.evaluation_points);
  points.everywhere.insert(points.everywhere.end(), grid.points.begin(), grid.points.end());
  points.everywhere.insert(points.everywhere.end(), points.boundary.begin(), points.boundary.end());
  return points;
}

struct Field {
  const ScalarFunction* function;
  const char* key;
};

/// Evaluates every field at every point once: a non-finite value is refused
/// (an expression reports it itself, with its location; a C++ function is
/// checked here). With both obstacles among the fields (`lower`, `upper` their
/// indices, else −1), their values must not cross.
void check_fields(const CaseConfig& config, const std::vector<Field>& fields, const std::vector<double>& points,
                  const char* where_needed, int lower = -1, int upper = -1) {
  const int dim = config.problem.domain.dim();
  std::vector<double> values(fields.size());
  for (std::size_t i = 0; i < points.size() / static_cast<std::size_t>(dim); ++i) {
    const double* x = &points[i * dim];
    for (std::size_t f = 0; f < fields.size(); ++f) {
      values[f] = (*fields[f].function)(x);
      PINN_USER_REQUIRE(std::isfinite(values[f]), config.where(fields[f].key)
                                                      << " is " << values[f] << " at " << point_text(x, dim)
                                                      << "; it must be finite " << where_needed);
    }
    PINN_USER_REQUIRE(lower < 0 || upper < 0 || values[lower] <= values[upper],
                      config.where("problem.upper_obstacle")
                          << " is below problem.obstacle at " << point_text(x, dim) << ": upper_obstacle = "
                          << values[upper] << " < obstacle = " << values[lower]
                          << "; no function lies between them. Allowed: obstacle <= upper_obstacle everywhere in "
                             "the domain");
  }
}

/// The operator's coefficients on 512 Halton points inside and κ on 400
/// boundary points: A symmetric positive definite (a > 0), c ≥ 0, κ ≥ 0.
/// Refused at the key with the first point where it fails (the case
/// file's check_loss_against_operator has the rules that involve the loss).
void check_coefficients(const CaseConfig& config) {
  const ObstacleProblem& p = config.problem;
  const Domain& domain = p.domain;
  const int dim = domain.dim();
  const std::vector<double> inside = domain.sample_interior(512, SamplingMethod::halton, 0);
  const double step = 1e-5 * std::max(1.0, domain.upper()[0] - domain.lower()[0]);
  for (std::size_t i = 0; i < inside.size() / dim && !p.op.is_laplacian(); ++i) {
    const double* x = &inside[i * dim];
    const OperatorCoefficients c = evaluate_operator(p.op, dim, x, step);
    if (!p.op.diffusion.empty()) {
      const std::string at = config.where("problem.diffusion");
      double scale = 0.0;
      for (int r = 0; r < dim; ++r)
        for (int q = 0; q < dim; ++q) scale = std::max(scale, std::abs(c.diffusion[3 * r + q]));
      for (int r = 0; r < dim; ++r)
        for (int q = 0; q < r; ++q)
          PINN_USER_REQUIRE(std::abs(c.diffusion[3 * r + q] - c.diffusion[3 * q + r]) <= 1e-12 * scale,
                            at << ": A is not symmetric at " << point_text(x, dim) << ": A" << r + 1 << q + 1 << " = "
                               << c.diffusion[3 * r + q] << ", A" << q + 1 << r + 1 << " = " << c.diffusion[3 * q + r]
                               << "; allowed: a symmetric positive definite matrix");
      // Leading principal minors (Sylvester) up to 3 × 3.
      const double* a = c.diffusion;
      const double m1 = a[0], m2 = a[0] * a[4] - a[1] * a[3];
      const double m3 = a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) +
                        a[2] * (a[3] * a[7] - a[4] * a[6]);
      // A space–time operator's time row and column are 0 (EllipticOperator::time_axis): its spatial block.
      const int block = p.op.time_axis ? dim - 1 : dim;
      const bool positive = std::isfinite(m1) && m1 > 0.0 && (block < 2 || m2 > 0.0) && (block < 3 || m3 > 0.0);
      PINN_USER_REQUIRE(positive, at << ": " << (p.op.has_matrix_diffusion() ? "A is not positive definite" : "a <= 0")
                                     << " at " << point_text(x, dim) << " (a = " << a[0]
                                     << "); allowed: a > 0 everywhere (A positive definite)");
    }
    for (int k = 0; k < dim && p.op.has_convection(); ++k)
      PINN_USER_REQUIRE(std::isfinite(c.convection[k]), config.where("problem.convection") << ": b"
                                                            << k + 1 << " = " << c.convection[k] << " at "
                                                            << point_text(x, dim) << "; allowed: finite values");
    PINN_USER_REQUIRE(std::isfinite(c.reaction) && c.reaction >= 0.0,
                      config.where("problem.reaction") << ": c = " << c.reaction
                                                    << " at " << point_text(x, dim) << "; allowed: c >= 0");
  }
  const std::vector<double> edge = domain.sample_boundary(dim == 1 ? 2 : 400);
  for (std::size_t i = 0; i < edge.size() / dim && !p.boundary_parts.empty(); ++i) {
    const double* x = &edge[i * dim];
    const BoundaryCondition c = condition_at(p.boundary_parts, p.boundary, domain, x);
    PINN_USER_REQUIRE(std::isfinite(c.value) && std::isfinite(c.coefficient) && c.coefficient >= 0.0,
                      config.where("problem.boundary_part") << ": the " << to_string(c.kind) << " condition at "
                                                         << point_text(x, dim) << " has value " << c.value
                                                         << " and coefficient " << c.coefficient
                                                         << "; allowed: finite values, a robin coefficient >= 0");
  }
}

void check_data(const CaseConfig& config) {
  const ObstacleProblem& p = config.problem;
  const int dim = p.domain.dim();
  // g is needed on the boundary only (radial2d's is singular at the centre),
  // unless hard boundary conditions use it as the lift G inside (no lift given, 2D/3D).
  const bool g_is_lift = !p.lift && dim > 1 && config.loss.boundary == BoundaryMode::hard;
  std::vector<Field> everywhere = {{&p.source, "problem.source"}};
  int lower = -1, upper = -1;
  if (p.has_lower()) {
    lower = static_cast<int>(everywhere.size());
    everywhere.push_back({&p.lower_obstacle, "problem.obstacle"});
  }
  if (p.has_upper()) {
    upper = static_cast<int>(everywhere.size());
    everywhere.push_back({&p.upper_obstacle, "problem.upper_obstacle"});
  }
  if (p.has_exact()) everywhere.push_back({&p.exact, "problem.exact"});
  if (p.lift) everywhere.push_back({&p.lift, "problem.lift"});
  // g where the boundary is Dirichlet (the parts' own data: check_coefficients).
  const std::vector<Field> on_boundary = {{&p.boundary, "problem.boundary.value"}};
  const CheckPoints points = points_a_run_evaluates(config);
  std::vector<double> dirichlet_points;
  for (std::size_t i = 0; i < points.boundary.size() / static_cast<std::size_t>(dim); ++i) {
    const double* x = &points.boundary[i * dim];
    if (!p.boundary_parts.empty() &&
        condition_at(p.boundary_parts, p.boundary, p.domain, x).kind != BoundaryKind::dirichlet)
      continue;
    dirichlet_points.insert(dirichlet_points.end(), x, x + dim);
  }
  if (p.boundary) check_fields(config, on_boundary, dirichlet_points, "on the boundary");
  if (g_is_lift && p.boundary)
    check_fields(config, on_boundary, points.everywhere,
                 "everywhere in the closed domain: with hard boundary conditions and no problem.lift, g is also "
                 "the lift inside the domain (give a lift, or loss.boundary = \"penalty\")");
  check_fields(config, everywhere, points.everywhere, "everywhere in the closed domain", lower, upper);
}

std::string megabytes(double bytes) {
  std::ostringstream out;
  out.precision(3);
  out << bytes / 1e6 << " MB";
  return out.str();
}

/// n^dim (as a double: exact up to 2^53, and never overflowing).
double points_of(double per_dimension, int dim) { return std::pow(per_dimension, dim); }

/// The largest n with n^dim <= total.
long long largest_per_dimension(long long total, int dim) {
  return static_cast<long long>(std::floor(std::pow(static_cast<double>(total), 1.0 / dim) + 1e-9));
}

void check_sizes(const CaseConfig& config) {
  const int dim = config.problem.domain.dim();
  const int per_dimension = config.output.evaluation_points;
  if (per_dimension > 0) {
    const double total = points_of(per_dimension, dim);
    // About 60 doubles per point: the fields, their VTK arrays and the encoded file.
    PINN_USER_REQUIRE(total <= static_cast<double>(kMaxEvaluationPoints),
                      config.where("output.evaluation_points")
                          << ": found " << per_dimension << " per dimension, " << total << " points in " << dim
                          << "D (about " << megabytes(480.0 * total)
                          << " for the output); allowed: at most " << kMaxEvaluationPoints
                          << " points in all, i.e. up to "
                          << largest_per_dimension(kMaxEvaluationPoints, dim) << " per dimension in " << dim << "D");
  }
  if (config.reference_cells > 0)
    check_reference_cells(config, config.reference_cells, config.where("reference.cells"));
}

}  // namespace

int max_threads() {
  // More threads than cores only slow a run down; a few per core are allowed
  // (tests, shared machines). Kokkos' OpenMP back end keeps its thread pool in
  // a fixed array (OpenMPExec::MAX_THREAD_COUNT = 512 in the Kokkos releases
  // we build) and crashes beyond it.
  constexpr int limit = 512;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return std::min(limit, static_cast<int>(std::max(8u, 4u * cores)));
}

void check_reference_cells(const CaseConfig& config, int cells, const std::string& at) {
  const int dim = config.problem.domain.dim();
  const double nodes = points_of(static_cast<double>(cells) + 1.0, dim);
  PINN_USER_REQUIRE(nodes <= static_cast<double>(kMaxReferenceNodes),
                    at << ": found " << cells << " cells per dimension, " << nodes << " nodes in " << dim
                       << "D; allowed: at most " << kMaxReferenceNodes << " nodes, i.e. up to "
                       << largest_per_dimension(kMaxReferenceNodes, dim) - 1 << " cells per dimension in " << dim << "D");
}

void check_threads(const CaseConfig& config) {
  PINN_USER_REQUIRE(config.threads <= max_threads(),
                    config.where("run.threads") << ": found " << config.threads << "; allowed: 0 (all cores) or 1 to "
                                                 << max_threads() << " (4 per core of this machine, which has "
                                                 << std::max(1u, std::thread::hardware_concurrency()) << ")");
}

void check_case(const CaseConfig& config) {
  validate_config(config);
  config.problem.validate();
  check_threads(config);
  check_sizes(config);
  check_data(config);
  check_coefficients(config);
}

}  // namespace pinn

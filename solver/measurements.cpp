/// @file solver/measurements.cpp
/// @brief The metrics, history rows and diagnostics of a run's network.
#include "solver/measurements.hpp"

#include "nn/piecewise_linear_1d.hpp"
#include "solver/exact_activation_scope.hpp"

#include <cmath>
#include <ostream>

namespace pinn {

namespace {

/// A coarser grid than the output one: history rows are logged often.
int monitor_points_per_dimension(int dim) { return dim == 1 ? 1001 : (dim == 2 ? 65 : 17); }

}  // namespace

Measurements::Measurements(const CaseConfig& config, const TrainingLoss& loss, std::ostream* log)
    : config_(config),
      loss_(loss),
      reference_(config.measure_against_reference
                     ? ReferenceSolution::for_problem(config.reference_problem ? *config.reference_problem
                                                                               : config.problem,
                                                      config.reference_cells)
                     : nullptr),
      grid_(make_evaluation_grid(config.problem.domain, config.output.evaluation_points)) {
  if (reference_ && reference_->fd() && log) {
    const FdReferenceSolution& fd = *reference_->fd();
    *log << "finite-difference reference: " << fd.n_nodes[0] - 1 << " cells per dimension, " << fd.iterations
         << " active-set iterations, " << fd.seconds << " s\n";
  }
  if (reference_ && reference_->fe() && log) {
    const FeReferenceSolution& fe = *reference_->fe();
    *log << "finite-element reference: " << fe.mesh.n_triangles() << " triangles (" << fe.levels
         << " refinements), " << fe.mesh.n_nodes() << " nodes, " << fe.iterations << " active-set iterations, "
         << fe.seconds << " s\n";
  }
}

void Measurements::add_contact_densities(const TrainingSet& points, ContactSample& contact) {
  // In the energy form the multipliers are the contact force, whose density on
  // the contact set is −Δψ − f on the lower obstacle and Δψ_hi + f on the
  // upper one (metrics.hpp, "multiplier_mass") where the obstacle is smooth.
  // An obstacle with jumps or kinks (step41's stairs, the ridges of a distance
  // function) also carries concentrated forces on its edges, which no density
  // accounts for: where the obstacle's Laplacian over the point's cell (step
  // 0.6 × the point spacing) differs from its Laplacian at the point, the
  // density is marked unknown (NaN), and the metrics fall back to the active
  // points if such a point is active. A piecewise-linear network's −Δu is a
  // sum of point masses on its kinks, and the multipliers (clipped at 0) then
  // over-count near the free boundary (obstacle1d_prelu: 2% too much mass,
  // endpoints 1.9e-3 off against 4e-4 from the active points), so such
  // networks keep the active points too.
  const ObstacleProblem& problem = config_.problem;
  if (config_.loss.form != LossForm::energy || (!problem.has_lower() && !problem.has_upper()) ||
      is_piecewise_linear(config_.network.activation))
    return;
  // L ψ at x (−Δψ for L = −Δ), or NaN where ψ is not smooth over the point's cell.
  const auto smooth_operator = [&](const ScalarFunction& obstacle, const double* x, double f, double cell) {
    const auto apply = [&](double step) {
      if (problem.op.is_laplacian()) return -central_laplacian(obstacle, problem.domain, x, step);
      const double h = step > 0.0 ? step : 1e-3 * std::max(1.0, problem.domain.upper()[0] - problem.domain.lower()[0]);
      return apply_operator(problem.op, obstacle, contact.dim, x, h);
    };
    const double at_point = apply(0.0);
    const double over_cell = apply(cell);
    const bool smooth = std::abs(over_cell - at_point) <= 0.1 * (std::abs(at_point) + std::abs(f)) + 1e-8;
    return smooth ? at_point : std::nan("");
  };
  // The densities depend on the points only: computed once per training set.
  if (density_version_ != points.version()) {
    density_version_ = points.version();
    contact_density_.clear();
    upper_contact_density_.clear();
    for (int i = 0; i < points.points().n_interior; ++i) {
      const double* x = &contact.points[i * contact.dim];
      const double f = problem.source(x);
      const double cell = 0.6 * std::pow(contact.mass_weights[i], 1.0 / contact.dim);
      if (problem.has_lower()) contact_density_.push_back(smooth_operator(problem.lower_obstacle, x, f, cell) - f);
      if (problem.has_upper()) upper_contact_density_.push_back(f - smooth_operator(problem.upper_obstacle, x, f, cell));
    }
  }
  contact.contact_density = contact_density_;
  contact.upper_contact_density = upper_contact_density_;
}

Metrics Measurements::metrics(TrainingState& state) {
  const ExactActivationScope exact(*state.net);
  const Domain& domain = config_.problem.domain;
  if (!monitor_) {
    const EvaluationGrid monitor =
        domain.dim() == 1 ? grid_ : make_evaluation_grid(domain, monitor_points_per_dimension(domain.dim()));
    monitor_ = std::make_unique<SampledProblem>(sample_problem(config_.problem, monitor.points, reference_.get()));
  }
  const SolutionFields fields =
      evaluate_solution(loss_.space(), *state.net, config_.loss, *monitor_, SolutionDerivatives::gradient,
                        loss_.communicator());
  ContactSample contact = loss_.contact_sample(*state.net, state.points.points(), state.loss_params);
  add_contact_densities(state.points, contact);
  return in_user_units(compute_metrics(fields, contact, config_.problem, reference_.get()), config_.scaling);
}

HistoryRow Measurements::history_row(TrainingState& state, const std::string& stage_name, int stage_index,
                                     int iteration, double learning_rate) {
  HistoryRow row;
  row.stage = stage_name;
  row.stage_index = stage_index;
  row.iteration = iteration;
  const LossTerms terms = loss_.terms(*state.net, state.points.points(), state.loss_params);
  row.loss = terms.total();
  row.loss_pde = terms.pde;
  row.loss_obstacle = terms.obstacle;
  row.loss_boundary = terms.boundary;
  const Metrics m = metrics(state);
  row.rel_l2 = m.rel_l2;
  row.max_abs = m.max_abs;
  row.max_violation = m.max_violation;
  row.penalty = state.loss_params.settings.penalty;
  row.learning_rate = learning_rate;
  // Only the sign statistics: the full diagnostics' reverse pass would cost
  // about ten training iterations per row.
  const ActivationSigns signs = compute_activation_signs(loss_.space(), *state.net, state.points.points().coordinates,
                                                         loss_.evaluation_workspaces());
  const int n_hidden_layers = static_cast<int>(signs.negative.size());
  for (int l = 0; l < n_hidden_layers; ++l) {
    row.negative_fraction += signs.negative_fraction(l) / static_cast<double>(n_hidden_layers);
    row.dead_neurons += static_cast<int>(signs.dead_neurons(l).size());
  }
  row.lipschitz_bound = lipschitz_upper_bound(*state.net);
  return row;
}

NetworkDiagnostics Measurements::diagnostics(const TrainingState& state) const {
  const TrainingPoints& points = state.points.points();
  const ObstaclePointLoss point_loss{points.data, state.loss_params};
  return compute_diagnostics(loss_.space(), *state.net, points.coordinates, point_loss, loss_.jet_order());
}

int Measurements::kinks(const TrainingState& state) const {
  const Domain& domain = config_.problem.domain;
  if (domain.dim() != 1 || !is_piecewise_linear(config_.network.activation)) return -1;
  return count_kinks_1d(*state.net, domain.lower()[0], domain.upper()[0]).n_kinks();
}

}  // namespace pinn

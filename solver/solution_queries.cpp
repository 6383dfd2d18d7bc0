/// @file solver/solution_queries.cpp
/// @brief The solution at given points and at the training points.
#include "solver/solution_queries.hpp"

#include "solver/exact_activation_scope.hpp"

namespace pinn {

double contact_force(const ContactSample& contact, int i) {
  return contact.lambda[i] - (contact.lambda_upper.empty() ? 0.0 : contact.lambda_upper[i]);
}

bool is_active(const ContactSample& contact, int i) {
  return contact.lambda[i] > 0.0 || (!contact.lambda_upper.empty() && contact.lambda_upper[i] > 0.0);
}

void divide_by_multiplier_weight(const CaseConfig& config, std::vector<double>& lambda,
                                 const std::vector<double>& user_points, int dim) {
  if (!config.multiplier_weight) return;
  for (std::size_t i = 0; i < lambda.size(); ++i) lambda[i] /= config.multiplier_weight(&user_points[i * dim]);
}

SolutionFields solution_at(const CaseConfig& config, const TrainingLoss& loss, Mlp& net,
                           const std::vector<double>& user_points) {
  const ExactActivationScope exact(net);
  const int dim = config.problem.domain.dim();
  std::vector<double> mapped(user_points.size());
  for (std::size_t i = 0; i < user_points.size(); ++i) {
    const std::size_t k = i % static_cast<std::size_t>(dim);
    mapped[i] = (user_points[i] - config.scaling.centre[k]) / config.scaling.length;
  }
  SolutionFields fields = evaluate_solution(loss.space(), net, config.problem, config.loss, mapped);
  to_user_units(fields, config.scaling);
  return fields;
}

TrainingPointContact training_point_contact(const CaseConfig& config, const TrainingLoss& loss, TrainingState& state,
                                            const ReferenceSolution* reference, bool shared) {
  const ExactActivationScope exact(*state.net);
  const ContactSample contact = loss.contact_sample(*state.net, state.points.points(), state.loss_params, shared);
  TrainingPointContact result;
  result.fields = evaluate_solution(loss.space(), *state.net, config.problem, config.loss, contact.points, reference,
                                    shared ? loss.communicator() : Communicator());
  to_user_units(result.fields, config.scaling);
  const double force_unit = config.scaling.value / (config.scaling.length * config.scaling.length);
  const int n = static_cast<int>(contact.lambda.size());
  result.force.resize(static_cast<std::size_t>(n));
  result.in_contact.resize(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    result.force[static_cast<std::size_t>(i)] = force_unit * contact_force(contact, i);
    result.in_contact[static_cast<std::size_t>(i)] = is_active(contact, i) ? 1 : 0;
  }
  divide_by_multiplier_weight(config, result.force, result.fields.points, result.fields.dim);
  return result;
}

}  // namespace pinn

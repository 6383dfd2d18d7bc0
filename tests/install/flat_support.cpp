/// @file tests/install/flat_support.cpp
/// @brief A new obstacle problem defined in C++ against an installed obstacle-pinn:
/// a membrane on Ω = (0, 1) under the uniform load f = −8, fixed at u(0) = u(1) = 0,
/// resting on a flat support ψ = −1/2.
///
/// Without the support the membrane would sag to u = −4x(1 − x), down to −1. With
/// it, u touches ψ tangentially on [a, 1 − a], a = 1/√8, and
///   u = 4x(x − 2a) on [0, a],  −1/2 on [a, 1 − a],  4(1 − x)(1 − x − 2a) on [1 − a, 1]
/// (u'' = 8 off the contact set, u = ψ and u' = 0 at x = a); the contact force is λ = 8.
///
/// Usage: flat_support [OUTPUT_DIR]   (default results/flat_support)
/// Exit code 0 when the relative L2 error against the exact solution is below 2e-2.
#include "solver/obstacle_solver.hpp"
#include "solver/stages/gradient_step_stage.hpp"

#include <Kokkos_Core.hpp>

#include <cmath>
#include <exception>
#include <iostream>

int main(int argc, char** argv) {
  Kokkos::ScopeGuard kokkos(argc, argv);
  try {
    const double a = 1.0 / std::sqrt(8.0);  // the contact set is [a, 1 − a]

    pinn::CaseConfig config;
    pinn::ObstacleProblem& problem = config.problem;
    problem.name = "flat_support";
    problem.domain = pinn::Domain::interval(0.0, 1.0);
    problem.source = [](const double*) { return -8.0; };         // f
    problem.boundary = [](const double*) { return 0.0; };        // g
    problem.lower_obstacle = [](const double*) { return -0.5; }; // ψ
    problem.exact = [a](const double* x) {
      const double t = x[0] < 0.5 ? x[0] : 1.0 - x[0];  // symmetric about 1/2
      return t < a ? 4.0 * t * (t - 2.0 * a) : -0.5;
    };

    config.network.hidden = {16, 16};
    config.network.activation = pinn::Activation::tanh;

    config.loss.form = pinn::LossForm::energy;  // Deep Ritz: ½∫|u'|² − ∫f u + barrier
    config.loss.penalty = 1e2;  // μ: moderate, the multipliers enforce u ≥ ψ (1e3 gives 1e-2, 1e2 gives 3e-3)
    config.sampling.interior = 128;

    pinn::StageConfig adam;
    adam.type = "adam";
    adam.iterations = 3000;
    auto schedule = std::make_shared<pinn::GradientStepOptions>();
    schedule->schedule.kind = pinn::ScheduleKind::cosine;
    schedule->schedule.initial = 1e-2;
    schedule->schedule.minimum = 1e-5;
    adam.options = schedule;
    adam.multiplier_updates = 10;  // augmented Lagrangian: λ ← max(0, λ + μ(ψ − u))
    config.stages = {adam};
    config.output.log_every = 500;

    pinn::RunOptions options;
    options.output_directory = argc > 1 ? argv[1] : "results/flat_support";
    pinn::ObstacleSolver solver(config, options);
    const pinn::RunResult result = solver.run();

    std::cout << "flat_support: status " << pinn::to_string(result.status) << ", relative L2 error " << result.metrics.rel_l2;
    if (result.metrics.contact_interval.size() == 2)
      std::cout << ", contact set [" << result.metrics.contact_interval[0] << ", "
                << result.metrics.contact_interval[1] << "] (exact [" << a << ", " << 1.0 - a << "])";
    std::cout << "\n";
    const bool accurate = result.metrics.reference == pinn::ReferenceKind::exact && result.metrics.rel_l2 >= 0.0 &&
                          result.metrics.rel_l2 < 2e-2;
    return result.status == pinn::RunStatus::ok && accurate ? 0 : 1;
  } catch (const std::exception& error) {
    std::cerr << "flat_support: " << error.what() << "\n";
    return 1;
  }
}

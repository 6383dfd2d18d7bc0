/// @file tools/bench_case_data.cpp
/// @brief Writes what an outside implementation needs to train exactly the
/// engine's problem (tools/torch_pinn.py): the network shape and its initial
/// parameters (same seed, same initialiser), the training points with their
/// per-point data (weights, f, ψ, lift and distance jets), the loss settings,
/// the first Adam stage, and the monitor grid (points, lift, distance, exact
/// solution) on which the engine measures the relative L2 error.
///
/// Usage: bench_case_data CASE.toml [--set key=value ...] > case.json
/// The case is loaded exactly as `obstacle-pinn run` loads it (same --set
/// syntax); the solver is built and its point sampling run with every stage
/// set to 0 iterations, so the points are the ones a real run trains on.
#include "solver/case_file.hpp"
#include "solver/obstacle_solver.hpp"
#include "solver/stages/gradient_step_stage.hpp"

#include <nlohmann/json.hpp>

#include <Kokkos_Core.hpp>

#include <iostream>
#include <string>
#include <vector>

namespace {

/// The grid compute_current_metrics() uses: the output grid in 1D (1001
/// nodes by default), 65 nodes per dimension in 2D, 17 in 3D.
std::vector<double> monitor_grid(const pinn::Domain& domain, int output_points) {
  const int dim = domain.dim();
  const int n = dim == 1 ? (output_points > 1 ? output_points : 1001) : (dim == 2 ? 65 : 17);
  int total = 1;
  for (int k = 0; k < dim; ++k) total *= n;
  std::vector<double> points;
  for (int node = 0; node < total; ++node) {
    double x[3] = {0, 0, 0};
    int rest = node;
    for (int k = 0; k < dim; ++k) {
      const int i = rest % n;
      rest /= n;
      x[k] = domain.lower()[k] + (domain.upper()[k] - domain.lower()[k]) * i / (n - 1);
    }
    if (!domain.contains(x)) continue;
    points.insert(points.end(), x, x + dim);
  }
  return points;
}

}  // namespace

int main(int argc, char** argv) {
  Kokkos::ScopeGuard kokkos(argc, argv);
  try {
    std::string case_file;
    std::vector<std::string> overrides;
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      if (arg == "--set" && i + 1 < argc) {
        overrides.push_back(argv[++i]);
      } else if (arg.rfind("--kokkos", 0) == 0) {
        continue;
      } else if (case_file.empty() && arg.rfind("--", 0) != 0) {
        case_file = arg;
      } else {
        std::cerr << "bench_case_data: unexpected argument '" << arg << "'; usage: bench_case_data CASE.toml [--set k=v ...]\n";
        return 2;
      }
    }
    if (case_file.empty()) {
      std::cerr << "usage: bench_case_data CASE.toml [--set key=value ...] > case.json\n";
      return 2;
    }
    pinn::CaseConfig config = pinn::load_case_file(case_file, overrides);
    const pinn::StageConfig first_stage = config.stages.at(0);
    for (pinn::StageConfig& stage : config.stages) stage.iterations = 0;
    pinn::RunOptions options;
    options.quiet = true;
    options.write_files = false;
    pinn::ObstacleSolver solver(config, options);
    solver.run();  // samples the points; 0 iterations: no training step
    // The parameters as run() leaves them (it may place kinks), which is what
    // a host backend, whose mirror is the View itself, has always written.
    const pinn::Mlp& net = solver.network();
    const auto params = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), net.params());
    const pinn::TrainingPoints& training = solver.training_points();
    const auto coords = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), training.coordinates);
    const auto data = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), training.data);
    const int dim = training.dim;

    nlohmann::json out;
    out["case"] = config.problem.name;
    out["dim"] = dim;
    out["hidden"] = config.network.hidden;
    out["activation"] = pinn::to_string(config.network.activation);
    out["alpha"] = config.network.alpha;
    out["n_outputs"] = net.layout().n_outputs();
    out["params"] = std::vector<double>(params.data(), params.data() + params.extent(0));
    out["loss"] = {{"form", config.loss.form == pinn::LossForm::energy   ? "energy"
                            : config.loss.form == pinn::LossForm::strong ? "strong"
                                                                         : "other"},
                   {"penalty", config.loss.penalty},
                   {"boundary", config.loss.boundary == pinn::BoundaryMode::hard ? "hard" : "penalty"},
                   {"boundary_weight", config.loss.boundary_weight},
                   {"barrier", config.loss.barrier == pinn::Barrier::relu2 ? "relu2" : "other"},
                   {"complementarity", config.loss.complementarity == pinn::Complementarity::min ? "min" : "other"}};
    const pinn::LearningRateSchedule& schedule = pinn::options_of<pinn::GradientStepOptions>(first_stage).schedule;
    out["adam"] = {{"learning_rate", schedule.initial},
                   {"schedule", pinn::to_string(schedule.kind)},
                   {"iterations", first_stage.iterations},
                   {"multiplier_updates", first_stage.multiplier_updates},
                   {"penalty_growth", first_stage.penalty_growth}};
    nlohmann::json points = nlohmann::json::array();
    for (int i = 0; i < training.size(); ++i) {
      const pinn::PointData& p = data(i);
      std::vector<double> x(dim), lift_grad(dim), dist_grad(dim);
      for (int k = 0; k < dim; ++k) {
        x[k] = coords(i, k);
        lift_grad[k] = p.lift_grad[k];
        dist_grad[k] = p.dist_grad[k];
      }
      points.push_back({{"x", x},
                        {"boundary", p.is_boundary},
                        {"weight", p.weight},
                        {"f", p.f},
                        {"g", p.g},
                        {"psi", p.psi_lower},
                        {"lift", p.lift},
                        {"lift_grad", lift_grad},
                        {"lift_lap", p.lift_lap},
                        {"dist", p.dist},
                        {"dist_grad", dist_grad},
                        {"dist_lap", p.dist_lap}});
    }
    out["points"] = points;
    const std::vector<double> grid = monitor_grid(config.problem.domain, config.output.evaluation_points);
    nlohmann::json monitor = {{"x", nlohmann::json::array()}, {"lift", nlohmann::json::array()},
                              {"dist", nlohmann::json::array()}, {"exact", nlohmann::json::array()}};
    for (std::size_t i = 0; i < grid.size() / dim; ++i) {
      const double* x = &grid[i * dim];
      monitor["x"].push_back(std::vector<double>(x, x + dim));
      monitor["lift"].push_back(pinn::evaluate_lift(config.problem, x).value);
      monitor["dist"].push_back(config.problem.domain.distance(x).value);
      monitor["exact"].push_back(config.problem.has_exact() ? config.problem.exact(x) : 0.0);
    }
    out["monitor"] = monitor;
    std::cout << out.dump() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "bench_case_data: " << e.what() << "\n";
    return 2;
  }
  return 0;
}

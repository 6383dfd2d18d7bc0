/// @file solver/reference_run.cpp
/// @brief The reference solver as a command.
#include "solver/reference_run.hpp"

#include "nn/atomic_file.hpp"
#include "nn/error.hpp"
#include "solver/evaluation_grid.hpp"
#include "solver/reference_solution.hpp"
#include "solver/vtk_writer.hpp"

#include <cmath>

namespace pinn {

ReferenceRunResult run_reference(const CaseConfig& config, int cells, const std::string& directory) {
  const ObstacleProblem& problem = config.problem;
  const int dim = problem.domain.dim();
  ReferenceRunResult r;
  r.cells = cells > 0 ? cells : (config.reference_cells > 0 ? config.reference_cells : default_fd_cells(dim));
  try {
    r.solution = solve_fd_reference(fd_problem_for(problem, r.cells));
  } catch (const std::invalid_argument& e) {
    throw UserError(std::string("finite-difference reference: ") + e.what());
  }
  const FdReferenceSolution& fd = r.solution;

  // The FD nodes as an evaluation grid, so the ParaView output is the same as a run's.
  EvaluationGrid grid;
  grid.dim = dim;
  grid.n_nodes = fd.n_nodes;
  const int n = static_cast<int>(fd.u.size());
  for (int i = 0; i < n; ++i) {
    const std::vector<double> x = fd.node(i);
    grid.points.insert(grid.points.end(), x.begin(), x.end());
    grid.node_of_point.push_back(i);
    grid.point_of_node.push_back(i);
  }
  SolutionFields fields;
  fields.dim = dim;
  fields.n = n;
  fields.points = grid.points;
  fields.u = fd.u;
  fields.laplacian.assign(n, 0.0);
  fields.psi.assign(n, 0.0);
  fields.psi_upper.assign(n, 0.0);
  std::vector<int> contact(n, 0);
  std::vector<double> lambda(n, 0.0);
  double cell = 1.0;
  for (int k = 0; k < dim; ++k) cell *= fd.spacing[k];
  double err2 = 0, ref2 = 0, max_abs = 0;
  for (int i = 0; i < n; ++i) {
    const double* x = &grid.points[static_cast<std::size_t>(i) * dim];
    if (problem.has_lower()) fields.psi[i] = problem.lower_obstacle(x);
    if (problem.has_upper()) fields.psi_upper[i] = problem.upper_obstacle(x);
    contact[i] = fd.contact_lower[i] || fd.contact_upper[i] ? 1 : 0;
    lambda[i] = fd.lambda_lower[i] - fd.lambda_upper[i];
    if (contact[i]) {
      r.contact_measure += cell;
      // 1D nodes are in increasing x: a node next to the previous run's last extends it.
      if (dim == 1 && !r.contact_intervals.empty() && contact[i - 1])
        r.contact_intervals.back()[1] = x[0];
      else if (dim == 1)
        r.contact_intervals.push_back({x[0], x[0]});
    }
    if (problem.has_exact()) {
      const double e = problem.exact(x);
      fields.exact.push_back(e);
      err2 += (fd.u[i] - e) * (fd.u[i] - e);
      ref2 += e * e;
      max_abs = std::max(max_abs, std::abs(fd.u[i] - e));
    }
  }
  if (!r.contact_intervals.empty())
    r.contact_interval = {r.contact_intervals.front()[0], r.contact_intervals.back()[1]};
  if (problem.has_exact()) {
    r.rel_l2_vs_exact = ref2 > 0 ? std::sqrt(err2 / ref2) : std::sqrt(err2 / n);
    r.max_abs_vs_exact = max_abs;
  }
  VtkFieldData field_data;
  field_data.case_name = problem.name;
  field_data.stage = "fd_reference";
  field_data.numbers["cells"] = r.cells;
  field_data.numbers["pdas_iterations"] = fd.iterations;
  r.output_file = directory + "/reference.vtu";
  write_file_atomically(r.output_file,
                        encode_solution_vtu(grid, fields, lambda, contact, problem.has_upper(), false, field_data));
  return r;
}

}  // namespace pinn

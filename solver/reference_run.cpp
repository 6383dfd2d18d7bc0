/// @file solver/reference_run.cpp
/// @brief The reference solvers as a command.
#include "solver/reference_run.hpp"

#include "nn/atomic_file.hpp"
#include "nn/error.hpp"
#include "solver/evaluation_grid.hpp"
#include "solver/reference_solution.hpp"
#include "solver/vtk_writer.hpp"

#include <cmath>

namespace pinn {

namespace {

/// What the output and the measurements need from either reference: the nodes as an evaluation
/// grid (the FD grid, or the FE nodes with their triangles), u, λ, contact and each node's measure.
struct NodalReference {
  EvaluationGrid grid;
  std::vector<double> u, lambda, measure;
  std::vector<int> contact;
};

NodalReference from_fd(const FdReferenceSolution& fd, int dim) {
  NodalReference n;
  n.grid.dim = dim;
  n.grid.n_nodes = fd.n_nodes;
  const int count = static_cast<int>(fd.u.size());
  double cell = 1.0;
  for (int k = 0; k < dim; ++k) cell *= fd.spacing[k];
  for (int i = 0; i < count; ++i) {
    const std::vector<double> x = fd.node(i);
    n.grid.points.insert(n.grid.points.end(), x.begin(), x.end());
    n.grid.node_of_point.push_back(i);
    n.grid.point_of_node.push_back(i);
    n.contact.push_back(fd.contact_lower[i] || fd.contact_upper[i] ? 1 : 0);
    n.lambda.push_back(fd.lambda_lower[i] - fd.lambda_upper[i]);
  }
  n.u = fd.u;
  n.measure.assign(static_cast<std::size_t>(count), cell);
  return n;
}

NodalReference from_fe(const FeReferenceSolution& fe) {
  NodalReference n;
  n.grid.dim = 2;
  const int count = fe.mesh.n_nodes();
  n.grid.n_nodes = {count, 1, 1};
  for (int i = 0; i < count; ++i) {
    n.grid.points.insert(n.grid.points.end(), fe.mesh.nodes[i].begin(), fe.mesh.nodes[i].end());
    n.grid.node_of_point.push_back(i);
    n.grid.point_of_node.push_back(i);
    n.contact.push_back(fe.contact_lower[i] || fe.contact_upper[i] ? 1 : 0);
    n.lambda.push_back(fe.lambda_lower[i] - fe.lambda_upper[i]);
  }
  n.grid.triangles = fe.mesh.triangles;
  n.u = fe.u;
  n.measure.assign(static_cast<std::size_t>(count), 0.0);
  for (int t = 0; t < fe.mesh.n_triangles(); ++t)
    for (const int v : fe.mesh.triangles[t]) n.measure[static_cast<std::size_t>(v)] += fe.mesh.twice_area(t) / 6.0;
  return n;
}

}  // namespace

ReferenceRunResult run_reference(const CaseConfig& config, int cells, const std::string& directory) {
  const ObstacleProblem& problem = config.problem;
  const int dim = problem.domain.dim();
  ReferenceRunResult r;
  r.cells = cells > 0 ? cells : (config.reference_cells > 0 ? config.reference_cells : default_fd_cells(dim));
  r.finite_element = !problem.domain.is_box();
  NodalReference nodal;
  if (r.finite_element) {
    try {
      r.fe_solution = solve_fe_reference(fe_problem_for(problem, r.cells));
    } catch (const std::invalid_argument& e) {
      throw UserError(std::string("finite-element reference: ") + e.what());
    }
    nodal = from_fe(r.fe_solution);
  } else {
    try {
      r.solution = solve_fd_reference(fd_problem_for(problem, r.cells));
    } catch (const std::invalid_argument& e) {
      throw UserError(std::string("finite-difference reference: ") + e.what());
    }
    nodal = from_fd(r.solution, dim);
  }

  // The nodes as an evaluation grid, so the ParaView output is the same as a run's.
  const EvaluationGrid& grid = nodal.grid;
  const int n = grid.size();
  SolutionFields fields;
  fields.dim = dim;
  fields.n = n;
  fields.points = grid.points;
  fields.u = nodal.u;
  fields.laplacian.assign(n, 0.0);
  fields.psi.assign(n, 0.0);
  fields.psi_upper.assign(n, 0.0);
  const std::vector<int>& contact = nodal.contact;
  const std::vector<double>& lambda = nodal.lambda;
  double err2 = 0, ref2 = 0, max_abs = 0;
  for (int i = 0; i < n; ++i) {
    const double* x = &grid.points[static_cast<std::size_t>(i) * dim];
    if (problem.has_lower()) fields.psi[i] = problem.lower_obstacle(x);
    if (problem.has_upper()) fields.psi_upper[i] = problem.upper_obstacle(x);
    if (contact[i]) {
      r.contact_measure += nodal.measure[i];
      // 1D nodes are in increasing x: a node next to the previous run's last extends it.
      if (dim == 1 && !r.contact_intervals.empty() && contact[i - 1])
        r.contact_intervals.back()[1] = x[0];
      else if (dim == 1)
        r.contact_intervals.push_back({x[0], x[0]});
    }
    if (problem.has_exact()) {
      const double e = problem.exact(x);
      fields.exact.push_back(e);
      err2 += (fields.u[i] - e) * (fields.u[i] - e);
      ref2 += e * e;
      max_abs = std::max(max_abs, std::abs(fields.u[i] - e));
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
  field_data.stage = r.finite_element ? "fe_reference" : "fd_reference";
  field_data.numbers["cells"] = r.cells;
  field_data.numbers["pdas_iterations"] = r.finite_element ? r.fe_solution.iterations : r.solution.iterations;
  if (r.finite_element) field_data.numbers["refinements"] = r.fe_solution.levels;
  r.output_file = directory + "/reference.vtu";
  write_file_atomically(r.output_file,
                        encode_solution_vtu(grid, fields, lambda, contact, problem.has_upper(), false, field_data));
  return r;
}

}  // namespace pinn

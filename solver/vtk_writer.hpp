/// @file solver/vtk_writer.hpp
/// @brief solution.vtu for ParaView: the evaluation grid as lines / quads /
/// hexahedra with point data u, psi (psi_upper), gap, contact, lambda, error, residual.
#pragma once

#include "solver/evaluation_grid.hpp"
#include "solver/metrics.hpp"
#include "solver/solution_fields.hpp"

#include <map>
#include <string>
#include <vector>

namespace pinn {

struct VtkFieldData {
  std::string case_name, stage;
  std::map<std::string, double> numbers;  ///< e.g. rel_l2, seconds
};

/// Writes the fields on `grid` to `path` atomically (VTK XML, binary-appended).
/// `lambda` and `contact` are per grid point; `with_residual` adds
/// −Δu − f (meaningful only for smooth activations).
void write_solution_vtu(const std::string& path, const EvaluationGrid& grid, const SolutionFields& fields,
                        const std::vector<double>& lambda, const std::vector<int>& contact, bool with_upper,
                        bool with_residual, const VtkFieldData& field_data);

/// The same on a rectilinear grid (solution.vtr). Returns false, writing
/// nothing, when some grid nodes lie outside the domain (disk).
bool write_solution_vtr(const std::string& path, const EvaluationGrid& grid, const SolutionFields& fields,
                        const std::vector<double>& lambda, const std::vector<int>& contact, bool with_upper,
                        bool with_residual, const VtkFieldData& field_data);

/// Sampled points (points.vtu: the training points as vertices) with the same point data.
void write_points_vtu(const std::string& path, const SolutionFields& fields, const std::vector<double>& lambda,
                      const std::vector<int>& contact, bool with_upper, const VtkFieldData& field_data);

}  // namespace pinn

/// @file solver/vtk_writer.hpp
/// @brief solution.vtu for ParaView: the evaluation grid as lines / quads /
/// hexahedra with point data u, psi (psi_upper), gap, contact, lambda, error, residual.
#pragma once

#include "solver/evaluation_grid.hpp"
#include "solver/metrics.hpp"
#include "solver/solution_fields.hpp"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pinn {

struct VtkFieldData {
  std::string case_name, stage;
  std::map<std::string, double> numbers;  ///< e.g. rel_l2, seconds
};

/// The bytes of a .vtu file (VTK XML, binary-appended) with the fields on
/// `grid`, encoded in memory; written by the caller with checked writes
/// (nn/atomic_file.hpp). `lambda` and `contact` are per grid point;
/// `with_residual` adds −Δu − f (meaningful only for smooth activations).
/// Throws pinn::RunError if VTK fails.
std::string encode_solution_vtu(const EvaluationGrid& grid, const SolutionFields& fields,
                                const std::vector<double>& lambda, const std::vector<int>& contact, bool with_upper,
                                bool with_residual, const VtkFieldData& field_data);

/// The same on a rectilinear grid (a .vtr file); nothing when some grid nodes
/// lie outside the domain (disk).
std::optional<std::string> encode_solution_vtr(const EvaluationGrid& grid, const SolutionFields& fields,
                                               const std::vector<double>& lambda, const std::vector<int>& contact,
                                               bool with_upper, bool with_residual, const VtkFieldData& field_data);

/// A field on the rectilinear grid x × y (x fastest in every field), as a .vtr file: the (x, t) plane
/// of a 1D time-dependent run, with y the time. Throws pinn::RunError if VTK fails.
std::string encode_rectilinear_2d(const std::vector<double>& x, const std::vector<double>& y,
                                  const std::vector<std::pair<std::string, std::vector<double>>>& fields);

/// Sampled points (points.vtu: the training points as vertices) with the same point data.
std::string encode_points_vtu(const SolutionFields& fields, const std::vector<double>& lambda,
                              const std::vector<int>& contact, bool with_upper, const VtkFieldData& field_data);

}  // namespace pinn

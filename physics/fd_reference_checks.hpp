/// @file physics/fd_reference_checks.hpp
/// @brief What the finite-difference references (elliptic and parabolic)
/// share in checking their input: the box grid, and points in messages.
#pragma once

#include <array>
#include <string>

namespace pinn {

/// Throws std::invalid_argument unless 1 ≤ dim ≤ 3 and each of the first dim
/// axes has at least 2 cells and finite bounds with upper > lower. `type`
/// names the caller's struct in the message ("FdReferenceProblem"), which says
/// the field, what was found and what is allowed.
void check_box_grid(const std::string& type, int dim, const std::array<double, 3>& lower,
                    const std::array<double, 3>& upper, const std::array<int, 3>& n_cells);

/// "(x, y)" with 12 significant digits, for messages that name a point.
std::string format_point(const double* x, int dim);

}  // namespace pinn

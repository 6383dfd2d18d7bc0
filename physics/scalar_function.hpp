/// @file physics/scalar_function.hpp
/// @brief The one type of a scalar field on the host (problem data, exact
/// solutions, the finite-difference reference's inputs).
#pragma once

#include <functional>

namespace pinn {

/// A scalar field on the host: f(x), where x has as many coordinates as the
/// domain has dimensions.
using ScalarFunction = std::function<double(const double* x)>;

/// A scalar field of space and time on the host: f(x, t), x with as many
/// coordinates as the domain has dimensions (time-dependent problems).
using SpaceTimeFunction = std::function<double(const double* x, double t)>;

}  // namespace pinn

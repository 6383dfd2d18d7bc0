/// @file physics/fd_reference_checks.cpp
/// @brief The finite-difference references' shared checks.
#include "physics/fd_reference_checks.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace pinn {

void check_box_grid(const std::string& type, int dim, const std::array<double, 3>& lower,
                    const std::array<double, 3>& upper, const std::array<int, 3>& n_cells) {
  std::ostringstream msg;
  if (dim < 1 || dim > 3) {
    msg << type << "::dim is " << dim << "; allowed: 1, 2 or 3";
    throw std::invalid_argument(msg.str());
  }
  for (std::size_t d = 0; d < static_cast<std::size_t>(dim); ++d) {
    if (n_cells[d] < 2) {
      msg << type << "::n_cells[" << d << "] is " << n_cells[d] << "; allowed: at least 2";
      throw std::invalid_argument(msg.str());
    }
    const double lo = lower[d], hi = upper[d];
    if (!std::isfinite(lo) || !std::isfinite(hi) || !(hi > lo)) {
      msg << type << "::lower[" << d << "] = " << lo << " and upper[" << d << "] = " << hi
          << "; allowed: finite bounds with upper > lower (a box)";
      throw std::invalid_argument(msg.str());
    }
  }
}

std::string format_point(const double* x, int dim) {
  std::ostringstream out;
  out.precision(12);
  out << '(';
  for (int d = 0; d < dim; ++d) out << (d ? ", " : "") << x[d];
  out << ')';
  return out.str();
}

}  // namespace pinn

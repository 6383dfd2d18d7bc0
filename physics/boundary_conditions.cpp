/// @file physics/boundary_conditions.cpp
/// @brief Which condition holds at a boundary point.
#include "physics/boundary_conditions.hpp"

#include "nn/error.hpp"
#include "physics/domain.hpp"

#include <algorithm>
#include <cmath>

namespace pinn {

std::string to_string(BoundaryKind kind) { return name_in(kBoundaryKindNames, kind); }

unsigned sides_at(const Domain& domain, const double* x) {
  if (!domain.is_box()) return 0;
  unsigned sides = 0;
  for (int k = 0; k < domain.dim(); ++k) {
    const double lo = domain.lower()[k], hi = domain.upper()[k];
    const double tolerance = 1e-9 * std::max(hi - lo, std::max(std::abs(lo), std::abs(hi)));
    if (std::abs(x[k] - lo) <= tolerance) sides |= 1u << (2 * k);
    if (std::abs(x[k] - hi) <= tolerance) sides |= 1u << (2 * k + 1);
  }
  return sides;
}

int part_at(const std::vector<BoundaryPart>& parts, const Domain& domain, const double* x) {
  const unsigned sides = parts.empty() ? 0u : sides_at(domain, x);
  for (std::size_t index = 0; index < parts.size(); ++index) {
    const BoundaryPart& part = parts[index];
    if (part.sides != 0 && (part.sides & sides) == 0) continue;
    if (part.marker && !(part.marker(x) > 0.0)) continue;
    return static_cast<int>(index);
  }
  return -1;
}

BoundaryCondition condition_at(const std::vector<BoundaryPart>& parts, const ScalarFunction& dirichlet_value,
                               const Domain& domain, const double* x) {
  return condition_of(parts, part_at(parts, domain, x), dirichlet_value, x);
}

BoundaryCondition condition_of(const std::vector<BoundaryPart>& parts, int index,
                               const ScalarFunction& dirichlet_value, const double* x) {
  if (index >= 0) {
    const BoundaryPart& part = parts[static_cast<std::size_t>(index)];
    BoundaryCondition c;
    c.kind = part.kind;
    const ScalarFunction& value = part.value || part.kind != BoundaryKind::dirichlet ? part.value : dirichlet_value;
    PINN_USER_REQUIRE(static_cast<bool>(value), "a " << to_string(part.kind) << " boundary part has no value");
    c.value = value(x);
    if (part.kind == BoundaryKind::robin) {
      PINN_USER_REQUIRE(static_cast<bool>(part.coefficient), "a robin boundary part has no coefficient");
      c.coefficient = part.coefficient(x);
    }
    return c;
  }
  PINN_USER_REQUIRE(static_cast<bool>(dirichlet_value),
                    "the boundary data g is missing where no boundary part holds (Dirichlet u = g there)");
  BoundaryCondition c;
  c.value = dirichlet_value(x);
  return c;
}

bool has_natural_parts(const std::vector<BoundaryPart>& parts) {
  return std::any_of(parts.begin(), parts.end(),
                     [](const BoundaryPart& part) { return part.kind != BoundaryKind::dirichlet; });
}

}  // namespace pinn

/// @file nn/adam.cpp
/// @brief Adam and SGD updates.
#include "nn/adam.hpp"

#include "nn/error.hpp"
#include "nn/math.hpp"

#include <cmath>

namespace pinn {

Adam::Adam(int n_params, const AdamOptions& options)
    : options_(options), m_("pinn::nn::Adam::m", n_params), v_("pinn::nn::Adam::v", n_params) {
  const std::string problem = options.schedule.validate();
  PINN_REQUIRE(problem.empty(), problem);
}

void Adam::step(const ExecSpace& space, const Vector& params, const Vector& gradient) {
  PINN_REQUIRE(params.extent(0) == m_.extent(0) && gradient.extent(0) == m_.extent(0),
               "parameter/gradient sizes differ from the optimiser's");
  const double lr = options_.schedule.at(iteration_);
  ++iteration_;
  if (options_.plain_sgd) {
    Kokkos::parallel_for(
        "pinn::nn::Sgd::step", Kokkos::RangePolicy<ExecSpace>(space, 0, params.extent(0)),
        KOKKOS_LAMBDA(const int i) { params(i) -= lr * gradient(i); });
    return;
  }
  const double b1 = options_.beta1, b2 = options_.beta2, eps = options_.epsilon;
  const double c1 = 1.0 - std::pow(b1, iteration_), c2 = 1.0 - std::pow(b2, iteration_);
  const Vector m = m_, v = v_;
  Kokkos::parallel_for(
      "pinn::nn::Adam::step", Kokkos::RangePolicy<ExecSpace>(space, 0, params.extent(0)), KOKKOS_LAMBDA(const int i) {
        const double g = gradient(i);
        m(i) = b1 * m(i) + (1.0 - b1) * g;
        v(i) = b2 * v(i) + (1.0 - b2) * g * g;
        params(i) -= lr * (m(i) / c1) / (math::sqrt(v(i) / c2) + eps);
      });
}

}  // namespace pinn

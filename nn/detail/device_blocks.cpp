/// @file nn/detail/device_blocks.cpp
/// @brief The shared buffers of the batched paths' device shapes.
#include "nn/detail/device_blocks.hpp"

namespace pinn::detail {

void fit_view(Vector& view, std::size_t size, const std::string& label) {
  if (view.extent(0) != size) view = Vector(Kokkos::view_alloc(Kokkos::WithoutInitializing, label), size);
}

void fit_rows(Matrix& rows, int n_rows, int n_columns, const std::string& label) {
  if (static_cast<int>(rows.extent(0)) != n_rows || static_cast<int>(rows.extent(1)) != n_columns)
    rows = Matrix(Kokkos::view_alloc(Kokkos::WithoutInitializing, label), n_rows, n_columns);
}

void fit_ones(const ExecSpace& space, Vector& ones, std::size_t size, const std::string& label) {
  if (ones.extent(0) == size) return;
  fit_view(ones, size, label);
  Kokkos::deep_copy(space, ones, 1.0);
}

void fit_slopes(const ExecSpace& space, const MlpLayout& layout, const ConstVector& params,
                std::vector<Vector>& slopes) {
  const int hidden = layout.n_layers - 1;
  slopes.resize(hidden);
  for (int h = 0; h < hidden; ++h) {
    const int width = layout.width[h + 1];
    fit_view(slopes[h], width, "pinn::nn::device_blocks::slopes");
    const Vector alpha = slopes[h];
    const double fixed = layout.activation == Activation::relu ? 0.0 : layout.fixed_alpha;
    const int offset = layout.alpha_offset[h], stride = layout.alpha_stride[h];
    Kokkos::parallel_for(
        "pinn::nn::device_blocks::slopes", entries(space, width), KOKKOS_LAMBDA(const int j) {
          alpha(j) = offset >= 0 ? layout.alpha_from_parameter(params(offset + stride * j)) : fixed;
        });
  }
}

}  // namespace pinn::detail

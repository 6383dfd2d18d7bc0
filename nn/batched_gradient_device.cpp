/// @file nn/batched_gradient_device.cpp
/// @brief The device shape of the piecewise-linear batched path: per block,
/// the layer products through blas.hpp's ExecSpace overloads and the
/// elementwise passes as kernels over neurons × points (entry q·w + j is
/// neuron j of the block's point q, column-major as on the host).
#include "nn/batched_gradient_device.hpp"

#include "nn/blas.hpp"
#include "nn/detail/device_blocks.hpp"
#include "nn/error.hpp"


namespace pinn {

using detail::entries;
using detail::fit_view;

void DeviceBatchedWorkspace::prepare(const ExecSpace& space, const MlpLayout& layout, const ConstVector& params,
                                     int points) {
  PINN_REQUIRE(block_points > 0, "DeviceBatchedWorkspace::block_points is " << block_points << "; it must be positive");
  const int hidden = layout.n_layers - 1, d = layout.n_inputs();
  n_points = points;
  n_blocks = (points + block_points - 1) / block_points;
  const std::size_t nb = static_cast<std::size_t>(points < block_points ? points : block_points);
  detail::fit_slopes(space, layout, params, slopes);
  for (auto* set : {&z, &a, &adjoint, &delta, &tangent}) {
    set->resize(hidden);
    for (int h = 0; h < hidden; ++h)
      fit_view((*set)[h], layout.width[h + 1] * nb, "pinn::nn::DeviceBatchedWorkspace::layer");
  }
  for (auto* buffer : {&u, &seed_value}) fit_view(*buffer, nb, "pinn::nn::DeviceBatchedWorkspace::points");
  for (auto* buffer : {&grad_u, &seed_grad, &input_mix})
    fit_view(*buffer, d * nb, "pinn::nn::DeviceBatchedWorkspace::jets");
  fit_view(slope_sums, layout.max_width, "pinn::nn::DeviceBatchedWorkspace::slope_sums");
  detail::fit_ones(space, ones, nb, "pinn::nn::DeviceBatchedWorkspace::ones");
  detail::fit_rows(partial_gradient, n_blocks, layout.n_params, "pinn::nn::DeviceBatchedWorkspace::partial_gradient");
  fit_view(partial_loss, n_blocks, "pinn::nn::DeviceBatchedWorkspace::partial_loss");
}

namespace detail {

namespace {

/// out = σ'(z) ⊙ in over a block's w × n entries (in and out may be the same).
void scale_by_slopes(const ExecSpace& space, int w, int n, const Vector& z, const Vector& alpha, const Vector& in,
                     const Vector& out) {
  Kokkos::parallel_for(
      "pinn::nn::device_batched::scale_by_slopes", entries(space, w * n), KOKKOS_LAMBDA(const int e) {
        out(e) = (z(e) > 0.0 ? 1.0 : alpha(e % w)) * in(e);
      });
}

}  // namespace

void device_batched_forward(const ExecSpace& space, const MlpLayout& layout, const ConstVector& params,
                            const Matrix& points, DeviceBatchedWorkspace& ws, int begin, int end) {
  const int n = end - begin, d = layout.n_inputs(), hidden = layout.n_layers - 1, last = hidden - 1;
  const double* p = params.data();
  // a_0 = σ(W_0 x + b_0): the inner dimension is d ≤ 4, elementwise.
  {
    const int w = layout.width[1], w_offset = layout.w_offset[0], b_offset = layout.b_offset[0];
    const Vector z = ws.z[0], a = ws.a[0], alpha = ws.slopes[0];
    Kokkos::parallel_for(
        "pinn::nn::device_batched::first_layer", entries(space, w * n), KOKKOS_LAMBDA(const int e) {
          const int q = e / w, j = e % w;
          double zj = params(b_offset + j);
          for (int i = 0; i < d; ++i) zj += params(w_offset + j * d + i) * points(begin + q, i);
          z(e) = zj;
          a(e) = (zj > 0.0 ? 1.0 : alpha(j)) * zj;
        });
  }
  for (int h = 1; h < hidden; ++h) {
    const int w_in = layout.width[h], w = layout.width[h + 1], b_offset = layout.b_offset[h];
    const Vector z = ws.z[h], a = ws.a[h], alpha = ws.slopes[h];
    Kokkos::parallel_for(
        "pinn::nn::device_batched::bias", entries(space, w * n),
        KOKKOS_LAMBDA(const int e) { z(e) = params(b_offset + e % w); });
    // W_h is row-major (w × w_in), i.e. column-major (w_in × w): z += (W_h)ᵀ-as-stored · a.
    blas::gemm(space, true, false, w, n, w_in, 1.0, p + layout.w_offset[h], w_in, ws.a[h - 1].data(), w_in, 1.0,
               z.data(), w);
    Kokkos::parallel_for(
        "pinn::nn::device_batched::activate", entries(space, w * n),
        KOKKOS_LAMBDA(const int e) { a(e) = (z(e) > 0.0 ? 1.0 : alpha(e % w)) * z(e); });
  }
  // u = w_Lᵀ a + b_L.
  const int w_last = layout.width[hidden], w_out = layout.w_offset[hidden], b_out = layout.b_offset[hidden];
  blas::gemv(space, true, w_last, n, 1.0, ws.a[last].data(), w_last, p + w_out, 0.0, ws.u.data());
  const Vector u = ws.u;
  Kokkos::parallel_for(
      "pinn::nn::device_batched::output_bias", entries(space, n), KOKKOS_LAMBDA(const int q) { u(q) += params(b_out); });

  // Reverse sweep of u: δ_last = D w_L, δ_{h-1} = D (W_hᵀ δ_h), keeping the
  // adjoint before D (the learnable slopes' gradient factor).
  {
    const Vector adjoint = ws.adjoint[last];
    Kokkos::parallel_for(
        "pinn::nn::device_batched::output_adjoint", entries(space, w_last * n),
        KOKKOS_LAMBDA(const int e) { adjoint(e) = params(w_out + e % w_last); });
  }
  scale_by_slopes(space, w_last, n, ws.z[last], ws.slopes[last], ws.adjoint[last], ws.delta[last]);
  for (int h = last; h >= 1; --h) {
    const int w_in = layout.width[h], w = layout.width[h + 1];
    blas::gemm(space, false, false, w_in, n, w, 1.0, p + layout.w_offset[h], w_in, ws.delta[h].data(), w, 0.0,
               ws.adjoint[h - 1].data(), w_in);
    scale_by_slopes(space, w_in, n, ws.z[h - 1], ws.slopes[h - 1], ws.adjoint[h - 1], ws.delta[h - 1]);
  }
  // ∇u = W_0ᵀ δ_0.
  blas::gemm(space, false, false, d, n, layout.width[1], 1.0, p + layout.w_offset[0], d, ws.delta[0].data(),
             layout.width[1], 0.0, ws.grad_u.data(), d);
}

void device_batched_parameter_gradient(const ExecSpace& space, const MlpLayout& layout, const ConstVector& params,
                                       const Matrix& points, DeviceBatchedWorkspace& ws, int begin, int end,
                                       int block) {
  const int n = end - begin, d = layout.n_inputs(), hidden = layout.n_layers - 1, n_params = layout.n_params;
  const double* p = params.data();
  const Vector s = ws.seed_value, c = ws.seed_grad, input_mix = ws.input_mix;
  // Row `block` of a LayoutRight matrix: contiguous.
  double* gradient = ws.partial_gradient.data() + static_cast<std::size_t>(block) * n_params;
  const auto row = Kokkos::subview(ws.partial_gradient, block, Kokkos::ALL);
  Kokkos::parallel_for(
      "pinn::nn::device_batched::zero_row", entries(space, n_params), KOKKOS_LAMBDA(const int k) { row(k) = 0.0; });

  // The first layer's "s·a + t" is s·x + c; its tangent ż_0 = W_0 c.
  Kokkos::parallel_for(
      "pinn::nn::device_batched::input_mix", entries(space, d * n), KOKKOS_LAMBDA(const int e) {
        const int q = e / d, i = e % d;
        input_mix(e) = s(q) * points(begin + q, i) + c(e);
      });
  blas::gemm(space, true, false, layout.width[1], n, d, 1.0, p + layout.w_offset[0], d, c.data(), d, 0.0,
             ws.tangent[0].data(), layout.width[1]);

  for (int h = 0; h < hidden; ++h) {
    const int w = layout.width[h + 1];
    if (h > 0) {
      const int w_in = layout.width[h];
      blas::gemm(space, true, false, w, n, w_in, 1.0, p + layout.w_offset[h], w_in, ws.tangent[h - 1].data(), w_in,
                 0.0, ws.tangent[h].data(), w);
    }
    const Vector z = ws.z[h], t = ws.tangent[h], a = ws.a[h], alpha = ws.slopes[h];
    if (layout.alpha_offset[h] >= 0) {
      // ∂L/∂α_j = Σ_q [z ≤ 0] adjoint (s z + ż): the terms in place of the
      // adjoint (read for nothing else), summed over the points as a product
      // with ones; one slope for the layer (stride 0) sums its neurons too.
      const Vector adjoint = ws.adjoint[h], sums = ws.slope_sums;
      Kokkos::parallel_for(
          "pinn::nn::device_batched::slope_terms", entries(space, w * n), KOKKOS_LAMBDA(const int e) {
            const double ze = z(e);
            adjoint(e) = ze <= 0.0 ? adjoint(e) * (s(e / w) * ze + t(e)) : 0.0;
          });
      blas::gemv(space, false, w, n, 1.0, adjoint.data(), w, ws.ones.data(), 0.0, sums.data());
      const int offset = layout.alpha_offset[h], stride = layout.alpha_stride[h];
      Kokkos::parallel_for(
          "pinn::nn::device_batched::slope_gradient", entries(space, stride == 0 ? 1 : w), KOKKOS_LAMBDA(const int j) {
            double sum = sums(j);
            if (stride == 0)
              for (int k = 1; k < w; ++k) sum += sums(k);
            row(offset + j) = sum * layout.dalpha_dparameter(params(offset + j));
          });
    }
    // t_h = D ż_h, then a_h ← s a_h + t_h (the next layer's weight-gradient factor).
    Kokkos::parallel_for(
        "pinn::nn::device_batched::tangent", entries(space, w * n), KOKKOS_LAMBDA(const int e) {
          const double te = (z(e) > 0.0 ? 1.0 : alpha(e % w)) * t(e);
          t(e) = te;
          a(e) = s(e / w) * a(e) + te;
        });
  }

  // Weight gradients Σ_q δ_h (s a_{h-1} + t_{h-1})ᵀ, written column-major
  // (w_in × w) = row-major (w × w_in) at w_offset; bias gradients δ_h s.
  for (int h = 0; h < hidden; ++h) {
    const int w_in = layout.width[h], w = layout.width[h + 1];
    const double* mix = h == 0 ? input_mix.data() : ws.a[h - 1].data();
    blas::gemm(space, false, true, w_in, w, n, 1.0, mix, w_in, ws.delta[h].data(), w, 0.0,
               gradient + layout.w_offset[h], w_in);
    blas::gemv(space, false, w, n, 1.0, ws.delta[h].data(), w, s.data(), 0.0, gradient + layout.b_offset[h]);
  }
  // Output layer: u = w_Lᵀ a + b_L, so ∂L/∂w_L = Σ_q (s a + t), ∂L/∂b_L = Σ_q s.
  const int w_last = layout.width[hidden];
  blas::gemv(space, false, w_last, n, 1.0, ws.a[hidden - 1].data(), w_last, ws.ones.data(), 0.0,
             gradient + layout.w_offset[hidden]);
  blas::gemv(space, false, 1, n, 1.0, s.data(), 1, ws.ones.data(), 0.0, gradient + layout.b_offset[hidden]);
}

}  // namespace detail

void device_batched_evaluate_jets(const ExecSpace& space, const Mlp& net, const Matrix& points, JetOrder order,
                                  DeviceBatchedWorkspace& ws, const PointJetView& jets, int first_block,
                                  int end_block) {
  const int d = net.layout().n_inputs();
  const bool with_gradient = order != JetOrder::value;
  for (int block = first_block; block < end_block; ++block) {
    const int begin = detail::block_begin(ws, block), end = detail::block_end(ws, block);
    detail::device_batched_forward(space, net.layout(), net.params(), points, ws, begin, end);
    const Vector u = ws.u, grad_u = ws.grad_u;
    Kokkos::parallel_for(
        "pinn::nn::device_batched_evaluate_jets", entries(space, end - begin), KOKKOS_LAMBDA(const int q) {
          PointJet jet;
          jet.zero();
          jet.value[0] = u(q);
          if (with_gradient)
            for (int k = 0; k < d; ++k) jet.grad[0][k] = grad_u(q * d + k);
          jets(begin + q) = jet;
        });
  }
}

}  // namespace pinn

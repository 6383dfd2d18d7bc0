/// @file nn/batched_jet_gradient_device.cpp
/// @brief The device shape of the batched jet path: per block, the layer
/// products through blas.hpp's ExecSpace overloads, the activation and its
/// adjoint as kernels over neurons × points (the general kernel's formulas,
/// detail/jet_kernel.hpp), sums over points as products with a block of ones.
#include "nn/batched_jet_gradient_device.hpp"

#include "nn/blas.hpp"
#include "nn/detail/device_blocks.hpp"
#include "nn/detail/jet_kernel.hpp"
#include "nn/error.hpp"


namespace pinn {

using detail::entries;
using detail::fit_view;

void DeviceBatchedJetWorkspace::prepare(const ExecSpace& space, const MlpLayout& layout, const ConstVector& params,
                                        int points, JetOrder order, int n_lap) {
  PINN_REQUIRE(block_points > 0,
               "DeviceBatchedJetWorkspace::block_points is " << block_points << "; it must be positive");
  const int hidden = layout.n_layers - 1, d = layout.n_inputs();
  n_points = points;
  n_blocks = (points + block_points - 1) / block_points;
  n_tangents = order == JetOrder::value ? 0 : d;
  track_laplacian = order == JetOrder::laplacian;
  n_laplacian_dims = n_lap < 0 || n_lap > d ? d : n_lap;
  n_components = 1 + n_tangents + (track_laplacian ? 1 : 0);
  const std::size_t nb = static_cast<std::size_t>(points < block_points ? points : block_points);
  const std::size_t columns = static_cast<std::size_t>(n_components) * nb;
  detail::fit_slopes(space, layout, params, slopes);
  for (auto* set : {&z, &a, &cache}) set->resize(hidden);
  for (int h = 0; h < hidden; ++h) {
    const int width = layout.width[h + 1];
    fit_view(z[h], width * columns, "pinn::nn::DeviceBatchedJetWorkspace::z");
    fit_view(a[h], width * columns, "pinn::nn::DeviceBatchedJetWorkspace::a");
    fit_view(cache[h], detail::n_cached * width * nb, "pinn::nn::DeviceBatchedJetWorkspace::cache");
  }
  for (auto* buffer : {&output, &output_adjoint})
    fit_view(*buffer, layout.n_outputs() * columns, "pinn::nn::DeviceBatchedJetWorkspace::output");
  for (auto* buffer : {&adjoint, &adjoint_in})
    fit_view(*buffer, layout.max_width * columns, "pinn::nn::DeviceBatchedJetWorkspace::adjoint");
  fit_view(slope_terms, layout.max_width * nb, "pinn::nn::DeviceBatchedJetWorkspace::slope_terms");
  fit_view(column_sums, layout.max_width, "pinn::nn::DeviceBatchedJetWorkspace::column_sums");
  detail::fit_ones(space, ones, nb, "pinn::nn::DeviceBatchedJetWorkspace::ones");
  detail::fit_rows(partial_gradient, n_blocks, layout.n_params,
                   "pinn::nn::DeviceBatchedJetWorkspace::partial_gradient");
  fit_view(partial_loss, n_blocks, "pinn::nn::DeviceBatchedJetWorkspace::partial_loss");
}

namespace detail {

namespace {

/// a-jet and activation cache of hidden layer h for a block of nb points
/// (MlpJetKernel::activate, a thread per neuron and point).
void activate(const ExecSpace& space, const MlpLayout& layout, const DeviceBatchedJetWorkspace& ws, int h, int nb) {
  const int w = layout.width[h + 1], n_tangents = ws.n_tangents, n_lap = ws.n_laplacian_dims;
  const int lap = ws.n_components - 1;
  const bool track_laplacian = ws.track_laplacian;
  const Vector z = ws.z[h], a = ws.a[h], cache = ws.cache[h], alpha = ws.slopes[h];
  const Activation activation = layout.activation;
  const double smoothing = layout.smoothing;
  Kokkos::parallel_for(
      "pinn::nn::device_batched_jet::activate", entries(space, w * nb), KOKKOS_LAMBDA(const int e) {
        const int q = e / w, j = e % w;
        const auto at = [=](int c) { return (c * nb + q) * w + j; };
        const ActivationValues v = activation_values(activation, z(at(0)), alpha(j), smoothing);
        const auto plane = [=](int m) { return (m * nb + q) * w + j; };
        cache(plane(cached_d1)) = v.d1;
        cache(plane(cached_d2)) = v.d2;
        cache(plane(cached_d3)) = v.d3;
        cache(plane(cached_df_dalpha)) = v.df_dalpha;
        cache(plane(cached_dd1_dalpha)) = v.dd1_dalpha;
        cache(plane(cached_dd2_dalpha)) = v.dd2_dalpha;
        a(at(0)) = v.f;
        if (track_laplacian) {
          // ä = σ' z̈ + σ'' Σ_k ż_k².
          double al = v.d1 * z(at(lap));
          for (int k = 0; k < n_lap; ++k) al += v.d2 * z(at(1 + k)) * z(at(1 + k));
          a(at(lap)) = al;
        }
        for (int k = 0; k < n_tangents; ++k) a(at(1 + k)) = v.d1 * z(at(1 + k));
      });
}

/// Adds b to the value columns (the first nb) of a (w × C·nb) block.
void add_bias(const ExecSpace& space, int w, int nb, const ConstVector& params, int b_offset, const Vector& values) {
  Kokkos::parallel_for(
      "pinn::nn::device_batched_jet::bias", entries(space, w * nb),
      KOKKOS_LAMBDA(const int e) { values(e) += params(b_offset + e % w); });
}

}  // namespace

void device_batched_jet_forward(const ExecSpace& space, const MlpLayout& layout, const ConstVector& params,
                                const Matrix& points, DeviceBatchedJetWorkspace& ws, int begin, int end) {
  const int nb = end - begin, d = layout.n_inputs(), hidden = layout.n_layers - 1, C = ws.n_components;
  const int N = C * nb;
  const double* p = params.data();
  // First layer: the input jet is (x, e_k, 0), so the tangents are W_0's columns.
  {
    const int w = layout.width[1], w_offset = layout.w_offset[0], b_offset = layout.b_offset[0];
    const int n_tangents = ws.n_tangents;
    const bool track_laplacian = ws.track_laplacian;
    const Vector z = ws.z[0];
    Kokkos::parallel_for(
        "pinn::nn::device_batched_jet::first_layer", entries(space, w * nb), KOKKOS_LAMBDA(const int e) {
          const int q = e / w, j = e % w;
          double value = params(b_offset + j);
          for (int i = 0; i < d; ++i) value += params(w_offset + j * d + i) * points(begin + q, i);
          z(e) = value;
          for (int k = 0; k < n_tangents; ++k) z(((1 + k) * nb + q) * w + j) = params(w_offset + j * d + k);
          if (track_laplacian) z(((C - 1) * nb + q) * w + j) = 0.0;
        });
    activate(space, layout, ws, 0, nb);
  }
  for (int h = 1; h < hidden; ++h) {
    const int w_in = layout.width[h], w = layout.width[h + 1];
    // W_h row-major (w × w_in) is column-major (w_in × w): Z = op(W)ᵀ A.
    blas::gemm(space, true, false, w, N, w_in, 1.0, p + layout.w_offset[h], w_in, ws.a[h - 1].data(), w_in, 0.0,
               ws.z[h].data(), w);
    add_bias(space, w, nb, params, layout.b_offset[h], ws.z[h]);
    activate(space, layout, ws, h, nb);
  }
  const int w_last = layout.width[hidden], n_out = layout.n_outputs();
  blas::gemm(space, true, false, n_out, N, w_last, 1.0, p + layout.w_offset[hidden], w_last,
             ws.a[hidden - 1].data(), w_last, 0.0, ws.output.data(), n_out);
  add_bias(space, n_out, nb, params, layout.b_offset[hidden], ws.output);
}

void device_batched_jet_backward(const ExecSpace& space, const MlpLayout& layout, const ConstVector& params,
                                 const Matrix& points, DeviceBatchedJetWorkspace& ws, int begin, int end,
                                 int block) {
  const int nb = end - begin, d = layout.n_inputs(), hidden = layout.n_layers - 1, C = ws.n_components;
  const int N = C * nb, n_params = layout.n_params;
  PINN_REQUIRE(points.span_is_contiguous(), "the points must be one contiguous row-major block");
  const double* p = params.data();
  // Row `block` of a LayoutRight matrix: contiguous.
  double* gradient = ws.partial_gradient.data() + static_cast<std::size_t>(block) * n_params;
  const auto row = Kokkos::subview(ws.partial_gradient, block, Kokkos::ALL);
  Kokkos::parallel_for(
      "pinn::nn::device_batched_jet::zero_row", entries(space, n_params), KOKKOS_LAMBDA(const int k) { row(k) = 0.0; });

  // Output layer: ∂L/∂W_L = products of the last a-jet with the seeds, Ā = W_Lᵀ seeds.
  const int w_last = layout.width[hidden], n_out = layout.n_outputs();
  const double* seeds = ws.output_adjoint.data();
  blas::gemm(space, false, true, w_last, n_out, N, 1.0, ws.a[hidden - 1].data(), w_last, seeds, n_out, 0.0,
             gradient + layout.w_offset[hidden], w_last);
  blas::gemv(space, false, n_out, nb, 1.0, seeds, n_out, ws.ones.data(), 0.0, gradient + layout.b_offset[hidden]);
  Vector adj = ws.adjoint, adj_in = ws.adjoint_in;
  blas::gemm(space, false, false, w_last, N, n_out, 1.0, p + layout.w_offset[hidden], w_last, seeds, n_out, 0.0,
             adj.data(), w_last);
  for (int h = hidden - 1; h >= 0; --h) {
    const int w_in = layout.width[h], w = layout.width[h + 1];
    // Through the activation: the a-jet adjoint (in place) becomes the z-jet
    // adjoint; the slope terms are kept per neuron and point.
    {
      const int n_tangents = ws.n_tangents, n_lap = ws.n_laplacian_dims, lap = C - 1;
      const bool track_laplacian = ws.track_laplacian, learnable = layout.alpha_offset[h] >= 0;
      const int alpha_offset = layout.alpha_offset[h], alpha_stride = layout.alpha_stride[h];
      const Vector z = ws.z[h], cache = ws.cache[h], terms = ws.slope_terms, adjoint = adj;
      Kokkos::parallel_for(
          "pinn::nn::device_batched_jet::activation_adjoint", entries(space, w * nb), KOKKOS_LAMBDA(const int e) {
            const int q = e / w, j = e % w;
            const auto at = [=](int c) { return (c * nb + q) * w + j; };
            const auto cached = [=](int m) { return cache((m * nb + q) * w + j); };
            const double d1 = cached(cached_d1), d2 = cached(cached_d2), d3 = cached(cached_d3);
            const double a_bar = adjoint(at(0));
            const double lap_bar = track_laplacian ? adjoint(at(lap)) : 0.0;
            const double z_lap = track_laplacian ? z(at(lap)) : 0.0;
            double sq = 0.0, tangent_term = 0.0;
            for (int k = 0; k < n_tangents; ++k) {
              const double zk = z(at(1 + k)), tk_bar = adjoint(at(1 + k));
              if (k < n_lap) sq += zk * zk;
              tangent_term += tk_bar * zk;
              adjoint(at(1 + k)) = tk_bar * d1 + (k < n_lap ? 2.0 * lap_bar * d2 * zk : 0.0);
            }
            adjoint(at(0)) = a_bar * d1 + tangent_term * d2 + lap_bar * (d2 * z_lap + d3 * sq);
            if (track_laplacian) adjoint(at(lap)) = lap_bar * d1;
            if (learnable) {
              const double alpha_bar = a_bar * cached(cached_df_dalpha) + tangent_term * cached(cached_dd1_dalpha) +
                                       lap_bar * (cached(cached_dd1_dalpha) * z_lap + cached(cached_dd2_dalpha) * sq);
              const int index = alpha_offset + alpha_stride * j;
              terms(q * w + j) = alpha_bar * layout.dalpha_dparameter(params(index));
            }
          });
      if (learnable) {
        // Σ over the points as a product with ones; one slope for the layer (stride 0) sums its neurons too.
        const Vector sums = ws.column_sums;
        blas::gemv(space, false, w, nb, 1.0, terms.data(), w, ws.ones.data(), 0.0, sums.data());
        Kokkos::parallel_for(
            "pinn::nn::device_batched_jet::slope_gradient", entries(space, alpha_stride == 0 ? 1 : w),
            KOKKOS_LAMBDA(const int j) {
              double sum = sums(j);
              if (alpha_stride == 0)
                for (int k = 1; k < w; ++k) sum += sums(k);
              row(alpha_offset + j) = sum;
            });
      }
    }
    blas::gemv(space, false, w, nb, 1.0, adj.data(), w, ws.ones.data(), 0.0, gradient + layout.b_offset[h]);
    if (h == 0) {
      // ∂L/∂W_0[j, i] = Σ_q z̄_value x_i + z̄_{tangent i}: the products of
      // the block's points (d × nb, contiguous rows of a LayoutRight matrix)
      // with the value adjoints, then the tangent adjoints' sums.
      blas::gemm(space, false, true, d, w, nb, 1.0, points.data() + static_cast<std::size_t>(begin) * d, d,
                 adj.data(), w, 0.0, gradient + layout.w_offset[0], d);
      const Vector sums = ws.column_sums;
      const int w_offset = layout.w_offset[0];
      for (int k = 0; k < ws.n_tangents; ++k) {
        blas::gemv(space, false, w, nb, 1.0, adj.data() + static_cast<std::size_t>(1 + k) * nb * w, w,
                   ws.ones.data(), 0.0, sums.data());
        Kokkos::parallel_for(
            "pinn::nn::device_batched_jet::tangent_weights", entries(space, w),
            KOKKOS_LAMBDA(const int j) { row(w_offset + j * d + k) += sums(j); });
      }
      break;
    }
    blas::gemm(space, false, true, w_in, w, N, 1.0, ws.a[h - 1].data(), w_in, adj.data(), w, 0.0,
               gradient + layout.w_offset[h], w_in);
    blas::gemm(space, false, false, w_in, N, w, 1.0, p + layout.w_offset[h], w_in, adj.data(), w, 0.0,
               adj_in.data(), w_in);
    std::swap(adj, adj_in);
  }
}

}  // namespace detail

void device_batched_jet_evaluate_jets(const ExecSpace& space, const Mlp& net, const Matrix& points,
                                      DeviceBatchedJetWorkspace& ws, const PointJetView& jets, int first_block,
                                      int end_block) {
  const int n_out = net.layout().n_outputs(), n_tangents = ws.n_tangents;
  const int lap_component = ws.track_laplacian ? ws.n_components - 1 : -1;
  for (int block = first_block; block < end_block; ++block) {
    const int begin = detail::block_begin(ws, block), end = detail::block_end(ws, block);
    const int nb = end - begin;
    detail::device_batched_jet_forward(space, net.layout(), net.params(), points, ws, begin, end);
    const Vector output = ws.output;
    Kokkos::parallel_for(
        "pinn::nn::device_batched_jet_evaluate_jets", entries(space, nb), KOKKOS_LAMBDA(const int q) {
          PointJet jet;
          jet.zero();
          detail::copy_output_jet(output, nb, q, n_out, n_tangents, lap_component, jet);
          jets(begin + q) = jet;
        });
  }
}

}  // namespace pinn

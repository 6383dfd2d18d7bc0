/// @file nn/detail/host/batched_gradient.cpp
/// @brief The matrix products and elementwise passes of the batched path
/// (the algorithm is derived in batched_gradient.hpp), one block of points
/// per call; matrices are column-major (width × points), so a block is a
/// range of columns.
#include "nn/detail/host/batched_gradient.hpp"

#include "nn/blas.hpp"
#include "nn/error.hpp"

#include <algorithm>

namespace pinn {

namespace {

// σ'(z) follows the subgradient convention of activation.hpp (the left branch
// at z = 0). The elementwise passes below work on one point's column of w
// neurons with restrict pointers, and every load happens on both sides of a
// select (a load under a condition keeps GCC from if-converting, hence from
// vectorising, the loop); σ(z) = slope · z, with slope 1 or α: the same
// bits as z or α·z.

/// a = σ(z) for one column.
inline void activate(int w, const double* __restrict alpha, const double* __restrict z, double* __restrict a) {
  for (int j = 0; j < w; ++j) {
    const double zj = z[j], aj = alpha[j];
    a[j] = (zj > 0.0 ? 1.0 : aj) * zj;
  }
}

/// z ← z + b, a = σ(z) for one column.
inline void add_bias_and_activate(int w, const double* __restrict b, const double* __restrict alpha,
                                  double* __restrict z, double* __restrict a) {
  for (int j = 0; j < w; ++j) z[j] += b[j];
  activate(w, alpha, z, a);
}

/// out = σ'(z) ⊙ in for one column (in and out may be the same column).
inline void scale_by_slopes(int w, const double* __restrict z, const double* __restrict alpha, const double* in,
                            double* out) {
  for (int j = 0; j < w; ++j) {
    const double zj = z[j], aj = alpha[j], xj = in[j];
    out[j] = (zj > 0.0 ? 1.0 : aj) * xj;
  }
}

int n_hidden(const MlpLayout& layout) { return layout.n_layers - 1; }

}  // namespace

bool batched_path_supports(const MlpLayout& layout, JetOrder order) {
  return is_piecewise_linear(layout.activation) && layout.smoothing == 0.0 && layout.n_layers >= 2 &&
         layout.n_outputs() == 1 && order != JetOrder::laplacian;
}

namespace detail {

void fit_buffer(std::vector<double>& buffer, std::size_t size) {
  if (buffer.size() != size) buffer.resize(size);
}

}  // namespace detail

void BatchedBlocks::prepare_blocks(const MlpLayout& layout, const double* params, int points) {
  const int hidden = n_hidden(layout);
  slopes.resize(hidden);
  for (int h = 0; h < hidden; ++h) {
    const int width = layout.width[h + 1];
    slopes[h].assign(width, layout.activation == Activation::relu ? 0.0 : layout.fixed_alpha);
    if (layout.alpha_offset[h] >= 0)
      for (int j = 0; j < width; ++j)
        slopes[h][j] = layout.alpha_from_parameter(params[layout.alpha_offset[h] + layout.alpha_stride[h] * j]);
  }
  n_points = points;
  block_points = batched_block_points(points);
  n_blocks = (points + block_points - 1) / block_points;
  detail::fit_buffer(partial_loss, n_blocks);
  detail::fit_buffer(partial_gradient, static_cast<std::size_t>(n_blocks) * layout.n_params);
}

void BatchedWorkspace::prepare(const MlpLayout& layout, const double* params, int points) {
  prepare_blocks(layout, params, points);
  const int hidden = n_hidden(layout), d = layout.n_inputs();
  const bool learnable = layout.alpha_offset[0] >= 0;
  for (auto* set : {&z, &a, &adjoint, &delta, &tangent}) set->resize(hidden);
  for (int h = 0; h < hidden; ++h) {
    const std::size_t size = static_cast<std::size_t>(layout.width[h + 1]) * points;
    detail::fit_buffer(z[h], size);
    detail::fit_buffer(a[h], size);
    detail::fit_buffer(delta[h], size);
    detail::fit_buffer(tangent[h], size);
    detail::fit_buffer(adjoint[h], learnable ? size : 0);
  }
  for (auto* buffer : {&u, &seed_value}) detail::fit_buffer(*buffer, points);
  for (auto* buffer : {&grad_u, &seed_grad, &input_mix}) detail::fit_buffer(*buffer, static_cast<std::size_t>(d) * points);
}

namespace detail {

void batched_forward(const MlpLayout& layout, const double* params, const Matrix& points, BatchedWorkspace& ws,
                     int begin, int end) {
  const int n = end - begin, d = layout.n_inputs(), hidden = n_hidden(layout);
  const bool learnable = layout.alpha_offset[0] >= 0;
  // a_0 = σ(W_0 x + b_0): the inner dimension is d ≤ 4, elementwise.
  {
    const int w = layout.width[1];
    const double* W = params + layout.w_offset[0];
    const double* b = params + layout.b_offset[0];
    const double* alpha = ws.slopes[0].data();
    for (int p = begin; p < end; ++p) {
      double* z = ws.z[0].data() + static_cast<std::size_t>(p) * w;
      double* a = ws.a[0].data() + static_cast<std::size_t>(p) * w;
      for (int j = 0; j < w; ++j) z[j] = 0.0;
      for (int i = 0; i < d; ++i) {
        const double x = points(p, i);
        for (int j = 0; j < w; ++j) z[j] += W[j * d + i] * x;
      }
      add_bias_and_activate(w, b, alpha, z, a);
    }
  }
  for (int h = 1; h < hidden; ++h) {
    const int w_in = layout.width[h], w = layout.width[h + 1];
    double* z = ws.z[h].data() + static_cast<std::size_t>(begin) * w;
    double* a = ws.a[h].data() + static_cast<std::size_t>(begin) * w;
    // z starts as the bias and the product is added to it (β = 1): a β = 0
    // product would clear z in a pass of its own first.
    const double* b = params + layout.b_offset[h];
    for (int q = 0; q < n * w; q += w)
      for (int j = 0; j < w; ++j) z[q + j] = b[j];
    // W_h is row-major (w × w_in), i.e. column-major (w_in × w): z += (W_h)ᵀ-as-stored · a.
    blas::gemm(true, false, w, n, w_in, 1.0, params + layout.w_offset[h], w_in,
               ws.a[h - 1].data() + static_cast<std::size_t>(begin) * w_in, w_in, 1.0, z, w);
    const double* alpha = ws.slopes[h].data();
    for (int q = 0; q < n * w; q += w) activate(w, alpha, z + q, a + q);
  }
  // u = w_Lᵀ a + b_L.
  const int last = hidden - 1, w_last = layout.width[hidden];
  const double* w_out = params + layout.w_offset[hidden];
  blas::gemv(true, w_last, n, 1.0, ws.a[last].data() + static_cast<std::size_t>(begin) * w_last, w_last, w_out, 0.0,
             ws.u.data() + begin);
  for (int p = begin; p < end; ++p) ws.u[p] += params[layout.b_offset[hidden]];

  // Reverse sweep of u: δ_last = D w_L, δ_{h-1} = D (W_hᵀ δ_h); the adjoint
  // before D is kept only where slopes are learnable (it is their gradient's factor).
  const auto through_slopes = [&](int h, const double* adjoint, double* delta) {
    const int w = layout.width[h + 1];
    const double* z = ws.z[h].data() + static_cast<std::size_t>(begin) * w;
    const double* alpha = ws.slopes[h].data();
    for (int q = 0; q < n * w; q += w) scale_by_slopes(w, z + q, alpha, adjoint + q, delta + q);
  };
  const auto adjoint_of = [&](int h) {
    const std::size_t offset = static_cast<std::size_t>(begin) * layout.width[h + 1];
    return (learnable ? ws.adjoint[h].data() : ws.delta[h].data()) + offset;
  };
  const auto delta_of = [&](int h) { return ws.delta[h].data() + static_cast<std::size_t>(begin) * layout.width[h + 1]; };
  double* adjoint = adjoint_of(last);
  for (int q = 0; q < n * w_last; q += w_last)
    for (int j = 0; j < w_last; ++j) adjoint[q + j] = w_out[j];
  through_slopes(last, adjoint, delta_of(last));
  for (int h = last; h >= 1; --h) {
    const int w_in = layout.width[h], w = layout.width[h + 1];
    blas::gemm(false, false, w_in, n, w, 1.0, params + layout.w_offset[h], w_in, delta_of(h), w, 0.0,
               adjoint_of(h - 1), w_in);
    through_slopes(h - 1, adjoint_of(h - 1), delta_of(h - 1));
  }
  // ∇u = W_0ᵀ δ_0.
  blas::gemm(false, false, d, n, layout.width[1], 1.0, params + layout.w_offset[0], d, delta_of(0), layout.width[1],
             0.0, ws.grad_u.data() + static_cast<std::size_t>(begin) * d, d);
}

void batched_parameter_gradient(const MlpLayout& layout, const double* params, const Matrix& points,
                                BatchedWorkspace& ws, int begin, int end, double* gradient) {
  const int n = end - begin, d = layout.n_inputs(), hidden = n_hidden(layout);
  const double* s = ws.seed_value.data() + begin;
  const double* c = ws.seed_grad.data() + static_cast<std::size_t>(begin) * d;
  const auto block = [&](std::vector<double>& m, int width) { return m.data() + static_cast<std::size_t>(begin) * width; };
  for (int p = 0; p < layout.n_params; ++p) gradient[p] = 0.0;

  // The first layer's "s·a + t" is s·x + c; its tangent ż_0 = W_0 c.
  double* input_mix = block(ws.input_mix, d);
  for (int p = 0; p < n; ++p)
    for (int i = 0; i < d; ++i) input_mix[p * d + i] = s[p] * points(begin + p, i) + c[p * d + i];
  blas::gemm(true, false, layout.width[1], n, d, 1.0, params + layout.w_offset[0], d, c, d, 0.0,
             block(ws.tangent[0], layout.width[1]), layout.width[1]);

  for (int h = 0; h < hidden; ++h) {
    const int w = layout.width[h + 1];
    double* t = block(ws.tangent[h], w);
    if (h > 0) {
      const int w_in = layout.width[h];
      blas::gemm(true, false, w, n, w_in, 1.0, params + layout.w_offset[h], w_in, block(ws.tangent[h - 1], w_in),
                 w_in, 0.0, t, w);
    }
    const double* z = block(ws.z[h], w);
    const double* alpha = ws.slopes[h].data();
    if (layout.alpha_offset[h] >= 0) {
      // ∂L/∂α_j = Σ_p [z ≤ 0] adjoint (s z + ż).
      const double* adjoint = block(ws.adjoint[h], w);
      const int offset = layout.alpha_offset[h], stride = layout.alpha_stride[h];
      for (int p = 0; p < n; ++p)
        for (int j = 0; j < w; ++j) {
          const double zj = z[p * w + j];
          if (zj <= 0.0) gradient[offset + stride * j] += adjoint[p * w + j] * (s[p] * zj + t[p * w + j]);
        }
      for (int j = 0; j < (stride == 0 ? 1 : w); ++j)
        gradient[offset + j] *= layout.dalpha_dparameter(params[offset + j]);
    }
    // t_h = D ż_h, then a_h ← s a_h + t_h (the next layer's weight-gradient factor).
    double* a = block(ws.a[h], w);
    for (int p = 0; p < n; ++p) {
      scale_by_slopes(w, z + p * w, alpha, t + p * w, t + p * w);
      const double sp = s[p];
      double* __restrict ap = a + p * w;
      const double* __restrict tp = t + p * w;
      for (int j = 0; j < w; ++j) ap[j] = sp * ap[j] + tp[j];
    }
  }

  // Weight gradients Σ_p δ_h (s a_{h-1} + t_{h-1})ᵀ, written column-major
  // (w_in × w) = row-major (w × w_in) at w_offset; bias gradients δ_h s.
  for (int h = 0; h < hidden; ++h) {
    const int w_in = layout.width[h], w = layout.width[h + 1];
    const double* mix = h == 0 ? input_mix : block(ws.a[h - 1], w_in);
    const double* delta = block(ws.delta[h], w);
    blas::gemm(false, true, w_in, w, n, 1.0, mix, w_in, delta, w, 0.0, gradient + layout.w_offset[h], w_in);
    blas::gemv(false, w, n, 1.0, delta, w, s, 0.0, gradient + layout.b_offset[h]);
  }
  // Output layer: u = w_Lᵀ a + b_L, so ∂L/∂w_L = Σ_p (s a + t), ∂L/∂b_L = Σ_p s.
  const int w_last = layout.width[hidden];
  const double* mix = block(ws.a[hidden - 1], w_last);
  double* g_out = gradient + layout.w_offset[hidden];
  for (int p = 0; p < n; ++p)
    for (int j = 0; j < w_last; ++j) g_out[j] += mix[p * w_last + j];
  double s_sum = 0.0;
  for (int p = 0; p < n; ++p) s_sum += s[p];
  gradient[layout.b_offset[hidden]] = s_sum;
}

int evaluation_threads() { return std::max(1, HostExecSpace().concurrency()); }

void for_each_block_per_thread(int n, const std::function<void(int, int, int)>& f, BlockRange blocks) {
  const int block_points = batched_block_points(n);
  const int n_blocks = blocks.end >= 0 ? blocks.end : (n + block_points - 1) / block_points;
  const int first = blocks.first;
  const int n_threads = evaluation_threads();
  const blas::SingleThreadedScope one_thread_per_block;
  Kokkos::parallel_for("pinn::nn::for_each_block_per_thread", Kokkos::RangePolicy<HostExecSpace>(0, n_threads),
                       [=](const int t) {
                         for (int block = first + t; block < n_blocks; block += n_threads) {
                           const int begin = block * block_points;
                           f(t, begin, std::min(begin + block_points, n));
                         }
                       });
}

void batched_forward_blocks(const Mlp& net, const Matrix& points, std::vector<BatchedWorkspace>& workspaces,
                            const std::function<void(int, const BatchedWorkspace&, int, int)>& visit,
                            BlockRange blocks) {
  const MlpLayout& layout = net.layout();
  const double* params = net.params().data();
  workspaces.resize(evaluation_threads());
  for_each_block_per_thread(
      static_cast<int>(points.extent(0)),
      [&](int t, int begin, int end) {
        BatchedWorkspace& ws = workspaces[t];
        ws.prepare(layout, params, end - begin);
        batched_forward(layout, params, block_rows(points, begin, end), ws, 0, end - begin);
        visit(t, ws, begin, end);
      },
      blocks);
}

double combine_blocks(const Communicator& communicator, const std::vector<int>& share, BatchedBlocks& blocks,
                      int n_params, const Vector& gradient) {
  if (!communicator.distributed())
    return sum_blocks(blocks.partial_loss, blocks.partial_gradient, blocks.n_blocks, n_params, gradient);
  const int rank = communicator.rank();
  if (communicator.sums() == RankSums::reduced) {
    const double loss = sum_blocks(blocks.partial_loss, blocks.partial_gradient, share[rank + 1], n_params, gradient,
                                   share[rank]);
    return sum_over_ranks(communicator, loss, gradient);
  }
  communicator.allgather_items(blocks.partial_gradient.data(), share, n_params);
  communicator.allgather_items(blocks.partial_loss.data(), share, 1);
  return sum_blocks(blocks.partial_loss, blocks.partial_gradient, blocks.n_blocks, n_params, gradient);
}

double sum_over_ranks(const Communicator& communicator, double loss, const Vector& gradient) {
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), gradient);
  std::vector<double> sums(host.data(), host.data() + host.extent(0));
  sums.push_back(loss);
  communicator.sum_to_all(sums.data(), static_cast<int>(sums.size()));
  std::copy(sums.begin(), sums.end() - 1, host.data());
  Kokkos::deep_copy(gradient, host);
  return sums.back();
}

double sum_blocks(const std::vector<double>& partial_loss, const std::vector<double>& partial_gradient, int n_blocks,
                  int n_params, const Vector& gradient, int first) {
  const double* partial = partial_gradient.data();
  Kokkos::parallel_for(
      "pinn::nn::batched_sum_blocks", Kokkos::RangePolicy<HostExecSpace>(0, n_params), [=](const int k) {
        double sum = 0.0;
        for (int b = first; b < n_blocks; ++b) sum += partial[static_cast<std::size_t>(b) * n_params + k];
        gradient(k) = sum;
      });
  double loss = 0.0;
  for (int b = first; b < n_blocks; ++b) loss += partial_loss[b];
  return loss;
}

}  // namespace detail

void batched_evaluate_jets(const Mlp& net, const Matrix& points, JetOrder order,
                           std::vector<BatchedWorkspace>& workspaces, const PointJetView& jets, BlockRange blocks) {
  PINN_REQUIRE((batched_path_supports(net.layout(), order) &&
                Kokkos::SpaceAccessibility<Kokkos::HostSpace, MemSpace>::accessible),
               "batched_evaluate_jets: the network or jet order is not supported, or the memory is not the host's");
  const int d = net.layout().n_inputs();
  const bool gradient = order != JetOrder::value;
  detail::batched_forward_blocks(
      net, points, workspaces,
      [&](int, const BatchedWorkspace& block, int begin, int end) {
        for (int i = begin; i < end; ++i) {
          PointJet jet;
          jet.zero();
          jet.value[0] = block.u[i - begin];
          if (gradient)
            for (int k = 0; k < d; ++k) jet.grad[0][k] = block.grad_u[static_cast<std::size_t>(i - begin) * d + k];
          jets(i) = jet;
        }
      },
      blocks);
}

}  // namespace pinn

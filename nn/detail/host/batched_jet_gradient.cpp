/// @file nn/detail/host/batched_jet_gradient.cpp
/// @brief The matrix products and column-wise activation passes of the
/// batched jet path (batched_jet_gradient.hpp), one block of points per call.
/// Matrices are column-major; block b's columns are [values | tangents |
/// Laplacians] of its nb points, starting at column begin·C.
#include "nn/detail/host/batched_jet_gradient.hpp"

#include "nn/blas.hpp"
#include "nn/detail/jet_kernel.hpp"
#include "nn/error.hpp"

#include <algorithm>

namespace pinn {

namespace {

int n_hidden(const MlpLayout& layout) { return layout.n_layers - 1; }

/// The shape of one block: its first point, size and first column.
struct Block {
  int begin, nb, column;
};

Block block_of(const BatchedJetWorkspace& ws, int begin, int end) {
  return {begin, end - begin, begin * ws.n_components};
}

/// a-jet and activation cache of hidden layer h for a block (the general
/// kernel's MlpJetKernel::activate, column by column).
void activate(const MlpLayout& layout, BatchedJetWorkspace& ws, int h, const Block& blk) {
  const int w = layout.width[h + 1], C = ws.n_components, lap = C - 1;
  const double* alpha = ws.slopes[h].data();
  for (int q = 0; q < blk.nb; ++q) {
    const auto at = [&](std::vector<double>& m, int c) {
      return m.data() + static_cast<std::size_t>(blk.column + c * blk.nb + q) * w;
    };
    double* cache = ws.cache[h].data() + static_cast<std::size_t>(blk.begin + q) * detail::n_cached * w;
    const double* z0 = at(ws.z[h], 0);
    double* a0 = at(ws.a[h], 0);
    for (int j = 0; j < w; ++j) {
      const ActivationValues v = activation_values(layout.activation, z0[j], alpha[j], layout.smoothing);
      detail::store_activation(v, w, j, cache);
      a0[j] = v.f;
    }
    const double* d1 = cache + detail::cached_d1 * w;
    const double* d2 = cache + detail::cached_d2 * w;
    if (ws.track_laplacian) {
      // ä = σ' z̈ + σ'' Σ_k ż_k² (before the tangents are overwritten by ȧ).
      const double* zl = at(ws.z[h], lap);
      double* al = at(ws.a[h], lap);
      for (int j = 0; j < w; ++j) al[j] = d1[j] * zl[j];
      for (int k = 0; k < ws.n_laplacian_dims; ++k) {
        const double* zk = at(ws.z[h], 1 + k);
        for (int j = 0; j < w; ++j) al[j] += d2[j] * zk[j] * zk[j];
      }
    }
    for (int k = 0; k < ws.n_tangents; ++k) {
      const double* zk = at(ws.z[h], 1 + k);
      double* ak = at(ws.a[h], 1 + k);
      for (int j = 0; j < w; ++j) ak[j] = d1[j] * zk[j];
    }
  }
}

/// Through the activation of hidden layer h: the a-jet adjoint (in place)
/// becomes the z-jet adjoint; slope gradients are added to `gradient` (the
/// general kernel's reverse formulas, column by column).
void activation_adjoint(const MlpLayout& layout, const double* params, BatchedJetWorkspace& ws, int h,
                        const Block& blk, double* adjoint, double* gradient) {
  const int w = layout.width[h + 1], C = ws.n_components, lap = C - 1;
  const int alpha_offset = layout.alpha_offset[h], alpha_stride = layout.alpha_stride[h];
  for (int q = 0; q < blk.nb; ++q) {
    const auto z_at = [&](int c) { return ws.z[h].data() + static_cast<std::size_t>(blk.column + c * blk.nb + q) * w; };
    const auto adj_at = [&](int c) { return adjoint + static_cast<std::size_t>(c * blk.nb + q) * w; };
    const double* cache = ws.cache[h].data() + static_cast<std::size_t>(blk.begin + q) * detail::n_cached * w;
    for (int j = 0; j < w; ++j) {
      const double d1 = cache[detail::cached_d1 * w + j], d2 = cache[detail::cached_d2 * w + j];
      const double d3 = cache[detail::cached_d3 * w + j];
      const double a_bar = adj_at(0)[j];
      const double lap_bar = ws.track_laplacian ? adj_at(lap)[j] : 0.0;
      const double z_lap = ws.track_laplacian ? z_at(lap)[j] : 0.0;
      double sq = 0.0, tangent_term = 0.0;
      for (int k = 0; k < ws.n_tangents; ++k) {
        const double zk = z_at(1 + k)[j], tk_bar = adj_at(1 + k)[j];
        if (k < ws.n_laplacian_dims) sq += zk * zk;
        tangent_term += tk_bar * zk;
        adj_at(1 + k)[j] = tk_bar * d1 + (k < ws.n_laplacian_dims ? 2.0 * lap_bar * d2 * zk : 0.0);
      }
      adj_at(0)[j] = a_bar * d1 + tangent_term * d2 + lap_bar * (d2 * z_lap + d3 * sq);
      if (ws.track_laplacian) adj_at(lap)[j] = lap_bar * d1;
      if (alpha_offset >= 0) {
        const double alpha_bar = a_bar * cache[detail::cached_df_dalpha * w + j] +
                                 tangent_term * cache[detail::cached_dd1_dalpha * w + j] +
                                 lap_bar * (cache[detail::cached_dd1_dalpha * w + j] * z_lap +
                                            cache[detail::cached_dd2_dalpha * w + j] * sq);
        const int index = alpha_offset + alpha_stride * j;
        gradient[index] += alpha_bar * layout.dalpha_dparameter(params[index]);
      }
    }
  }
}

/// Adds b to the value columns of a (width × C·nb) block.
void add_bias(int w, const double* b, double* values, int nb) {
  for (int q = 0; q < nb; ++q)
    for (int j = 0; j < w; ++j) values[static_cast<std::size_t>(q) * w + j] += b[j];
}

/// ∂L/∂b = Σ of the value columns of a (width × C·nb) adjoint block.
void add_bias_gradient(int w, const double* values, int nb, double* gb) {
  for (int q = 0; q < nb; ++q)
    for (int j = 0; j < w; ++j) gb[j] += values[static_cast<std::size_t>(q) * w + j];
}

}  // namespace

bool batched_jet_path_supports(const MlpLayout& layout) { return layout.n_layers >= 2; }

void BatchedJetWorkspace::prepare(const MlpLayout& layout, const double* params, int points, JetOrder order,
                                  int n_lap) {
  prepare_blocks(layout, params, points);
  const int hidden = n_hidden(layout);
  n_tangents = order == JetOrder::value ? 0 : layout.n_inputs();
  track_laplacian = order == JetOrder::laplacian;
  n_laplacian_dims = n_lap < 0 ? layout.n_inputs() : std::min(n_lap, layout.n_inputs());
  n_components = 1 + n_tangents + (track_laplacian ? 1 : 0);
  const std::size_t columns = static_cast<std::size_t>(n_components) * points;
  for (auto* set : {&z, &a, &cache}) set->resize(hidden);
  for (int h = 0; h < hidden; ++h) {
    const std::size_t width = layout.width[h + 1];
    detail::fit_buffer(z[h], width * columns);
    detail::fit_buffer(a[h], width * columns);
    detail::fit_buffer(cache[h], detail::n_cached * width * points);
  }
  for (auto* buffer : {&output, &output_adjoint}) detail::fit_buffer(*buffer, layout.n_outputs() * columns);
  for (auto* buffer : {&adjoint, &adjoint_in}) detail::fit_buffer(*buffer, layout.max_width * columns);
}

namespace detail {

void batched_jet_forward(const MlpLayout& layout, const double* params, const Matrix& points,
                         BatchedJetWorkspace& ws, int begin, int end) {
  const Block blk = block_of(ws, begin, end);
  const int d = layout.n_inputs(), hidden = n_hidden(layout), C = ws.n_components, N = C * blk.nb;
  // First layer: the input jet is (x, e_k, 0), so the tangents are W_0's columns.
  {
    const int w = layout.width[1];
    const double* W = params + layout.w_offset[0];
    const double* b = params + layout.b_offset[0];
    for (int q = 0; q < blk.nb; ++q) {
      const auto at = [&](int c) { return ws.z[0].data() + static_cast<std::size_t>(blk.column + c * blk.nb + q) * w; };
      double* z0 = at(0);
      for (int j = 0; j < w; ++j) z0[j] = b[j];
      for (int i = 0; i < d; ++i) {
        const double x = points(begin + q, i);
        for (int j = 0; j < w; ++j) z0[j] += W[j * d + i] * x;
      }
      for (int k = 0; k < ws.n_tangents; ++k)
        for (int j = 0; j < w; ++j) at(1 + k)[j] = W[j * d + k];
      if (ws.track_laplacian)
        for (int j = 0; j < w; ++j) at(C - 1)[j] = 0.0;
    }
    activate(layout, ws, 0, blk);
  }
  const auto block_at = [&](std::vector<double>& m, int width) {
    return m.data() + static_cast<std::size_t>(blk.column) * width;
  };
  for (int h = 1; h < hidden; ++h) {
    const int w_in = layout.width[h], w = layout.width[h + 1];
    // W_h row-major (w × w_in) is column-major (w_in × w): Z = op(W)ᵀ A.
    blas::gemm(true, false, w, N, w_in, 1.0, params + layout.w_offset[h], w_in, block_at(ws.a[h - 1], w_in), w_in, 0.0,
               block_at(ws.z[h], w), w);
    add_bias(w, params + layout.b_offset[h], block_at(ws.z[h], w), blk.nb);
    activate(layout, ws, h, blk);
  }
  const int w_last = layout.width[hidden], n_out = layout.n_outputs();
  blas::gemm(true, false, n_out, N, w_last, 1.0, params + layout.w_offset[hidden], w_last,
             block_at(ws.a[hidden - 1], w_last), w_last, 0.0, block_at(ws.output, n_out), n_out);
  add_bias(n_out, params + layout.b_offset[hidden], block_at(ws.output, n_out), blk.nb);
}

void batched_jet_backward(const MlpLayout& layout, const double* params, const Matrix& points,
                          BatchedJetWorkspace& ws, int begin, int end, double* gradient) {
  const Block blk = block_of(ws, begin, end);
  const int d = layout.n_inputs(), hidden = n_hidden(layout), C = ws.n_components, N = C * blk.nb;
  for (int p = 0; p < layout.n_params; ++p) gradient[p] = 0.0;
  const auto block_at = [&](std::vector<double>& m, int width) {
    return m.data() + static_cast<std::size_t>(blk.column) * width;
  };
  // Both adjoint buffers are used at this block's columns only.
  double* adj = ws.adjoint.data() + static_cast<std::size_t>(blk.column) * layout.max_width;
  double* adj_in = ws.adjoint_in.data() + static_cast<std::size_t>(blk.column) * layout.max_width;

  // Output layer: ∂L/∂W_L = adjᵀ-products with the last a-jet, Ā = W_Lᵀ adj.
  const int w_last = layout.width[hidden], n_out = layout.n_outputs();
  const double* out_adj = block_at(ws.output_adjoint, n_out);
  blas::gemm(false, true, w_last, n_out, N, 1.0, block_at(ws.a[hidden - 1], w_last), w_last, out_adj, n_out, 0.0,
             gradient + layout.w_offset[hidden], w_last);
  add_bias_gradient(n_out, out_adj, blk.nb, gradient + layout.b_offset[hidden]);
  blas::gemm(false, false, w_last, N, n_out, 1.0, params + layout.w_offset[hidden], w_last, out_adj, n_out, 0.0, adj,
             w_last);
  for (int h = hidden - 1; h >= 0; --h) {
    const int w_in = layout.width[h], w = layout.width[h + 1];
    activation_adjoint(layout, params, ws, h, blk, adj, gradient);
    add_bias_gradient(w, adj, blk.nb, gradient + layout.b_offset[h]);
    if (h == 0) {
      // ∂L/∂W_0[j, i] = Σ_q z̄_value x_i + z̄_{tangent i}.
      double* gW = gradient + layout.w_offset[0];
      for (int q = 0; q < blk.nb; ++q) {
        const double* zbar = adj + static_cast<std::size_t>(q) * w;
        for (int i = 0; i < d; ++i) {
          const double x = points(begin + q, i);
          for (int j = 0; j < w; ++j) gW[j * d + i] += zbar[j] * x;
        }
      }
      for (int k = 0; k < ws.n_tangents; ++k) {
        for (int q = 0; q < blk.nb; ++q) {
          const double* zbar = adj + static_cast<std::size_t>((1 + k) * blk.nb + q) * w;
          for (int j = 0; j < w; ++j) gW[j * d + k] += zbar[j];
        }
      }
      break;
    }
    blas::gemm(false, true, w_in, w, N, 1.0, block_at(ws.a[h - 1], w_in), w_in, adj, w, 1.0,
               gradient + layout.w_offset[h], w_in);
    blas::gemm(false, false, w_in, N, w, 1.0, params + layout.w_offset[h], w_in, adj, w, 0.0, adj_in, w_in);
    std::swap(adj, adj_in);
  }
}

}  // namespace detail

void batched_jet_evaluate_jets(const Mlp& net, const Matrix& points, JetOrder order, int n_laplacian_dims,
                               std::vector<BatchedJetWorkspace>& workspaces, const PointJetView& jets,
                               BlockRange blocks) {
  const int n_out = net.layout().n_outputs();
  detail::batched_jet_forward_blocks(
      net, points, order, n_laplacian_dims, workspaces, [&](int, const BatchedJetWorkspace& ws, int begin, int end) {
        const int nb = end - begin;
        const auto out = [&](int c, int q, int o) { return ws.output[static_cast<std::size_t>(c * nb + q) * n_out + o]; };
        for (int q = 0; q < nb; ++q) {
          PointJet jet;
          jet.zero();
          for (int o = 0; o < n_out; ++o) {
            jet.value[o] = out(0, q, o);
            for (int k = 0; k < ws.n_tangents; ++k) jet.grad[o][k] = out(1 + k, q, o);
            if (ws.track_laplacian) jet.lap[o] = out(ws.n_components - 1, q, o);
          }
          jets(begin + q) = jet;
        }
      },
      blocks);
}

namespace detail {

void batched_jet_forward_blocks(const Mlp& net, const Matrix& points, JetOrder order, int n_laplacian_dims,
                                std::vector<BatchedJetWorkspace>& workspaces,
                                const std::function<void(int, const BatchedJetWorkspace&, int, int)>& visit,
                                BlockRange blocks) {
  const MlpLayout& layout = net.layout();
  PINN_REQUIRE((batched_jet_path_supports(layout) && Kokkos::SpaceAccessibility<Kokkos::HostSpace, MemSpace>::accessible),
               "batched jet path: it needs a network with a hidden layer, on host memory (this build's memory space: "
                   << MemSpace::name() << ")");
  const double* params = net.params().data();
  workspaces.resize(evaluation_threads());
  for_each_block_per_thread(
      static_cast<int>(points.extent(0)),
      [&](int t, int begin, int end) {
        BatchedJetWorkspace& ws = workspaces[t];
        ws.prepare(layout, params, end - begin, order, n_laplacian_dims);
        batched_jet_forward(layout, params, block_rows(points, begin, end), ws, 0, end - begin);
        visit(t, ws, begin, end);
      },
      blocks);
}

}  // namespace detail

}  // namespace pinn

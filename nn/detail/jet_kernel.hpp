/// @file nn/detail/jet_kernel.hpp
/// @brief Per-point forward jet (u, ∇u, Δu) through the MLP and its reverse pass
/// (parameter gradient of any scalar built from the jet), for any layer widths.
///
/// Forward, for each hidden layer with pre-activation z = W a + b:
///   ż_k = W ȧ_k,  z̈ = W ä,  a = σ(z),  ȧ_k = σ'(z) ż_k,  ä = σ'(z) z̈ + σ''(z) Σ_k ż_k²
/// (the Laplacian sum runs over the first n_laplacian_dims inputs, so (x, t)
/// inputs get the spatial Laplacian). The reverse pass differentiates exactly
/// these formulas, which is why σ''' appears. Slopes stored as a with
/// α = sigmoid(a) (AlphaConstraint::unit_interval) are mapped in alpha_of(),
/// and their gradient is ∂L/∂α · σ'(a).
///
/// The forward pass keeps, per hidden layer, the z-jet, the a-jet and the
/// activation derivatives (σ', σ'', σ''' and the α-derivatives) in the point
/// workspace, so the reverse pass evaluates no activation function: σ is
/// evaluated once per neuron and point. Every sum is formed in the same order
/// as in a textbook loop over the inputs of a neuron, so the results do not
/// depend on whether the weights are read row by row or from their transpose
/// (see transpose_weights), nor on which kernel (this one or the fused ones in
/// fused_jet_kernel.hpp) evaluates a point.
#pragma once

#include "nn/mlp.hpp"
#include "nn/point_jet.hpp"

namespace pinn::detail {

/// Observer of the reverse pass that does nothing (the default). An observer
/// is called once per hidden neuron and point as
///   observer(hidden_layer, neuron, z, a_bar, z_bar, alpha_bar)
/// with z the pre-activation value, a_bar = ∂L/∂a (a = σ(z), value component),
/// z_bar = δ = ∂L/∂z (value component) and alpha_bar the point's ∂L/∂α for the
/// neuron's slope (with respect to α itself, before any reparametrisation;
/// 0 unless the slope is learnable). Diagnostics use it.
struct NoBackwardObserver {
  KOKKOS_INLINE_FUNCTION void operator()(int, int, double, double, double, double) const {}
};

/// Activation derivatives kept per hidden neuron between the forward and the
/// reverse pass (the value σ(z) itself is the a-jet's value component).
enum CachedActivation { cached_d1 = 0, cached_d2, cached_d3, cached_df_dalpha, cached_dd1_dalpha, cached_dd2_dalpha, n_cached };

/// Writes the derivatives of `v` into a cache block of width w (layout
/// [n_cached][w], structure of arrays so the reverse pass reads them with
/// unit stride).
KOKKOS_INLINE_FUNCTION void store_activation(const ActivationValues& v, int w, int j, double* cache) {
  cache[cached_d1 * w + j] = v.d1;
  cache[cached_d2 * w + j] = v.d2;
  cache[cached_d3 * w + j] = v.d3;
  cache[cached_df_dalpha * w + j] = v.df_dalpha;
  cache[cached_dd1_dalpha * w + j] = v.dd1_dalpha;
  cache[cached_dd2_dalpha * w + j] = v.dd2_dalpha;
}

/// Evaluates the jet of one point with caller-provided workspace. A plain
/// struct copied into kernels; all members are read-only there.
///
/// Workspace of one point (doubles): for every hidden layer l of width w_l,
/// [z-jet: nc·w_l][a-jet: nc·w_l][activation cache: n_cached·w_l], then two
/// scratch blocks of nc·max_width (the output jet and the adjoints), with
/// nc = n_components(), then 2 doubles per hidden neuron that only the fused
/// kernels use (their per-chunk slope cache), so that both kinds of kernel
/// share one workspace size.
struct MlpJetKernel {
  MlpLayout layout;
  ConstVector params;
  /// Optional: the weights with every W_l stored transposed at its offset
  /// (transpose_weights). When set, the forward pass reads W_lᵀ so that its
  /// inner loops run over output neurons with unit stride (vectorised); the
  /// sums are the same, term by term. Empty: W_l is read row by row.
  ConstVector weights_t;
  int n_tangents = 0;         ///< input derivatives tracked (0 for JetOrder::value)
  bool track_laplacian = false;
  int n_laplacian_dims = 0;

  MlpJetKernel(const MlpLayout& l, const ConstVector& p, JetOrder order, int n_lap)
      : layout(l), params(p) {
    n_tangents = order == JetOrder::value ? 0 : l.width[0];
    track_laplacian = order == JetOrder::laplacian;
    n_laplacian_dims = n_lap < 0 ? l.width[0] : n_lap;
  }

  /// Components per neuron in the workspace: value, d tangents, Laplacian.
  KOKKOS_INLINE_FUNCTION int n_components() const { return 2 + layout.width[0]; }

  /// Doubles of workspace per hidden neuron (z-jet, a-jet, activation cache).
  KOKKOS_INLINE_FUNCTION int per_neuron() const { return 2 * n_components() + n_cached; }

  /// Doubles of workspace one point needs.
  KOKKOS_INLINE_FUNCTION int workspace_size() const {
    int hidden = 0;
    for (int l = 0; l + 1 < layout.n_layers; ++l) hidden += layout.width[l + 1];
    return per_neuron() * hidden + 2 * n_components() * layout.max_width + 2 * hidden;
  }

  KOKKOS_INLINE_FUNCTION int hidden_block_offset(int l) const {
    int offset = 0;
    for (int h = 0; h < l; ++h) offset += layout.width[h + 1];
    return per_neuron() * offset;
  }

  KOKKOS_INLINE_FUNCTION double alpha_of(int l, int j) const {
    if (layout.alpha_offset[l] < 0) return layout.fixed_alpha;
    return layout.alpha_from_parameter(params(layout.alpha_offset[l] + layout.alpha_stride[l] * j));
  }

  /// z-jet, a-jet and activation cache of hidden layer l.
  KOKKOS_INLINE_FUNCTION double* z_block(double* ws, int l) const { return ws + hidden_block_offset(l); }
  KOKKOS_INLINE_FUNCTION double* a_block(double* ws, int l) const {
    return z_block(ws, l) + n_components() * layout.width[l + 1];
  }
  KOKKOS_INLINE_FUNCTION double* cache_block(double* ws, int l) const {
    return z_block(ws, l) + 2 * n_components() * layout.width[l + 1];
  }
  KOKKOS_INLINE_FUNCTION double* scratch(double* ws, int which) const {
    return ws + hidden_block_offset(layout.n_layers - 1) + which * n_components() * layout.max_width;
  }

  /// a-jet and activation cache of hidden layer l from its stored z-jet.
  KOKKOS_INLINE_FUNCTION void activate(int l, const double* z_jet, double* a_jet, double* cache) const {
    const int w = layout.width[l + 1];
    const int lap = n_components() - 1;
    for (int j = 0; j < w; ++j) {
      const ActivationValues v = activation_values(layout.activation, z_jet[j], alpha_of(l, j), layout.smoothing);
      store_activation(v, w, j, cache);
      a_jet[j] = v.f;
      double q = 0.0;
      for (int k = 0; k < n_tangents; ++k) {
        const double zk = z_jet[(1 + k) * w + j];
        a_jet[(1 + k) * w + j] = v.d1 * zk;
        if (k < n_laplacian_dims) q += zk * zk;
      }
      if (track_laplacian) a_jet[lap * w + j] = v.d1 * z_jet[lap * w + j] + v.d2 * q;
    }
  }

  /// out_c = W_l in_c (+ b_l for the value) for the tracked components, where
  /// `in` is the a-jet of the previous layer (stride w_in per component).
  KOKKOS_INLINE_FUNCTION void linear(int l, const double* in, double* out) const {
    const int w_in = layout.width[l], w_out = layout.width[l + 1];
    const int lap = n_components() - 1;
    const double* b = params.data() + layout.b_offset[l];
    if (weights_t.data() != nullptr) {
      // out_c[j] = (b_j or 0) + Σ_i W_ji in_c[i], i ascending, vectorised over j.
      const double* Wt = weights_t.data() + layout.w_offset[l];
      const auto component = [&](const double* in_c, double* out_c, bool with_bias) {
        for (int j = 0; j < w_out; ++j) out_c[j] = with_bias ? b[j] : 0.0;
        for (int i = 0; i < w_in; ++i) {
          const double v = in_c[i];
          const double* col = Wt + i * w_out;
          for (int j = 0; j < w_out; ++j) out_c[j] += col[j] * v;
        }
      };
      component(in, out, true);
      for (int k = 0; k < n_tangents; ++k) component(in + (1 + k) * w_in, out + (1 + k) * w_out, false);
      if (track_laplacian) component(in + lap * w_in, out + lap * w_out, false);
      return;
    }
    const double* W = params.data() + layout.w_offset[l];
    for (int j = 0; j < w_out; ++j) {
      const double* row = W + j * w_in;
      double acc = b[j];
      for (int i = 0; i < w_in; ++i) acc += row[i] * in[i];
      out[j] = acc;
      for (int k = 0; k < n_tangents; ++k) {
        double t = 0.0;
        for (int i = 0; i < w_in; ++i) t += row[i] * in[(1 + k) * w_in + i];
        out[(1 + k) * w_out + j] = t;
      }
      if (track_laplacian) {
        double t = 0.0;
        for (int i = 0; i < w_in; ++i) t += row[i] * in[lap * w_in + i];
        out[lap * w_out + j] = t;
      }
    }
  }

  /// First layer: the input jet is (x, e_k, 0), so the tangents are W's columns.
  KOKKOS_INLINE_FUNCTION void first_linear(const double* x, double* out) const {
    const int w_in = layout.width[0], w_out = layout.width[1];
    const int lap = n_components() - 1;
    const double* W = params.data() + layout.w_offset[0];
    const double* b = params.data() + layout.b_offset[0];
    for (int j = 0; j < w_out; ++j) {
      double acc = b[j];
      for (int i = 0; i < w_in; ++i) acc += W[j * w_in + i] * x[i];
      out[j] = acc;
      for (int k = 0; k < n_tangents; ++k) out[(1 + k) * w_out + j] = W[j * w_in + k];
      if (track_laplacian) out[lap * w_out + j] = 0.0;
    }
  }

  /// Forward pass: fills the workspace (needed by backward) and the jet.
  KOKKOS_INLINE_FUNCTION void forward(const double* x, double* ws, PointJet& jet) const {
    const int L = layout.n_layers;
    const int n_out = layout.width[L];
    const int lap = n_components() - 1;
    double* out = scratch(ws, 0);
    if (L == 1) {
      first_linear(x, out);
    } else {
      first_linear(x, z_block(ws, 0));
      for (int l = 1; l < L; ++l) {
        double* a_jet = a_block(ws, l - 1);
        activate(l - 1, z_block(ws, l - 1), a_jet, cache_block(ws, l - 1));
        linear(l, a_jet, l + 1 < L ? z_block(ws, l) : out);
      }
    }
    for (int o = 0; o < n_out; ++o) {
      jet.value[o] = out[o];
      for (int k = 0; k < kMaxInputs; ++k) jet.grad[o][k] = k < n_tangents ? out[(1 + k) * n_out + o] : 0.0;
      jet.lap[o] = track_laplacian ? out[lap * n_out + o] : 0.0;
    }
  }

  /// Reverse pass after forward() on the same point and workspace: adds
  /// ∂L/∂θ to grad[0..n_params) given the seeds ∂L/∂(jet).
  KOKKOS_INLINE_FUNCTION void backward(const double* x, double* ws, const PointJet& seed, double* grad) const {
    backward(x, ws, seed, grad, NoBackwardObserver{});
  }

  /// The same, reporting every hidden neuron's adjoints to `observer`
  /// (see NoBackwardObserver). backward() leaves the workspace's stored
  /// jets and activation cache intact, so several reverse passes may follow
  /// one forward().
  template <class Observer>
  KOKKOS_INLINE_FUNCTION void backward(const double* x, double* ws, const PointJet& seed, double* grad,
                                       const Observer& observer) const {
    const int L = layout.n_layers;
    const int nc = n_components();
    const int lap = nc - 1;
    double* adj = scratch(ws, 0);       // adjoint of the current layer's output jet
    double* adj_in = scratch(ws, 1);    // adjoint of its input a-jet
    const int n_out = layout.width[L];
    for (int o = 0; o < n_out; ++o) {
      adj[o] = seed.value[o];
      for (int k = 0; k < n_tangents; ++k) adj[(1 + k) * n_out + o] = seed.grad[o][k];
      if (track_laplacian) adj[lap * n_out + o] = seed.lap[o];
    }
    for (int l = L - 1; l >= 0; --l) {
      const int w_in = layout.width[l], w_out = layout.width[l + 1];
      const double* W = params.data() + layout.w_offset[l];
      double* gW = grad + layout.w_offset[l];
      double* gb = grad + layout.b_offset[l];
      if (l == 0) {
        for (int j = 0; j < w_out; ++j) {
          gb[j] += adj[j];
          for (int i = 0; i < w_in; ++i) {
            double g = adj[j] * x[i];
            if (i < n_tangents) g += adj[(1 + i) * w_out + j];
            gW[j * w_in + i] += g;
          }
        }
        break;
      }
      const double* a_jet = a_block(ws, l - 1);
      for (int j = 0; j < w_out; ++j) {
        gb[j] += adj[j];
        const double a0 = adj[j];
        double* grow = gW + j * w_in;
        for (int i = 0; i < w_in; ++i) grow[i] += a0 * a_jet[i];
        for (int k = 0; k < n_tangents; ++k) {
          const double ak = adj[(1 + k) * w_out + j];
          for (int i = 0; i < w_in; ++i) grow[i] += ak * a_jet[(1 + k) * w_in + i];
        }
        if (track_laplacian) {
          const double al = adj[lap * w_out + j];
          for (int i = 0; i < w_in; ++i) grow[i] += al * a_jet[lap * w_in + i];
        }
      }
      // Adjoint of the input a-jet: W^T adj, component by component.
      for (int i = 0; i < (1 + n_tangents) * w_in; ++i) adj_in[i] = 0.0;
      if (track_laplacian)
        for (int i = 0; i < w_in; ++i) adj_in[lap * w_in + i] = 0.0;
      for (int j = 0; j < w_out; ++j) {
        const double* row = W + j * w_in;
        const double a0 = adj[j];
        for (int i = 0; i < w_in; ++i) adj_in[i] += row[i] * a0;
        for (int k = 0; k < n_tangents; ++k) {
          const double ak = adj[(1 + k) * w_out + j];
          for (int i = 0; i < w_in; ++i) adj_in[(1 + k) * w_in + i] += row[i] * ak;
        }
        if (track_laplacian) {
          const double al = adj[lap * w_out + j];
          for (int i = 0; i < w_in; ++i) adj_in[lap * w_in + i] += row[i] * al;
        }
      }
      // Through the activation of hidden layer l-1: a-jet adjoint -> z-jet adjoint.
      const double* z_jet = z_block(ws, l - 1);
      const double* cache = cache_block(ws, l - 1);
      const int w = w_in;
      for (int j = 0; j < w; ++j) {
        const double d1 = cache[cached_d1 * w + j], d2 = cache[cached_d2 * w + j], d3 = cache[cached_d3 * w + j];
        const double df_dalpha = cache[cached_df_dalpha * w + j];
        const double dd1_dalpha = cache[cached_dd1_dalpha * w + j];
        const double dd2_dalpha = cache[cached_dd2_dalpha * w + j];
        const double a_bar = adj_in[j];
        const double lap_bar = track_laplacian ? adj_in[lap * w + j] : 0.0;
        const double z_lap = track_laplacian ? z_jet[lap * w + j] : 0.0;
        double q = 0.0, tangent_term = 0.0, tangent_alpha = 0.0;
        for (int k = 0; k < n_tangents; ++k) {
          const double zk = z_jet[(1 + k) * w + j];
          const double tk_bar = adj_in[(1 + k) * w + j];
          if (k < n_laplacian_dims) q += zk * zk;
          tangent_term += tk_bar * zk;
          adj[(1 + k) * w + j] = tk_bar * d1 + (k < n_laplacian_dims ? 2.0 * lap_bar * d2 * zk : 0.0);
        }
        tangent_alpha = tangent_term * dd1_dalpha;
        adj[j] = a_bar * d1 + tangent_term * d2 + lap_bar * (d2 * z_lap + d3 * q);
        if (track_laplacian) adj[lap * w + j] = lap_bar * d1;
        const double alpha_bar = a_bar * df_dalpha + tangent_alpha + lap_bar * (dd1_dalpha * z_lap + dd2_dalpha * q);
        const int ao = layout.alpha_offset[l - 1];
        if (ao >= 0) {
          const int index = ao + layout.alpha_stride[l - 1] * j;
          grad[index] += alpha_bar * layout.dalpha_dparameter(params(index));
        }
        observer(l - 1, j, z_jet[j], a_bar, adj[j], alpha_bar);
      }
    }
  }
};

/// Writes every W_l of `params` transposed (width[l] x width[l+1], row-major)
/// at its own offset w_offset[l] of `weights_t` (size n_params); the other
/// entries are left alone. For MlpJetKernel::weights_t.
void transpose_weights(const ExecSpace& space, const MlpLayout& layout, const ConstVector& params,
                       const Vector& weights_t);

}  // namespace pinn::detail

/// @file nn/detail/fused_jet_kernel.hpp
/// @brief The per-point jet and reverse pass of MlpJetKernel, specialised at
/// compile time for one uniform hidden width (16, 32, 64, 128) and one
/// activation family, so the matrix–vector products run in fixed-size
/// register blocks that the compiler vectorises.
///
/// Families (FusedActivation): fixed-slope piecewise-linear (ReLU, LeakyReLU:
/// selects, no branches), PReLU (learned slopes, cached per chunk) and smooth
/// (tanh, softplus, sin: one activation_values() call per neuron, whose switch
/// costs little next to σ itself). Instantiating per family rather than per
/// activation keeps 12 kernels instead of 24 in every translation unit that
/// calls loss_and_gradient.
///
/// Same mathematics, same workspace layout and the same order of every
/// floating-point operation as MlpJetKernel (jet_kernel.hpp): a point gives
/// bitwise the same jet and gradient on either kernel (tests/nn/test_fused_kernel.cpp
/// checks them against each other). What changes is only which sums are formed
/// side by side:
///   - forward  z_c[j] = b_j + Σ_i W_ji a_c[i]: i ascending for each j, with
///     Wᵀ (transpose_weights) so that B consecutive j are one vector;
///   - reverse  ā_c[i] = Σ_j W_ji z̄_c[j]: j ascending for each i, B
///     consecutive i per vector; ∂W_ji += Σ_c z̄_c[j] a_c[i] likewise;
///   - the activation and its adjoint elementwise over the layer (stack arrays
///     of the layer width), component loops outside.
/// The output layer (width → n_outputs, one short dot product per output and
/// component) keeps its sequential sums; its components run side by side.
#pragma once

#include "nn/detail/jet_kernel.hpp"

#include <type_traits>

namespace pinn::detail {

/// Hidden widths with a fused kernel, ascending.
inline constexpr int kFusedWidths[] = {16, 32, 64, 128};

/// Whether `w` is one of kFusedWidths (a function, not a loop over the
/// array, because device code cannot read a host global).
KOKKOS_INLINE_FUNCTION constexpr bool has_fused_width(int w) { return w == 16 || w == 32 || w == 64 || w == 128; }
static_assert(has_fused_width(kFusedWidths[0]) && has_fused_width(kFusedWidths[1]) &&
                  has_fused_width(kFusedWidths[2]) && has_fused_width(kFusedWidths[3]),
              "has_fused_width and kFusedWidths must list the same widths");

/// What a fused kernel is compiled for: the activation's family.
enum class FusedActivation { piecewise_linear, prelu, smooth };

/// A smoothed ReLU/LeakyReLU (layout.smoothing > 0) is a smooth activation
/// with a fixed slope; a smoothed PReLU runs the general kernel (fused_width).
inline FusedActivation fused_activation(const MlpLayout& layout) {
  if (layout.smoothing > 0.0) return FusedActivation::smooth;
  if (layout.activation == Activation::prelu) return FusedActivation::prelu;
  return is_piecewise_linear(layout.activation) ? FusedActivation::piecewise_linear : FusedActivation::smooth;
}

/// Width of the fused kernel that evaluates a network of this layout: its
/// hidden layers all have the same width, one of kFusedWidths; 0 otherwise
/// (no hidden layer, mixed widths, another width).
KOKKOS_INLINE_FUNCTION int fused_width(const MlpLayout& layout) {
  if (layout.n_layers < 2) return 0;
  // The fused PReLU kernel hard-codes the exact activation (its learned slopes need ∂f''/∂α when smoothed).
  if (layout.smoothing > 0.0 && layout.activation == Activation::prelu) return 0;
  const int w = layout.width[1];
  for (int l = 2; l < layout.n_layers; ++l)
    if (layout.width[l] != w) return 0;
  return has_fused_width(w) ? w : 0;
}

/// Doubles in one SIMD register of the target the host compiler builds for
/// (a tuning constant only: it sets the register-block size, never the
/// arithmetic).
#if defined(__AVX512F__)
inline constexpr int kSimdDoubles = 8;
#elif defined(__AVX__)
inline constexpr int kSimdDoubles = 4;
#else
inline constexpr int kSimdDoubles = 2;
#endif

template <int Width, FusedActivation Family>
struct FusedJetKernel {
  static_assert(Width % 8 == 0, "the fused kernel's register blocks need a width divisible by 8");
  /// Outputs (rows of W) summed side by side in one register block: eight
  /// SIMD registers of accumulators (16 doubles with SSE2, 64 with AVX-512),
  /// enough independent sums to hide the add latency.
  static constexpr int kBlock = Width < 8 * kSimdDoubles ? Width : 8 * kSimdDoubles;

  MlpJetKernel general;  ///< layout, parameters, jet order; also the workspace layout

  explicit FusedJetKernel(const MlpJetKernel& g) : general(g) {}

  KOKKOS_INLINE_FUNCTION int n_components() const { return general.n_components(); }
  /// Components that are carried: the value, the tangents, the Laplacian
  /// (contiguous: the Laplacian sits right after the d tangents when tracked).
  KOKKOS_INLINE_FUNCTION int n_used() const { return 1 + general.n_tangents + (general.track_laplacian ? 1 : 0); }
  KOKKOS_INLINE_FUNCTION int per_neuron() const { return general.per_neuron(); }
  template <class T>
  KOKKOS_INLINE_FUNCTION T* z_block(T* ws, int l) const { return ws + per_neuron() * Width * l; }
  template <class T>
  KOKKOS_INLINE_FUNCTION T* a_block(T* ws, int l) const { return z_block(ws, l) + n_components() * Width; }
  template <class T>
  KOKKOS_INLINE_FUNCTION T* cache_block(T* ws, int l) const { return z_block(ws, l) + 2 * n_components() * Width; }
  template <class T>
  KOKKOS_INLINE_FUNCTION T* scratch(T* ws, int which) const {
    return z_block(ws, general.layout.n_layers - 1) + which * n_components() * Width;
  }
  /// Per chunk: α and dα/d(stored) of every hidden neuron of a PReLU network
  /// (the general kernel's slope-cache area).
  template <class T>
  KOKKOS_INLINE_FUNCTION T* alpha_block(T* ws, int l) const { return scratch(ws, 2) + 2 * Width * l; }

  /// Doubles of workspace one chunk needs: the same as the general kernel.
  KOKKOS_INLINE_FUNCTION int workspace_size() const { return general.workspace_size(); }

  /// Once per chunk, before its points: the slopes of a PReLU network (each
  /// from alpha_from_parameter, as the general kernel evaluates it per point).
  KOKKOS_INLINE_FUNCTION void prepare(double* ws) const {
    if constexpr (Family == FusedActivation::prelu) {
      const MlpLayout& layout = general.layout;
      for (int l = 0; l + 1 < layout.n_layers; ++l) {
        double* alpha = alpha_block(ws, l);
        const int ao = layout.alpha_offset[l];
        for (int j = 0; j < Width; ++j) {
          alpha[j] = general.alpha_of(l, j);
          alpha[Width + j] = ao >= 0 ? layout.dalpha_dparameter(general.params(ao + layout.alpha_stride[l] * j)) : 0.0;
        }
      }
    }
  }

  KOKKOS_INLINE_FUNCTION double alpha(const double* ws, int l, int j) const {
    if constexpr (Family == FusedActivation::prelu) {
      return alpha_block(ws, l)[j];
    } else {
      (void)ws, (void)l, (void)j;
      return general.layout.fixed_alpha;
    }
  }

  // --- forward ----------------------------------------------------------------

  KOKKOS_INLINE_FUNCTION void first_linear(const double* x, double* out) const {
    const MlpLayout& layout = general.layout;
    const int d = layout.width[0];
    const double* W = general.params.data() + layout.w_offset[0];
    const double* b = general.params.data() + layout.b_offset[0];
    for (int j = 0; j < Width; ++j) {
      double acc = b[j];
      for (int i = 0; i < d; ++i) acc += W[j * d + i] * x[i];
      out[j] = acc;
    }
    for (int k = 0; k < general.n_tangents; ++k)
      for (int j = 0; j < Width; ++j) out[(1 + k) * Width + j] = W[j * d + k];
    if (general.track_laplacian)
      for (int j = 0; j < Width; ++j) out[(1 + general.n_tangents) * Width + j] = 0.0;
  }

  static constexpr bool kPiecewiseLinear =
      Family == FusedActivation::piecewise_linear || Family == FusedActivation::prelu;
  /// σ'' and σ''' from the cache; literal zeros for piecewise-linear activations.
  KOKKOS_INLINE_FUNCTION static double d2(const double* cache, int j) {
    if constexpr (kPiecewiseLinear) {
      (void)cache, (void)j;
      return 0.0;
    } else {
      return cache[cached_d2 * Width + j];
    }
  }
  KOKKOS_INLINE_FUNCTION static double d3(const double* cache, int j) {
    if constexpr (kPiecewiseLinear) {
      (void)cache, (void)j;
      return 0.0;
    } else {
      return cache[cached_d3 * Width + j];
    }
  }

  /// (P)LeakyReLU/ReLU of one layer as selects (the separate, non-aliasing
  /// arrays let the compiler vectorise them): f, σ' and, for PReLU, ∂σ/∂α and
  /// ∂σ'/∂α, exactly the values of activation_values().
  KOKKOS_INLINE_FUNCTION static void piecewise_linear(const double* KOKKOS_RESTRICT z,
                                                      const double* KOKKOS_RESTRICT alpha, double fixed,
                                                      double* KOKKOS_RESTRICT f, double* KOKKOS_RESTRICT d1,
                                                      double* KOKKOS_RESTRICT df_dalpha,
                                                      double* KOKKOS_RESTRICT dd1_dalpha) {
    for (int j = 0; j < Width; ++j) {
      const double zj = z[j];
      const double al = Family == FusedActivation::prelu ? alpha[j] : fixed;
      const bool positive = zj > 0.0;  // z = 0 takes the left branch, as in activation_values()
      f[j] = positive ? zj : al * zj;
      d1[j] = positive ? 1.0 : al;
      if constexpr (Family == FusedActivation::prelu) {
        df_dalpha[j] = positive ? 0.0 : zj;
        dd1_dalpha[j] = positive ? 0.0 : 1.0;
      }
    }
  }

  /// a-jet and activation cache of hidden layer l from its z-jet. For the
  /// piecewise-linear activations the branch of activation_values() becomes
  /// selects (no mispredicted branches; vectorised) and only σ' (for PReLU
  /// also ∂σ/∂α and ∂σ'/∂α) is cached: σ'' = σ''' = 0 enter the reverse pass
  /// as literal zeros, term for term as in the general kernel.
  KOKKOS_INLINE_FUNCTION void activate(int l, const double* ws, const double* z, double* a, double* cache) const {
    double* d1 = cache + cached_d1 * Width;
    if constexpr (kPiecewiseLinear) {
      // ReLU is LeakyReLU with slope 0, as activation_values() evaluates it.
      const double fixed = general.layout.activation == Activation::relu ? 0.0 : general.layout.fixed_alpha;
      if constexpr (Family == FusedActivation::prelu) {
        piecewise_linear(z, alpha_block(ws, l), fixed, a, d1, cache + cached_df_dalpha * Width,
                         cache + cached_dd1_dalpha * Width);
      } else {
        piecewise_linear(z, nullptr, fixed, a, d1, nullptr, nullptr);
      }
    } else {
      for (int j = 0; j < Width; ++j) {
        // Fixed slope and smoothing width: used by a smoothed ReLU/LeakyReLU, ignored by tanh, softplus, sin.
        const ActivationValues v =
            activation_values(general.layout.activation, z[j], general.layout.fixed_alpha, general.layout.smoothing);
        a[j] = v.f;
        d1[j] = v.d1;
        cache[cached_d2 * Width + j] = v.d2;
        cache[cached_d3 * Width + j] = v.d3;
      }
    }
    const int nt = general.n_tangents;
    for (int k = 0; k < nt; ++k) {
      const double* zk = z + (1 + k) * Width;
      double* ak = a + (1 + k) * Width;
      for (int j = 0; j < Width; ++j) ak[j] = d1[j] * zk[j];
    }
    if (general.track_laplacian) {
      // q = Σ_{k < n_laplacian_dims} ż_k², formed as ((0.0 + ż_0²) + ż_1²) + …
      // like the general kernel's loop; writing the first term as 0.0 + ż_0²
      // also keeps the compiler from turning a zeroing loop into a memset call.
      const int n_q = nt < general.n_laplacian_dims ? nt : general.n_laplacian_dims;
      double q[Width];
      if (n_q > 0) {
        for (int j = 0; j < Width; ++j) q[j] = 0.0 + z[Width + j] * z[Width + j];
        for (int k = 1; k < n_q; ++k)
          for (int j = 0; j < Width; ++j) q[j] += z[(1 + k) * Width + j] * z[(1 + k) * Width + j];
      } else {
        for (int j = 0; j < Width; ++j) q[j] = 0.0;
      }
      const int lap = 1 + nt;
      for (int j = 0; j < Width; ++j) a[lap * Width + j] = d1[j] * z[lap * Width + j] + d2(cache, j) * q[j];
    }
  }

  /// z_c = W a_c (+ b for the value) for a hidden → hidden layer, from Wᵀ.
  KOKKOS_INLINE_FUNCTION void hidden_linear(int l, const double* a, double* z) const {
    const MlpLayout& layout = general.layout;
    const double* Wt = general.weights_t.data() + layout.w_offset[l];
    const double* b = general.params.data() + layout.b_offset[l];
    const int nu = n_used();
    for (int c = 0; c < nu; ++c) {
      const double* in = a + c * Width;
      double* out = z + c * Width;
      for (int jb = 0; jb < Width; jb += kBlock) {
        double acc[kBlock];
        for (int jj = 0; jj < kBlock; ++jj) acc[jj] = c == 0 ? b[jb + jj] : 0.0;
        for (int i = 0; i < Width; ++i) {
          const double v = in[i];
          const double* col = Wt + i * Width + jb;
          for (int jj = 0; jj < kBlock; ++jj) acc[jj] += col[jj] * v;
        }
        for (int jj = 0; jj < kBlock; ++jj) out[jb + jj] = acc[jj];
      }
    }
  }

  /// Output layer: out_c[o] = (b_o or 0) + Σ_i W_oi a_c[i], i ascending; the
  /// NU component sums of one output run side by side.
  template <int NU>
  KOKKOS_INLINE_FUNCTION void output_linear_n(int l, const double* a, double* out) const {
    const MlpLayout& layout = general.layout;
    const int n_out = layout.width[l + 1];
    const double* W = general.params.data() + layout.w_offset[l];
    const double* b = general.params.data() + layout.b_offset[l];
    for (int o = 0; o < n_out; ++o) {
      const double* row = W + o * Width;
      double acc[NU];
      acc[0] = b[o];
      for (int c = 1; c < NU; ++c) acc[c] = 0.0;
      for (int i = 0; i < Width; ++i)
        for (int c = 0; c < NU; ++c) acc[c] += row[i] * a[c * Width + i];
      for (int c = 0; c < NU; ++c) out[c * n_out + o] = acc[c];
    }
  }

  KOKKOS_INLINE_FUNCTION void output_linear(int l, const double* a, double* out) const {
    switch (n_used()) {
      case 1: output_linear_n<1>(l, a, out); break;
      case 2: output_linear_n<2>(l, a, out); break;
      case 3: output_linear_n<3>(l, a, out); break;
      case 4: output_linear_n<4>(l, a, out); break;
      default: {  // 5 or 6 components (4 inputs, or a Laplacian in 3D): one sum after the other
        const MlpLayout& layout = general.layout;
        const int n_out = layout.width[l + 1];
        const double* W = general.params.data() + layout.w_offset[l];
        const double* b = general.params.data() + layout.b_offset[l];
        for (int o = 0; o < n_out; ++o)
          for (int c = 0; c < n_used(); ++c) {
            double acc = c == 0 ? b[o] : 0.0;
            for (int i = 0; i < Width; ++i) acc += W[o * Width + i] * a[c * Width + i];
            out[c * n_out + o] = acc;
          }
      }
    }
  }

  /// Forward pass: fills the workspace (needed by backward) and the jet.
  /// prepare() must have run on this workspace (once per chunk).
  KOKKOS_INLINE_FUNCTION void forward(const double* x, double* ws, PointJet& jet) const {
    const MlpLayout& layout = general.layout;
    const int L = layout.n_layers;
    const int n_out = layout.width[L];
    double* out = scratch(ws, 0);
    first_linear(x, z_block(ws, 0));
    for (int l = 1; l < L; ++l) {
      double* a = a_block(ws, l - 1);
      activate(l - 1, ws, z_block(ws, l - 1), a, cache_block(ws, l - 1));
      if (l + 1 < L) {
        hidden_linear(l, a, z_block(ws, l));
      } else {
        output_linear(l, a, out);
      }
    }
    const int lap = 1 + general.n_tangents;
    for (int o = 0; o < n_out; ++o) {
      jet.value[o] = out[o];
      for (int k = 0; k < kMaxInputs; ++k) jet.grad[o][k] = k < general.n_tangents ? out[(1 + k) * n_out + o] : 0.0;
      jet.lap[o] = general.track_laplacian ? out[lap * n_out + o] : 0.0;
    }
  }

  // --- reverse ----------------------------------------------------------------

  /// ∂W_ji += Σ_c z̄_c[j] a_c[i] (c ascending), ∂b_j += z̄_0[j] for a layer
  /// of n_rows outputs reading a Width-wide a-jet.
  KOKKOS_INLINE_FUNCTION void weight_gradient(int l, int n_rows, const double* adj, const double* a,
                                              double* grad) const {
    const MlpLayout& layout = general.layout;
    double* gW = grad + layout.w_offset[l];
    double* gb = grad + layout.b_offset[l];
    const int nu = n_used();
    for (int j = 0; j < n_rows; ++j) {
      gb[j] += adj[j];
      double* grow = gW + j * Width;
      for (int ib = 0; ib < Width; ib += kBlock) {
        double r[kBlock];
        for (int ii = 0; ii < kBlock; ++ii) r[ii] = grow[ib + ii];
        for (int c = 0; c < nu; ++c) {
          const double s = adj[c * n_rows + j];
          const double* ac = a + c * Width + ib;
          for (int ii = 0; ii < kBlock; ++ii) r[ii] += s * ac[ii];
        }
        for (int ii = 0; ii < kBlock; ++ii) grow[ib + ii] = r[ii];
      }
    }
  }

  /// ā_c[i] = Σ_j W_ji z̄_c[j] (j ascending from 0) for a layer of n_rows outputs.
  KOKKOS_INLINE_FUNCTION void input_adjoint(int l, int n_rows, const double* adj, double* adj_in) const {
    const double* W = general.params.data() + general.layout.w_offset[l];
    const int nu = n_used();
    for (int c = 0; c < nu; ++c) {
      const double* adj_c = adj + c * n_rows;
      double* out = adj_in + c * Width;
      for (int ib = 0; ib < Width; ib += kBlock) {
        double acc[kBlock];
        for (int ii = 0; ii < kBlock; ++ii) acc[ii] = 0.0;
        for (int j = 0; j < n_rows; ++j) {
          const double s = adj_c[j];
          const double* row = W + j * Width + ib;
          for (int ii = 0; ii < kBlock; ++ii) acc[ii] += row[ii] * s;
        }
        for (int ii = 0; ii < kBlock; ++ii) out[ib + ii] = acc[ii];
      }
    }
  }

  /// Through the activation of hidden layer h: a-jet adjoint `adj_in` →
  /// z-jet adjoint `adj`, and the slope gradient. Term for term the general
  /// kernel's formulas (with lap_bar = z_lap = 0 when the Laplacian is not
  /// tracked), vectorised over the neurons.
  template <bool Track>
  KOKKOS_INLINE_FUNCTION void activation_adjoint_impl(int h, const double* ws, const double* adj_in, double* adj,
                                                      double* grad) const {
    const double* z = z_block(ws, h);
    const double* cache = cache_block(ws, h);
    const double* d1 = cache + cached_d1 * Width;
    const int nt = general.n_tangents;
    const int n_lap = general.n_laplacian_dims;
    const int lap = 1 + nt;
    const auto lap_bar = [&](int j) { return Track ? adj_in[lap * Width + j] : 0.0; };
    const auto z_lap = [&](int j) { return Track ? z[lap * Width + j] : 0.0; };
    double q[Width], tangent_term[Width];
    bool q_set = false;
    for (int k = 0; k < nt; ++k) {
      const double* zk = z + (1 + k) * Width;
      const double* tk_bar = adj_in + (1 + k) * Width;
      double* adj_k = adj + (1 + k) * Width;
      if (k < n_lap) {
        if (k == 0) {
          for (int j = 0; j < Width; ++j) {
            q[j] = 0.0 + zk[j] * zk[j];
            tangent_term[j] = 0.0 + tk_bar[j] * zk[j];
            adj_k[j] = tk_bar[j] * d1[j] + 2.0 * lap_bar(j) * d2(cache, j) * zk[j];
          }
        } else {
          for (int j = 0; j < Width; ++j) {
            q[j] += zk[j] * zk[j];
            tangent_term[j] += tk_bar[j] * zk[j];
            adj_k[j] = tk_bar[j] * d1[j] + 2.0 * lap_bar(j) * d2(cache, j) * zk[j];
          }
        }
        q_set = true;
      } else if (k == 0) {
        for (int j = 0; j < Width; ++j) {
          tangent_term[j] = 0.0 + tk_bar[j] * zk[j];
          adj_k[j] = tk_bar[j] * d1[j] + 0.0;
        }
      } else {
        for (int j = 0; j < Width; ++j) {
          tangent_term[j] += tk_bar[j] * zk[j];
          adj_k[j] = tk_bar[j] * d1[j] + 0.0;
        }
      }
    }
    if (!q_set)
      for (int j = 0; j < Width; ++j) q[j] = 0.0;
    if (nt == 0)
      for (int j = 0; j < Width; ++j) tangent_term[j] = 0.0;
    for (int j = 0; j < Width; ++j)
      adj[j] = adj_in[j] * d1[j] + tangent_term[j] * d2(cache, j) +
               lap_bar(j) * (d2(cache, j) * z_lap(j) + d3(cache, j) * q[j]);
    if (Track)
      for (int j = 0; j < Width; ++j) adj[lap * Width + j] = lap_bar(j) * d1[j];
    if constexpr (Family == FusedActivation::prelu) {
      const MlpLayout& layout = general.layout;
      const int ao = layout.alpha_offset[h];
      if (ao >= 0) {
        const double* df_dalpha = cache + cached_df_dalpha * Width;
        const double* dd1_dalpha = cache + cached_dd1_dalpha * Width;
        const double* dalpha = alpha_block(ws, h) + Width;
        const int stride = layout.alpha_stride[h];
        for (int j = 0; j < Width; ++j) {
          // dd2_dalpha = 0 for PReLU: the general kernel's dd2_dalpha·q is 0.0·q here.
          const double tangent_alpha = tangent_term[j] * dd1_dalpha[j];
          const double alpha_bar =
              adj_in[j] * df_dalpha[j] + tangent_alpha + lap_bar(j) * (dd1_dalpha[j] * z_lap(j) + 0.0 * q[j]);
          grad[ao + stride * j] += alpha_bar * dalpha[j];
        }
      }
    } else {
      (void)grad;
    }
  }

  KOKKOS_INLINE_FUNCTION void activation_adjoint(int h, const double* ws, const double* adj_in, double* adj,
                                                 double* grad) const {
    if (general.track_laplacian) {
      activation_adjoint_impl<true>(h, ws, adj_in, adj, grad);
    } else {
      activation_adjoint_impl<false>(h, ws, adj_in, adj, grad);
    }
  }

  /// Reverse pass after forward() on the same point and workspace: adds
  /// ∂L/∂θ to grad[0..n_params) given the seeds ∂L/∂(jet).
  KOKKOS_INLINE_FUNCTION void backward(const double* x, double* ws, const PointJet& seed, double* grad) const {
    const MlpLayout& layout = general.layout;
    const int L = layout.n_layers;
    const int nt = general.n_tangents;
    const int lap = 1 + nt;
    double* adj = scratch(ws, 0);
    double* adj_in = scratch(ws, 1);
    const int n_out = layout.width[L];
    for (int o = 0; o < n_out; ++o) {
      adj[o] = seed.value[o];
      for (int k = 0; k < nt; ++k) adj[(1 + k) * n_out + o] = seed.grad[o][k];
      if (general.track_laplacian) adj[lap * n_out + o] = seed.lap[o];
    }
    for (int l = L - 1; l >= 1; --l) {
      const int n_rows = layout.width[l + 1];  // n_out for the output layer, Width otherwise
      weight_gradient(l, n_rows, adj, a_block(ws, l - 1), grad);
      input_adjoint(l, n_rows, adj, adj_in);
      activation_adjoint(l - 1, ws, adj_in, adj, grad);
    }
    // First layer: the input jet is (x, e_k, 0).
    const int d = layout.width[0];
    double* gW = grad + layout.w_offset[0];
    double* gb = grad + layout.b_offset[0];
    for (int j = 0; j < Width; ++j) {
      gb[j] += adj[j];
      for (int i = 0; i < d; ++i) {
        double g = adj[j] * x[i];
        if (i < nt) g += adj[(1 + i) * Width + j];
        gW[j * d + i] += g;
      }
    }
  }
};

/// Calls f(std::integral_constant<int, W>{}, std::integral_constant<FusedActivation, F>{})
/// for the fused kernel of `width` (one of kFusedWidths) and the activation family of `layout`.
template <int W, class F>
void with_fused_activation(const MlpLayout& layout, F&& f) {
  using I = std::integral_constant<int, W>;
  switch (fused_activation(layout)) {
    case FusedActivation::piecewise_linear:
      f(I{}, std::integral_constant<FusedActivation, FusedActivation::piecewise_linear>{});
      break;
    case FusedActivation::prelu: f(I{}, std::integral_constant<FusedActivation, FusedActivation::prelu>{}); break;
    case FusedActivation::smooth: f(I{}, std::integral_constant<FusedActivation, FusedActivation::smooth>{}); break;
  }
}

template <class F>
void with_fused_kernel(int width, const MlpLayout& layout, F&& f) {
  switch (width) {
    case 16: with_fused_activation<16>(layout, f); break;
    case 32: with_fused_activation<32>(layout, f); break;
    case 64: with_fused_activation<64>(layout, f); break;
    case 128: with_fused_activation<128>(layout, f); break;
    default: break;  // callers check fused_width() first
  }
}

}  // namespace pinn::detail

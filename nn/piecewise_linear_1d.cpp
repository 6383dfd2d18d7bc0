/// @file nn/piecewise_linear_1d.cpp
/// @brief Breakpoints and the exact Dirichlet energy of 1D piecewise-linear networks.
#include "nn/piecewise_linear_1d.hpp"

#include "nn/error.hpp"

#include <algorithm>
#include <cmath>

namespace pinn {

namespace detail {

double host_alpha(const MlpLayout& layout, const ConstHostVector& params, int l, int j) {
  if (layout.alpha_offset[l] < 0) return layout.activation == Activation::relu ? 0.0 : layout.fixed_alpha;
  return layout.alpha_from_parameter(params(layout.alpha_offset[l] + layout.alpha_stride[l] * j));
}

void forward_1d(const MlpLayout& layout, const ConstHostVector& params, double x, Forward1d& f, int upto) {
  const int last = upto < 0 ? layout.n_layers - 1 : upto;
  f.a.assign(last + 1, {});
  f.da.assign(last + 1, {});
  f.z.assign(last + 1, {});
  f.dz.assign(last + 1, {});
  f.a[0] = {x};
  f.da[0] = {1.0};
  for (int l = 0; l <= last; ++l) {
    const int n_in = layout.width[l], n_out = layout.width[l + 1];
    f.z[l].assign(n_out, 0.0);
    f.dz[l].assign(n_out, 0.0);
    for (int j = 0; j < n_out; ++j) {
      double v = params(layout.b_offset[l] + j), d = 0.0;
      for (int i = 0; i < n_in; ++i) {
        const double w = params(layout.w_offset[l] + j * n_in + i);
        v += w * f.a[l][i];
        d += w * f.da[l][i];
      }
      f.z[l][j] = v;
      f.dz[l][j] = d;
    }
    if (l == last) break;
    f.a[l + 1].assign(n_out, 0.0);
    f.da[l + 1].assign(n_out, 0.0);
    for (int j = 0; j < n_out; ++j) {
      const ActivationValues act = activation_values(layout.activation, f.z[l][j], host_alpha(layout, params, l, j));
      f.a[l + 1][j] = act.f;
      f.da[l + 1][j] = act.d1 * f.dz[l][j];
    }
  }
}

}  // namespace detail

namespace {

using detail::Forward1d;

/// Adds `scale` · ∂α_{l,j}/∂(stored parameter) to the gradient entry of α_{l,j} (PReLU only).
void add_alpha_gradient(const MlpLayout& layout, const ConstHostVector& params, int l, int j, double scale,
                        std::vector<double>& gradient) {
  if (layout.alpha_offset[l] < 0) return;
  const int index = layout.alpha_offset[l] + layout.alpha_stride[l] * j;
  gradient[index] += scale * layout.dalpha_dparameter(params(index));
}

/// What a reverse pass differentiates at the point of a Forward1d.
enum class Seeded {
  value,  ///< a pre-activation z (its bias enters, the activations a carry it down)
  slope,  ///< an x-slope dz/dx (no bias enters, the tangents da carry it down)
};

/// gradient += scale · ∂q/∂θ at the point of `f` (x fixed), where q is the
/// value or the x-slope of neuron `neuron` of linear layer `layer`. One
/// reverse pass serves both: the slope runs through the same layers with the
/// tangents da in place of the activations a and, σ' being piecewise
/// constant, the same factor σ'(z) per neuron; only its α-derivative differs
/// (∂σ(z)/∂α = z vs ∂(σ'(z) dz)/∂α = dz, both where z ≤ 0).
void add_reverse(const MlpLayout& layout, const ConstHostVector& params, const Forward1d& f, Seeded what, int layer,
                 int neuron, double scale, std::vector<double>& gradient) {
  const auto& inputs = what == Seeded::value ? f.a : f.da;
  const auto& preactivations = what == Seeded::value ? f.z : f.dz;
  std::vector<double> bar(layout.width[layer + 1], 0.0);
  bar[neuron] = scale;
  for (int l = layer; l >= 0; --l) {
    const int n_in = layout.width[l], n_out = layout.width[l + 1];
    std::vector<double> input_bar(n_in, 0.0);
    for (int j = 0; j < n_out; ++j) {
      if (bar[j] == 0.0) continue;
      if (what == Seeded::value) gradient[layout.b_offset[l] + j] += bar[j];
      for (int i = 0; i < n_in; ++i) {
        gradient[layout.w_offset[l] + j * n_in + i] += bar[j] * inputs[l][i];
        input_bar[i] += params(layout.w_offset[l] + j * n_in + i) * bar[j];
      }
    }
    if (l == 0) break;
    bar.assign(n_in, 0.0);
    for (int i = 0; i < n_in; ++i) {
      const double z = f.z[l - 1][i];
      const double alpha = detail::host_alpha(layout, params, l - 1, i);
      bar[i] = (z > 0.0 ? 1.0 : alpha) * input_bar[i];
      if (z <= 0.0) add_alpha_gradient(layout, params, l - 1, i, preactivations[l - 1][i] * input_bar[i], gradient);
    }
  }
}

}  // namespace

std::vector<Breakpoint1d> find_breakpoints_1d(const Mlp& net, double a, double b) {
  const MlpLayout& layout = net.layout();
  PINN_REQUIRE(layout.n_inputs() == 1, "breakpoints are found for one input; the network has " << layout.n_inputs());
  PINN_REQUIRE(is_piecewise_linear(layout.activation),
               "breakpoints need a piecewise-linear activation; the network uses " << to_string(layout.activation));
  PINN_REQUIRE(layout.smoothing == 0.0,
               "breakpoints need the exact activation; the network is smoothed with width " << layout.smoothing);
  PINN_REQUIRE(a < b, "interval (" << a << ", " << b << ") is empty");
  const ConstHostVector params = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), net.params());
  const double merge = 1e-12 * (b - a);
  std::vector<Breakpoint1d> ends{{a, -1, -1}, {b, -1, -1}};  // sorted; the inner ones are breakpoints so far
  Forward1d f;
  for (int l = 0; l + 1 < layout.n_layers; ++l) {
    std::vector<Breakpoint1d> added;
    for (std::size_t k = 0; k + 1 < ends.size(); ++k) {
      const double lo = ends[k].x, hi = ends[k + 1].x, mid = 0.5 * (lo + hi);
      detail::forward_1d(layout, params, mid, f, l);
      for (std::size_t j = 0; j < f.z[l].size(); ++j) {
        if (f.dz[l][j] == 0.0) continue;  // constant on the piece: no sign change inside
        const double root = mid - f.z[l][j] / f.dz[l][j];
        if (root > lo + merge && root < hi - merge) added.push_back({root, l, static_cast<int>(j)});
      }
    }
    std::sort(added.begin(), added.end(), [](const Breakpoint1d& p, const Breakpoint1d& q) { return p.x < q.x; });
    std::vector<Breakpoint1d> merged;
    std::size_t p = 0, q = 0;
    while (p < ends.size() || q < added.size()) {
      const bool from_added = p == ends.size() || (q < added.size() && added[q].x < ends[p].x);
      const Breakpoint1d next = from_added ? added[q++] : ends[p++];
      // Roots lie more than `merge` inside their piece, so only roots merge
      // with each other; a, b and earlier breakpoints survive.
      if (!merged.empty() && next.x - merged.back().x <= merge) continue;
      merged.push_back(next);
    }
    ends.swap(merged);
  }
  return std::vector<Breakpoint1d>(ends.begin() + 1, ends.end() - 1);
}

double dirichlet_energy_1d(const Mlp& net, double a, double b, std::vector<double>* gradient) {
  const MlpLayout& layout = net.layout();
  PINN_REQUIRE(!gradient || static_cast<int>(gradient->size()) == net.n_params(),
               "gradient has " << gradient->size() << " entries; the network " << net.n_params() << " parameters");
  const std::vector<Breakpoint1d> breaks = find_breakpoints_1d(net, a, b);
  const ConstHostVector params = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), net.params());
  std::vector<double> t{a};
  for (const Breakpoint1d& p : breaks) t.push_back(p.x);
  t.push_back(b);
  const int n_segments = static_cast<int>(t.size()) - 1;
  std::vector<double> slope(n_segments);
  double energy = 0.0;
  Forward1d f;
  for (int k = 0; k < n_segments; ++k) {
    detail::forward_1d(layout, params, 0.5 * (t[k] + t[k + 1]), f);
    slope[k] = f.dz[layout.n_layers - 1][0];
    const double length = t[k + 1] - t[k];
    energy += 0.5 * slope[k] * slope[k] * length;
    if (gradient) add_reverse(layout, params, f, Seeded::slope, layout.n_layers - 1, 0, slope[k] * length, *gradient);
  }
  if (!gradient) return energy;
  for (int k = 1; k < n_segments; ++k) {
    const Breakpoint1d& p = breaks[k - 1];
    const double jump = 0.5 * slope[k - 1] * slope[k - 1] - 0.5 * slope[k] * slope[k];
    if (jump == 0.0) continue;  // a breakpoint that is no kink of N moves nothing
    detail::forward_1d(layout, params, p.x, f, p.layer);
    const double dzdx = f.dz[p.layer][p.neuron];
    if (dzdx == 0.0) continue;
    // dt/dθ = −(∂z/∂θ)/(∂z/∂x)
    add_reverse(layout, params, f, Seeded::value, p.layer, p.neuron, -jump / dzdx, *gradient);
  }
  return energy;
}

}  // namespace pinn

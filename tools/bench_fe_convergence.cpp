/// @file tools/bench_fe_convergence.cpp
/// @brief Convergence of the P1 finite-element/PDAS reference (physics/fe_reference_solver.hpp) on
/// manufactured solutions: the unit square given as a polygon and the L-shape (0,2)² ∖ [1,2]², each
/// without an obstacle (u* = sin(πx)sin(πy) + xy) and with one in contact on a disc (u* = ψ + ((r² − r0²)₊)²,
/// ψ = 1 − r², r = |x − (½, ½)|, r0 = 0.3, f continuous: λ* = 8r0² on the disc). Prints a markdown table
/// of the relative L2 error (7-point degree-5 quadrature on each triangle), the nodal max error, the
/// observed orders between levels, PDAS iterations and seconds (BENCHMARKS.md §8).
///
/// Usage: bench_fe_convergence [FIRST_LEVEL [LAST_LEVEL]]   (default 4 6)
#include "physics/fe_reference_solver.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

namespace {

struct Manufactured {
  std::string name;
  std::vector<pinn::Point2> vertices;
  bool obstacle = false;
};

constexpr double pi = 3.14159265358979323846;
constexpr double r0 = 0.3;

double radius2(const double* x) { return (x[0] - 0.5) * (x[0] - 0.5) + (x[1] - 0.5) * (x[1] - 0.5); }

double exact(const Manufactured& m, const double* x) {
  if (!m.obstacle) return std::sin(pi * x[0]) * std::sin(pi * x[1]) + x[0] * x[1];
  const double s = std::max(0.0, radius2(x) - r0 * r0);
  return 1.0 - radius2(x) + s * s;
}

double source(const Manufactured& m, const double* x) {
  if (!m.obstacle) return 2.0 * pi * pi * std::sin(pi * x[0]) * std::sin(pi * x[1]);
  // −Δ(1 − r²) = 4; −Δ(s²) = −8(2r² − r0²) where s = r² − r0² > 0; on the contact disc f = 4 − λ*, λ* = 8r0².
  const double r2 = radius2(x);
  return r2 > r0 * r0 ? 4.0 - 8.0 * (2.0 * r2 - r0 * r0) : 4.0 - 8.0 * r0 * r0;
}

struct Errors {
  double rel_l2 = 0, nodal_max = 0, seconds = 0;
  int iterations = 0, nodes = 0;
  bool converged = false;
};

Errors measure(const Manufactured& m, int levels) {
  pinn::FeReferenceProblem p;
  p.vertices = m.vertices;
  p.levels = levels;
  p.source = [m](const double* x) { return source(m, x); };
  p.boundary = [m](const double* x) { return exact(m, x); };
  if (m.obstacle) p.lower_obstacle = [](const double* x) { return 1.0 - radius2(x); };
  const pinn::FeReferenceSolution s = pinn::solve_fe_reference(p);
  Errors e;
  e.seconds = s.seconds;
  e.iterations = s.iterations;
  e.converged = s.converged;
  e.nodes = s.mesh.n_nodes();
  for (int i = 0; i < s.mesh.n_nodes(); ++i)
    e.nodal_max = std::max(e.nodal_max, std::abs(s.u[i] - exact(m, s.mesh.nodes[i].data())));
  // Dunavant's 7-point rule, exact for degree 5: (barycentric a, b, b) and permutations.
  const double rule[3][3] = {{1.0 / 3, 1.0 / 3, 0.225},
                             {0.059715871789770, 0.470142064105115, 0.132394152788506},
                             {0.797426985353087, 0.101286507323456, 0.125939180544827}};
  double error2 = 0, norm2 = 0;
  for (int t = 0; t < s.mesh.n_triangles(); ++t) {
    const auto& tri = s.mesh.triangles[t];
    const double area = 0.5 * s.mesh.twice_area(t);
    for (const auto& r : rule) {
      const int n_perm = r[0] == r[1] ? 1 : 3;
      for (int k = 0; k < n_perm; ++k) {
        double lambda[3] = {r[1], r[1], r[1]};
        lambda[k] = r[0];
        double x[2] = {0, 0}, uh = 0;
        for (int v = 0; v < 3; ++v) {
          x[0] += lambda[v] * s.mesh.nodes[tri[v]][0];
          x[1] += lambda[v] * s.mesh.nodes[tri[v]][1];
          uh += lambda[v] * s.u[tri[v]];
        }
        const double ue = exact(m, x);
        error2 += r[2] * area * (uh - ue) * (uh - ue);
        norm2 += r[2] * area * ue * ue;
      }
    }
  }
  e.rel_l2 = std::sqrt(error2 / norm2);
  return e;
}

}  // namespace

int main(int argc, char** argv) {
  const int first = argc > 1 ? std::atoi(argv[1]) : 4;
  const int last = argc > 2 ? std::atoi(argv[2]) : first + 2;
  const std::vector<pinn::Point2> square{{0, 0}, {1, 0}, {1, 1}, {0, 1}};
  const std::vector<pinn::Point2> lshape{{0, 0}, {2, 0}, {2, 1}, {1, 1}, {1, 2}, {0, 2}};
  const std::vector<Manufactured> cases{{"square, no obstacle", square, false},
                                        {"square, obstacle", square, true},
                                        {"L-shape, no obstacle", lshape, false},
                                        {"L-shape, obstacle", lshape, true}};
  std::printf("| problem | level | nodes | rel. L2 | order | nodal max | order | PDAS it. | seconds |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|\n");
  for (const Manufactured& m : cases) {
    Errors previous;
    for (int level = first; level <= last; ++level) {
      const Errors e = measure(m, level);
      std::string l2_order = "", max_order = "";
      if (level > first) {
        l2_order = std::to_string(std::log2(previous.rel_l2 / e.rel_l2)).substr(0, 4);
        max_order = std::to_string(std::log2(previous.nodal_max / e.nodal_max)).substr(0, 4);
      }
      std::printf("| %s | %d | %d | %.3e | %s | %.3e | %s | %d%s | %.3f |\n", m.name.c_str(), level, e.nodes,
                  e.rel_l2, l2_order.c_str(), e.nodal_max, max_order.c_str(), e.iterations,
                  e.converged ? "" : " (not converged)", e.seconds);
      previous = e;
    }
  }
  return 0;
}

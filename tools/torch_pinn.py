#!/usr/bin/env python3
"""@file tools/torch_pinn.py
@brief The engine's obstacle-problem PINN written in PyTorch (float64), for
the side-by-side benchmark (tools/bench_compare, BENCHMARKS.md §4).

It trains exactly the engine's problem: `bench_case_data` (a tools/ target)
exports the network shape and its initial parameters (same seed, same
initialiser), the training points with their data (quadrature weights, f, ψ,
the lift G and distance d with their gradients and Laplacians: u = G + d·N),
the loss settings and the monitor grid on which the engine measures the
relative L2 error. The loss is the engine's, term for term:
  energy: Σ_i w_i (½|∇u_i|² − f_i u_i) + w_i (μ/2) ReLU(ψ_i − u_i)²
  strong: Σ_i ½ w_i min(−Δu_i − f_i, u_i − ψ_i)² + w_i (μ/2) ReLU(ψ_i − u_i)²
minimised by torch.optim.Adam (β = (0.9, 0.999), ε = 1e-8, constant rate).
With multiplier updates (augmented Lagrangian, as the engine's Adam stage:
rounds of ⌈iterations/(updates + 1)⌉ iterations, then λ ← max(0, λ + μ(ψ − u)))
the obstacle term is w [(μ/2) ReLU(ψ − u + λ/μ)² − λ²/(2μ)].

Two ways to get ∇u and Δu of the network, both timed; the faster is
PyTorch's best:
  autograd  the usual PINN: x.requires_grad, torch.autograd.grad(create_graph=True)
            (once more per input for Δu), then loss.backward();
  jet       the engine's method written in PyTorch: value, tangents and
            Laplacian pushed forward through the layers as one stacked
            matrix per layer (one matmul each), one backward.

Usage:
  torch_pinn.py CASE.json --variant autograd|jet --threads T --mode rate --iterations N
  torch_pinn.py CASE.json --variant jet --threads T --mode accuracy --seconds S --eval-every K
Prints one JSON object (see main()).
"""
import argparse
import json
import math
import resource
import sys
import time

import torch


class Problem:
    """Tensors of the exported case."""

    def __init__(self, data):
        dt = torch.float64
        self.dim = data["dim"]
        self.activation = data["activation"]
        self.alpha = data["alpha"]
        if self.activation not in ("leaky_relu", "relu", "tanh"):
            raise SystemExit(f"torch_pinn: activation {self.activation} not supported here (leaky_relu, relu, tanh)")
        self.form = data["loss"]["form"]
        if self.form not in ("energy", "strong"):
            raise SystemExit(f"torch_pinn: loss form {self.form} not supported here (energy, strong)")
        if data["loss"]["barrier"] != "relu2" or data["loss"]["complementarity"] != "min":
            raise SystemExit("torch_pinn: only the relu2 barrier and the min complementarity are written here")
        self.multiplier_updates = data["adam"]["multiplier_updates"]
        self.stage_iterations = data["adam"]["iterations"]
        if self.multiplier_updates and data["adam"].get("penalty_growth", 1.0) != 1.0:
            raise SystemExit("torch_pinn: multiplier updates with a growing penalty are not written here")
        self.hard = data["loss"]["boundary"] == "hard"
        self.mu = data["loss"]["penalty"]
        self.boundary_weight = data["loss"]["boundary_weight"]
        self.learning_rate = data["adam"]["learning_rate"]
        self.schedule = data["adam"]["schedule"]
        widths = [self.dim] + list(data["hidden"]) + [data["n_outputs"]]
        flat = torch.tensor(data["params"], dtype=dt)
        self.weights, self.biases = [], []
        offset = 0
        for l in range(len(widths) - 1):
            n_in, n_out = widths[l], widths[l + 1]
            self.weights.append(flat[offset:offset + n_in * n_out].reshape(n_out, n_in).clone().requires_grad_(True))
            offset += n_in * n_out
            self.biases.append(flat[offset:offset + n_out].clone().requires_grad_(True))
            offset += n_out
        if offset != flat.numel():
            raise SystemExit("torch_pinn: parameter count does not match the layout (PReLU slopes are not supported)")
        pts = data["points"]
        col = lambda key: torch.tensor([p[key] for p in pts], dtype=dt)
        self.x = torch.tensor([p["x"] for p in pts], dtype=dt)
        self.interior = torch.tensor([p["boundary"] == 0 for p in pts])
        self.w, self.f, self.g, self.psi = col("weight"), col("f"), col("g"), col("psi")
        self.G, self.G_lap, self.D, self.D_lap = col("lift"), col("lift_lap"), col("dist"), col("dist_lap")
        self.G_grad, self.D_grad = col("lift_grad"), col("dist_grad")
        self.lam = torch.zeros_like(self.w)
        mon = data["monitor"]
        self.mx = torch.tensor(mon["x"], dtype=dt)
        self.m_lift = torch.tensor(mon["lift"], dtype=dt)
        self.m_dist = torch.tensor(mon["dist"], dtype=dt)
        self.m_exact = torch.tensor(mon["exact"], dtype=dt)

    def parameters(self):
        return self.weights + self.biases

    # --- the network ---------------------------------------------------------
    def act(self, z):
        if self.activation == "tanh":
            return torch.tanh(z)
        if self.activation == "relu":
            return torch.relu(z)
        return torch.nn.functional.leaky_relu(z, self.alpha)

    def value(self, x):
        a = x
        for W, b in zip(self.weights[:-1], self.biases[:-1]):
            a = self.act(torch.nn.functional.linear(a, W, b))
        return torch.nn.functional.linear(a, self.weights[-1], self.biases[-1])[:, 0]

    def jets_autograd(self, laplacian):
        x = self.x.clone().requires_grad_(True)
        N = self.value(x)
        gN = torch.autograd.grad(N.sum(), x, create_graph=True)[0]
        lapN = None
        if laplacian:
            lapN = sum(torch.autograd.grad(gN[:, k].sum(), x, create_graph=True)[0][:, k] for k in range(self.dim))
        return N, gN, lapN

    def jets_forward(self, laplacian):
        """Value, d tangents (and the Laplacian) stacked as rows: one matmul per layer."""
        n, d = self.x.shape
        W0, b0 = self.weights[0], self.biases[0]
        z = torch.nn.functional.linear(self.x, W0, b0)                  # (n, w)
        tz = W0.t().unsqueeze(1).expand(d, n, W0.shape[0])              # (d, n, w): the columns of W0
        lz = torch.zeros_like(z) if laplacian else None
        for W, b in zip(self.weights[1:], self.biases[1:]):
            if self.activation == "tanh":
                t = torch.tanh(z)
                s1 = 1.0 - t * t
                a, ta = t, s1.unsqueeze(0) * tz
                la = s1 * lz - 2.0 * t * s1 * (tz * tz).sum(0) if laplacian else None
            else:
                slope = 0.0 if self.activation == "relu" else self.alpha
                s1 = torch.where(z > 0, torch.ones_like(z), torch.full_like(z, slope))
                a, ta = s1 * z, s1.unsqueeze(0) * tz
                la = s1 * lz if laplacian else None
            rows = [a.unsqueeze(0), ta] + ([la.unsqueeze(0)] if laplacian else [])
            stacked = torch.cat(rows, 0)                                 # (1 + d [+ 1], n, w)
            out = torch.matmul(stacked, W.t())                           # one matmul for every component
            z = out[0] + b
            tz = out[1:1 + d]
            lz = out[1 + d] if laplacian else None
        return z[:, 0], tz[:, :, 0].t(), (lz[:, 0] if laplacian else None)

    # --- the loss --------------------------------------------------------------
    def loss(self, variant):
        strong = self.form == "strong"
        N, gN, lapN = (self.jets_autograd if variant == "autograd" else self.jets_forward)(strong)
        if self.hard:
            u = self.G + self.D * N
            gu = self.G_grad + self.D_grad * N.unsqueeze(1) + self.D.unsqueeze(1) * gN
            lapu = (self.G_lap + self.D_lap * N + self.D * lapN + 2.0 * (self.D_grad * gN).sum(1)) if strong else None
        else:
            u, gu, lapu = N, gN, lapN
        w = self.w
        inside = self.interior
        lam = self.lam
        obstacle = w * (0.5 * self.mu * torch.relu(self.psi - u + lam / self.mu) ** 2 - lam * lam / (2.0 * self.mu))
        if strong:
            r = torch.minimum(-lapu - self.f, u - self.psi)
            pde = 0.5 * w * r * r
        else:
            pde = w * (0.5 * (gu * gu).sum(1) - self.f * u)
        total = torch.where(inside, pde + obstacle, 0.5 * w * self.boundary_weight * (u - self.g) ** 2)
        return total.sum()

    @torch.no_grad()
    def update_multipliers(self):
        u = self.G + self.D * self.value(self.x) if self.hard else self.value(self.x)
        self.lam = torch.where(self.interior, torch.relu(self.lam + self.mu * (self.psi - u)), torch.zeros_like(u))

    @torch.no_grad()
    def rel_l2(self):
        u = self.m_lift + self.m_dist * self.value(self.mx)
        return math.sqrt(float(((u - self.m_exact) ** 2).sum() / (self.m_exact ** 2).sum()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("case_json")
    parser.add_argument("--variant", choices=["autograd", "jet"], default="jet")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--mode", choices=["rate", "accuracy"], default="rate")
    parser.add_argument("--iterations", type=int, default=500, help="rate: timed iterations; accuracy: at most")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0, help="accuracy: time budget")
    parser.add_argument("--eval-every", type=int, default=50)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.set_default_dtype(torch.float64)
    with open(args.case_json) as f:
        problem = Problem(json.load(f))
    if problem.schedule != "constant":
        raise SystemExit("torch_pinn: run with stage.0.schedule=\"constant\"")
    optimizer = torch.optim.Adam(problem.parameters(), lr=problem.learning_rate, betas=(0.9, 0.999), eps=1e-8)

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = problem.loss(args.variant)
        loss.backward()
        optimizer.step()
        return loss

    result = {"variant": args.variant, "threads": args.threads, "mode": args.mode,
              "initial_loss": float(problem.loss(args.variant)), "initial_rel_l2": problem.rel_l2()}
    if args.mode == "rate":
        for _ in range(args.warmup):
            step()
        start = time.perf_counter()
        for _ in range(args.iterations):
            step()
        seconds = time.perf_counter() - start
        result.update(iterations=args.iterations, seconds=seconds, iterations_per_second=args.iterations / seconds)
    else:
        history = []
        updates = problem.multiplier_updates
        limit = problem.stage_iterations if updates else args.iterations
        per_round = max(1, -(-problem.stage_iterations // (updates + 1)))
        start = time.perf_counter()
        it = 0
        while it < limit:
            step()
            it += 1
            if updates and it % per_round == 0 and it < limit:
                problem.update_multipliers()
            if it % args.eval_every == 0 or it == limit:
                elapsed = time.perf_counter() - start
                history.append([it, elapsed, problem.rel_l2()])
                if elapsed > args.seconds:
                    break
        seconds = time.perf_counter() - start
        result.update(iterations=it, seconds=seconds, iterations_per_second=it / seconds, history=history,
                      final_rel_l2=history[-1][2] if history else None)
        for threshold in (1e-1, 1e-2, 1e-3, 1e-4):
            hit = next((h for h in history if h[2] <= threshold), None)
            result[f"time_to_{threshold:g}"] = hit[1] if hit else None
            result[f"iterations_to_{threshold:g}"] = hit[0] if hit else None
    result["final_loss"] = float(problem.loss(args.variant))
    result["peak_rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()

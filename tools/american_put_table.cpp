/// @file tools/american_put_table.cpp
/// @brief Prices the classic American put table (K = 40, r = 0.06, σ ∈ {0.2, 0.4}, T ∈ {1, 2},
/// S0 ∈ {36, 38, 40, 42, 44}) with the engine — cases/american_put.toml with σ, T and the interval
/// set per market, solved by Rothe's method (solver/rothe_solver.hpp) — beside the FD/PDAS reference
/// and a Cox–Ross–Rubinstein tree (physics/american_option.hpp), and writes the CSV
///   S0,sigma,T,price,reference,binomial
/// With --european the same markets without the obstacle (it is pushed below any price), against
/// Black–Scholes' closed form: S0,sigma,T,price,black_scholes. Run it as tools/american_put_table.
#include "nn/atomic_file.hpp"
#include "nn/error.hpp"
#include "nn/kokkos_initialize.hpp"
#include "physics/american_option.hpp"
#include "solver/case_file.hpp"
#include "solver/rothe_solver.hpp"

#include <Kokkos_Core.hpp>

#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

constexpr double kStrike = 40, kRate = 0.06;
const std::vector<double> kSpots = {36, 38, 40, 42, 44};

std::string number(double value) {
  std::ostringstream text;
  text << std::setprecision(17) << value;
  return text.str();
}

/// The case file's keys for one market: the operator of the log-price equation, the maturity, and
/// the interval ln K ± w with w the spots' spread, the drift and four standard deviations of ln S
/// over T (the truncation then moves prices by far less than 1e-3; physics/american_option.hpp).
std::vector<std::string> market_overrides(double sigma, double maturity, bool european, int steps) {
  const double half_variance = 0.5 * sigma * sigma;
  double spread = 0;
  for (const double s : kSpots) spread = std::max(spread, std::abs(std::log(s / kStrike)));
  const double w = spread + std::abs(kRate - half_variance) * maturity + 4 * sigma * std::sqrt(maturity);
  const double centre = std::log(kStrike);
  std::vector<std::string> set = {"problem.diffusion=\"" + number(half_variance) + "\"",
                                  "problem.convection=[\"" + number(half_variance - kRate) + "\"]",
                                  "problem.time.final_time=" + number(maturity),
                                  "problem.domain.min=" + number(centre - w),
                                  "problem.domain.max=" + number(centre + w),
                                  "parabolic.steps=" + std::to_string(steps),
                                  "output.directory=\"results/american_put_table/" +
                                      std::string(european ? "european_" : "") + "sigma" + number(sigma) + "_T" +
                                      number(maturity) + "\""};
  if (european) {
    // No early exercise: the obstacle lies below every price, and the left end holds K e^{−rt} − S.
    set.push_back("problem.obstacle=\"-1\"");
    set.push_back("problem.boundary.value=\"x < " + number(centre) + " ? " + number(kStrike) + "*exp(-" +
                  number(kRate) + "*t) - exp(x) : 0\"");
  }
  return set;
}

int usage() {
  std::cerr << "usage: american_put_table [--out FILE.csv] [--european] [--steps N] [--case FILE.toml] [--quiet]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string out = "results/american_put_table.csv";
  std::string case_file = std::string(PINN_SOURCE_DIR) + "/cases/american_put.toml";
  bool european = false, quiet = false;
  int steps = 20;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--out" && i + 1 < argc) out = argv[++i];
    else if (arg == "--case" && i + 1 < argc) case_file = argv[++i];
    else if (arg == "--steps" && i + 1 < argc) steps = std::atoi(argv[++i]);
    else if (arg == "--european") european = true;
    else if (arg == "--quiet") quiet = true;
    else return usage();
  }
  if (steps < 1) return usage();
  try {
    pinn::initialize_kokkos(0);
    std::ostringstream csv;
    csv << std::setprecision(8);
    csv << (european ? "S0,sigma,T,price,black_scholes\n" : "S0,sigma,T,price,reference,binomial\n");
    double worst = 0;
    for (const double sigma : {0.2, 0.4}) {
      for (const double maturity : {1.0, 2.0}) {
        const pinn::CaseConfig config =
            pinn::load_case_file(case_file, market_overrides(sigma, maturity, european, steps));
        pinn::RunOptions options;
        options.quiet = true;
        const pinn::RotheResult result = pinn::RotheSolver(config, options).run();
        PINN_USER_REQUIRE(result.status == pinn::RunStatus::ok && !result.levels.empty(),
                          "the run for sigma = " << sigma << ", T = " << maturity << " ended "
                                                 << to_string(result.status));
        const std::vector<double>& prices = result.levels.back().probes;
        PINN_USER_REQUIRE(prices.size() == kSpots.size(), case_file << ": parabolic.probes must be the five spots "
                                                                       "ln 36, ln 38, ln 40, ln 42, ln 44");
        const pinn::AmericanPut put{kStrike, kRate, sigma, maturity};
        const std::vector<double> reference =
            european ? std::vector<double>() : pinn::put_fd_prices(put, pinn::ExerciseStyle::american, kSpots, 2000, 1000);
        for (std::size_t k = 0; k < kSpots.size(); ++k) {
          const double s = kSpots[k];
          csv << s << "," << sigma << "," << maturity << "," << prices[k];
          const double check =
              european ? pinn::european_put_black_scholes(put, s) : reference[k];
          if (european) csv << "," << check;
          else csv << "," << check << "," << pinn::american_put_binomial_price(put, s, 4000);
          csv << "\n";
          worst = std::max(worst, std::abs(prices[k] - check));
        }
        if (!quiet)
          std::cout << "sigma " << sigma << ", T " << maturity << ": " << result.levels.size() << " levels, "
                    << std::fixed << std::setprecision(1) << result.total_seconds << " s" << std::defaultfloat
                    << std::endl;
      }
    }
    pinn::write_file_atomically(out, csv.str());
    std::cout << csv.str() << "largest |price − " << (european ? "Black–Scholes" : "reference") << "|: " << worst
              << "\nwritten: " << out << "\n";
  } catch (const std::exception& e) {
    std::cerr << "american_put_table: " << e.what() << "\n";
    if (Kokkos::is_initialized()) Kokkos::finalize();
    return 1;
  }
  Kokkos::finalize();
  return 0;
}

/// @file tests/child_checksum.hpp
/// @brief Reruns this test program in a child process at a given thread count
/// and reads the checksum one of its tests prints. Kokkos is initialised once
/// per process, so this is how the thread-count tests compare results across
/// --kokkos-threads.
#pragma once

#include "nn/kokkos_types.hpp"

#include <gtest/gtest.h>

#include <cinttypes>
#include <cstdint>
#include <cstddef>
#include <cstdio>
#include <string>
#include <unistd.h>

namespace pinn_test {

/// FNV-1a over bytes, fed piece by piece (mix), for bitwise comparisons.
class Fnv1a {
 public:
  void mix(const void* data, std::size_t n) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < n; ++i) {
      hash_ ^= bytes[i];
      hash_ *= 1099511628211ull;
    }
  }
  std::uint64_t value() const { return hash_; }

 private:
  std::uint64_t hash_ = 1469598103934665603ull;
};

struct ChildChecksum {
  bool ran = false;          ///< the program was found and started
  int exit_status = -1;      ///< pclose's
  std::string checksum;      ///< the 16 hex digits after the label; empty if none was printed
  std::string concurrency;   ///< "(concurrency N)" as the child printed it
  std::string command;
};

/// Runs this program with --gtest_filter=`filter` --kokkos-threads=`threads`,
/// `environment` (e.g. "OMP_NUM_THREADS=2 ") before it, and reads the line
/// "<label><16 hex digits> (concurrency N)" the filtered test prints.
inline ChildChecksum checksum_in_child(const std::string& filter, const std::string& label, int threads,
                                       const std::string& environment = "") {
  ChildChecksum out;
  char self[4096];
  const ssize_t length = ::readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (length <= 0) return out;
  self[length] = '\0';
  out.command = environment + "'" + std::string(self) + "' --gtest_filter=" + filter +
                " --kokkos-threads=" + std::to_string(threads) + " 2>/dev/null";
  FILE* pipe = popen(out.command.c_str(), "r");
  if (!pipe) return out;
  out.ran = true;
  char line[512];
  while (std::fgets(line, sizeof(line), pipe)) {
    const std::string text(line);
    const auto at = text.find(label);
    if (at == std::string::npos) continue;
    out.checksum = text.substr(at + label.size(), 16);
    const auto c = text.find("(concurrency");
    if (c != std::string::npos) out.concurrency = text.substr(c);
  }
  out.exit_status = pclose(pipe);
  return out;
}

/// The line a printing test writes for checksum_in_child to read.
inline void print_checksum(const std::string& label, std::uint64_t checksum) {
  std::printf("%s%016" PRIx64 " (concurrency %d)\n", label.c_str(), checksum, pinn::backend_concurrency());
}

/// Expects the printing test `filter`, rerun at 1 and at 2 threads, to print
/// `checksum` (this process's). With `set_omp_threads`, OMP_NUM_THREADS is set
/// to the same count; otherwise only --kokkos-threads, as on the command line.
inline void expect_same_checksum_at_one_and_two_threads(const std::string& filter, const std::string& label,
                                                        std::uint64_t checksum, bool set_omp_threads) {
  char expected[32];
  std::snprintf(expected, sizeof(expected), "%016" PRIx64, checksum);
  for (const int threads : {1, 2}) {
    const std::string environment = set_omp_threads ? "OMP_NUM_THREADS=" + std::to_string(threads) + " " : "";
    const ChildChecksum child = checksum_in_child(filter, label, threads, environment);
    if (!child.ran) GTEST_SKIP() << "could not rerun the test program (/proc/self/exe)";
    EXPECT_EQ(child.exit_status, 0) << child.command;
    EXPECT_EQ(child.checksum, expected) << threads << " threads, " << child.concurrency;
  }
}

}  // namespace pinn_test

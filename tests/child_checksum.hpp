/// @file tests/child_checksum.hpp
/// @brief Reruns this test program in a child process at a given thread count
/// and reads the checksum one of its tests prints. Kokkos is initialised once
/// per process, so this is how the thread-count tests compare results across
/// --kokkos-threads.
#pragma once

#include <cstdio>
#include <string>
#include <unistd.h>

namespace pinn_test {

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

}  // namespace pinn_test

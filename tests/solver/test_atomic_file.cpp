/// @file tests/solver/test_atomic_file.cpp
/// @brief Atomic writes never leave a half-written file and keep the old one on failure.
#include "solver/atomic_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(AtomicFile, ReplacesContentAndCreatesFolders) {
  const fs::path dir = fs::temp_directory_path() / ("pinn_atomic_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const fs::path file = dir / "a" / "b.txt";
  pinn::write_file_atomically(file.string(), "first");
  EXPECT_EQ(read_text(file), "first");
  pinn::write_file_atomically(file.string(), "second");
  EXPECT_EQ(read_text(file), "second");
  fs::remove_all(dir);
}

TEST(AtomicFile, FailedWriteKeepsTheEarlierResult) {
  const fs::path dir = fs::temp_directory_path() / ("pinn_atomic_fail_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const fs::path file = dir / "summary.json";
  pinn::write_file_atomically(file.string(), "earlier result");
  EXPECT_THROW(pinn::write_atomically_with(file.string(),
                                           [](const std::string& temporary) {
                                             std::ofstream(temporary) << "half";
                                             throw std::runtime_error("disk full");
                                           }),
               std::runtime_error);
  EXPECT_EQ(read_text(file), "earlier result");
  int files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 1) << "the temporary file is removed";
  fs::remove_all(dir);
}

}  // namespace

/// @file tests/nn/test_atomic_file.cpp
/// @brief Atomic writes never leave a half-written file and keep the old one
/// on failure. A full disk is simulated by a symbolic link from the
/// temporary name to /dev/full, where every write fails with ENOSPC.
#include "nn/atomic_file.hpp"

#include "nn/error.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path fresh_folder(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / (name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

/// The next atomic write of `file` by this process lands on a full disk.
void make_next_write_of_fail(const fs::path& file) {
  fs::create_symlink("/dev/full", file.string() + ".tmp." + std::to_string(::getpid()));
}

int count_entries(const fs::path& dir) {
  int n = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir)) ++n;
  return n;
}

TEST(AtomicFile, ReplacesContentAndCreatesFolders) {
  const fs::path dir = fresh_folder("pinn_atomic");
  const fs::path file = dir / "a" / "b.txt";
  pinn::write_file_atomically(file.string(), "first");
  EXPECT_EQ(read_text(file), "first");
  pinn::write_file_atomically(file.string(), "second");
  EXPECT_EQ(read_text(file), "second");
  fs::remove_all(dir);
}

TEST(AtomicFile, AFullDiskKeepsTheEarlierFileAndNamesTheCause) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full on this system";
  const fs::path dir = fresh_folder("pinn_atomic_full");
  const fs::path file = dir / "summary.json";
  pinn::write_file_atomically(file.string(), "earlier result");
  make_next_write_of_fail(file);
  try {
    pinn::write_file_atomically(file.string(), std::string(100000, 'x'));
    FAIL() << "a write to a full disk must throw";
  } catch (const pinn::RunError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(file.string()), std::string::npos) << message;
    EXPECT_NE(message.find("No space left on device"), std::string::npos) << message;
  }
  EXPECT_EQ(read_text(file), "earlier result");
  EXPECT_EQ(count_entries(dir), 1) << "the temporary name is removed";
  fs::remove_all(dir);
}

TEST(AtomicFile, AFolderThatCannotBeCreatedIsNamed) {
  const fs::path dir = fresh_folder("pinn_atomic_folder");
  std::ofstream(dir / "plain_file") << "x";
  try {
    pinn::write_file_atomically((dir / "plain_file" / "summary.json").string(), "y");
    FAIL() << "a folder below a plain file cannot exist";
  } catch (const pinn::RunError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("it exists and is not a folder"), std::string::npos) << message;
    EXPECT_EQ(message.find("filesystem error"), std::string::npos) << "no raw std::filesystem text: " << message;
  }
  fs::remove_all(dir);
}

TEST(AtomicFileSet, ReplacesAllFilesOnlyAfterEveryOneIsWritten) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full on this system";
  const fs::path dir = fresh_folder("pinn_atomic_set");
  const fs::path a = dir / "a.txt", b = dir / "b.txt";
  pinn::write_file_atomically(a.string(), "earlier a");
  pinn::write_file_atomically(b.string(), "earlier b");
  {
    pinn::AtomicFileSet set;
    set.add(a.string(), "new a");
    make_next_write_of_fail(b);
    EXPECT_THROW(set.add(b.string(), "new b"), pinn::RunError);
    EXPECT_EQ(read_text(a), "earlier a") << "nothing is replaced before commit";
  }
  EXPECT_EQ(read_text(a), "earlier a");
  EXPECT_EQ(read_text(b), "earlier b");
  EXPECT_EQ(count_entries(dir), 2) << "an abandoned set removes its temporary files";
  {
    pinn::AtomicFileSet set;
    set.add(a.string(), "new a");
    set.add(b.string(), "new b");
    set.commit();
  }
  EXPECT_EQ(read_text(a), "new a");
  EXPECT_EQ(read_text(b), "new b");
  EXPECT_EQ(count_entries(dir), 2);
  fs::remove_all(dir);
}

}  // namespace

/// @file nn/atomic_file.cpp
/// @brief Checked POSIX writes: write(2) until every byte is out, fsync(2),
/// close(2), rename(2), fsync of the folder. An ofstream can report success
/// for data still in its buffer or the page cache; these calls cannot.
#include "nn/atomic_file.hpp"

#include "nn/error.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace pinn {

namespace {

namespace fs = std::filesystem;

std::string cause(int error) { return std::strerror(error); }

std::string temporary_name(const std::string& path) { return path + ".tmp." + std::to_string(::getpid()); }

/// Writes every byte to a new `temporary` and makes it durable; on failure
/// removes it and throws, naming `path` (the file the user knows).
void write_durably(const std::string& path, const std::string& temporary, std::string_view bytes) {
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw RunError("cannot write " + path + ": " + cause(errno));
  const auto fail = [&](const char* what) {
    const int error = errno;
    ::close(fd);
    ::unlink(temporary.c_str());
    throw RunError("cannot write " + path + ": " + what + cause(error) + " (the earlier file, if any, is unchanged)");
  };
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;
      fail("");
    }
    done += static_cast<std::size_t>(n);
  }
  // A file system may accept the write() and only find out at fsync or close
  // that the blocks cannot be allocated (delayed allocation, network file systems).
  if (::fsync(fd) != 0 && errno != EINVAL) fail("fsync: ");
  if (::close(fd) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    throw RunError("cannot write " + path + ": close: " + cause(error) + " (the earlier file, if any, is unchanged)");
  }
}

void fsync_directory(const std::string& directory) {
  const int fd = ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // renames are done; only their durability across a power cut is at stake
  ::fsync(fd);
  ::close(fd);
}

std::string parent_of(const std::string& path) { return fs::path(path).parent_path().string(); }

void rename_or_throw(const std::string& temporary, const std::string& path) {
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    throw RunError("cannot replace " + path + ": " + cause(error));
  }
}

}  // namespace

void create_directories_or_throw(const std::string& directory) {
  if (directory.empty()) return;
  std::error_code error;
  if (fs::exists(directory, error) && !fs::is_directory(directory, error))
    throw RunError("cannot use " + directory + " as a folder: it exists and is not a folder");
  fs::create_directories(directory, error);
  if (error) throw RunError("cannot create the folder " + directory + ": " + error.message());
}

void write_file_atomically(const std::string& path, std::string_view bytes) {
  AtomicFileSet one;  // a set of one file: the same checked write, rename and folder fsync
  one.add(path, bytes);
  one.commit();
}

AtomicFileSet::~AtomicFileSet() {
  for (const Pending& p : pending_) ::unlink(p.temporary.c_str());
}

void AtomicFileSet::add(const std::string& path, std::string_view bytes) {
  create_directories_or_throw(parent_of(path));
  const std::string temporary = temporary_name(path);
  write_durably(path, temporary, bytes);
  pending_.push_back({path, temporary});
}

void AtomicFileSet::commit() {
  std::vector<Pending> pending;
  pending.swap(pending_);
  for (std::size_t i = 0; i < pending.size(); ++i) {
    try {
      rename_or_throw(pending[i].temporary, pending[i].path);
    } catch (...) {
      for (std::size_t j = i + 1; j < pending.size(); ++j) ::unlink(pending[j].temporary.c_str());
      throw;
    }
  }
  std::vector<std::string> folders;
  for (const Pending& p : pending) {
    const std::string folder = parent_of(p.path);
    if (std::find(folders.begin(), folders.end(), folder) == folders.end()) folders.push_back(folder);
  }
  for (const std::string& folder : folders) fsync_directory(folder);
}

}  // namespace pinn

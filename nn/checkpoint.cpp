/// @file nn/checkpoint.cpp
/// @brief Writing and reading network + optimiser checkpoints.
#include "nn/checkpoint.hpp"

#include "nn/atomic_file.hpp"
#include "nn/error.hpp"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <type_traits>
#include <utility>
#include <unistd.h>

namespace pinn {

namespace {

constexpr char kMagic[8] = {'P', 'I', 'N', 'N', 'C', 'K', 'P', 'T'};
constexpr std::uint32_t kByteOrderMark = 0x01020304u;

std::uint64_t fnv1a(const std::string& bytes) {
  std::uint64_t hash = 1469598103934665603ull;
  for (const unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

class Writer {
 public:
  template <class T>
  void put(T value) {
    static_assert(std::is_trivially_copyable_v<T>, "only plain values are written");
    bytes_.append(reinterpret_cast<const char*>(&value), sizeof(T));
  }
  void put_string(const std::string& s) {
    put(static_cast<std::uint32_t>(s.size()));
    bytes_.append(s);
  }
  void put_doubles(const double* values, std::size_t n) {
    put(static_cast<std::int64_t>(n));
    bytes_.append(reinterpret_cast<const char*>(values), n * sizeof(double));
  }
  std::string& bytes() { return bytes_; }

 private:
  std::string bytes_;
};

class Reader {
 public:
  Reader(const std::string& bytes, std::size_t end, std::string path) : bytes_(bytes), end_(end), path_(std::move(path)) {}
  template <class T>
  T get(const char* what) {
    need(sizeof(T), what);
    T value;
    std::memcpy(&value, bytes_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return value;
  }
  std::string get_string(const char* what) {
    const auto n = get<std::uint32_t>(what);
    need(n, what);
    std::string s = bytes_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  std::vector<double> get_doubles(const char* what) {
    const auto n = get<std::int64_t>(what);
    PINN_USER_REQUIRE(n >= 0 && static_cast<std::uint64_t>(n) <= (end_ - pos_) / sizeof(double),
                      "checkpoint " << path_ << ": " << what << " claims " << n << " values, more than the file holds");
    std::vector<double> values(static_cast<std::size_t>(n));
    if (!values.empty()) std::memcpy(values.data(), bytes_.data() + pos_, values.size() * sizeof(double));
    pos_ += values.size() * sizeof(double);
    return values;
  }
  bool at_end() const { return pos_ == end_; }

 private:
  void need(std::size_t n, const char* what) const {
    PINN_USER_REQUIRE(end_ - pos_ >= n, "checkpoint " << path_ << " is truncated (reading " << what << ")");
  }
  const std::string& bytes_;
  std::size_t end_;
  std::size_t pos_ = 0;
  std::string path_;
};


std::vector<double> to_host_vector(const ConstVector& v) {
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), v);
  return std::vector<double>(host.data(), host.data() + host.extent(0));
}

void from_host_vector(const std::vector<double>& values, const Vector& v) {
  Kokkos::View<const double*, Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>> host(values.data(),
                                                                                               values.size());
  Kokkos::deep_copy(v, host);
}

std::string widths_text(const std::vector<int>& widths) {
  std::ostringstream out;
  for (std::size_t i = 0; i < widths.size(); ++i) out << (i ? "-" : "") << widths[i];
  return out.str();
}

}  // namespace

void save_checkpoint(const std::string& path, const Mlp& net, const Adam* adam, const CheckpointArrays& arrays) {
  const MlpLayout& layout = net.layout();
  Writer w;
  w.bytes().append(kMagic, sizeof(kMagic));
  w.put(kCheckpointVersion);
  w.put(kByteOrderMark);
  w.put(static_cast<std::int32_t>(layout.n_layers));
  for (int l = 0; l <= layout.n_layers; ++l) w.put(static_cast<std::int32_t>(layout.width[l]));
  w.put_string(to_string(layout.activation));
  w.put_string(to_string(net.config().alpha_mode));
  w.put_string(to_string(layout.alpha_constraint));
  w.put(layout.fixed_alpha);
  const std::vector<double> params = to_host_vector(net.params());
  w.put_doubles(params.data(), params.size());
  w.put(static_cast<std::uint8_t>(adam ? 1 : 0));
  if (adam) {
    w.put(static_cast<std::int64_t>(adam->iteration()));
    const std::vector<double> m = to_host_vector(adam->first_moment()), v = to_host_vector(adam->second_moment());
    w.put_doubles(m.data(), m.size());
    w.put_doubles(v.data(), v.size());
  }
  w.put(static_cast<std::uint32_t>(arrays.size()));
  for (const auto& [name, values] : arrays) {
    w.put_string(name);
    w.put_doubles(values.data(), values.size());
  }
  w.put(fnv1a(w.bytes()));

  write_file_atomically(path, w.bytes());
}

namespace {

/// Everything a checkpoint file holds, validated (header, version, byte
/// order, checksum, lengths) but not yet compared with any network.
struct StoredCheckpoint {
  std::vector<int> widths;
  std::string activation, alpha_mode, alpha_constraint;
  double fixed_alpha = 0.0;
  std::vector<double> params;
  bool has_optimizer = false;
  std::int64_t iteration = 0;
  std::vector<double> m, v;
  CheckpointArrays arrays;
};

StoredCheckpoint read_checkpoint(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  PINN_USER_REQUIRE(in, "checkpoint " << path << " cannot be opened");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  PINN_USER_REQUIRE(bytes.size() >= sizeof(kMagic) && std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) == 0,
                    "checkpoint " << path << " is not an obstacle-pinn checkpoint (no PINNCKPT header)");
  const std::size_t header = sizeof(kMagic) + 2 * sizeof(std::uint32_t);
  PINN_USER_REQUIRE(bytes.size() >= header + sizeof(std::uint64_t), "checkpoint " << path << " is truncated");
  std::uint32_t version = 0, mark = 0;
  std::memcpy(&version, bytes.data() + sizeof(kMagic), sizeof(version));
  std::memcpy(&mark, bytes.data() + sizeof(kMagic) + sizeof(version), sizeof(mark));
  PINN_USER_REQUIRE(mark == kByteOrderMark,
                    "checkpoint " << path << " was written on a machine of the other byte order");
  PINN_USER_REQUIRE(version == kCheckpointVersion, "checkpoint " << path << " has version " << version
                                                                 << "; this build reads version " << kCheckpointVersion);
  const std::size_t body_end = bytes.size() - sizeof(std::uint64_t);
  std::uint64_t stored_hash = 0;
  std::memcpy(&stored_hash, bytes.data() + body_end, sizeof(stored_hash));
  PINN_USER_REQUIRE(stored_hash == fnv1a(bytes.substr(0, body_end)),
                    "checkpoint " << path << " is corrupt or truncated (checksum mismatch)");

  Reader r(bytes, body_end, path);
  r.get<std::uint64_t>("header");  // magic
  r.get<std::uint32_t>("version");
  r.get<std::uint32_t>("byte-order mark");
  StoredCheckpoint c;
  const int n_layers = r.get<std::int32_t>("layer count");
  PINN_USER_REQUIRE(n_layers >= 1 && n_layers <= 1000, "checkpoint " << path << " has an impossible layer count " << n_layers);
  c.widths.resize(n_layers + 1);
  for (int& width : c.widths) width = r.get<std::int32_t>("layer widths");
  c.activation = r.get_string("activation");
  c.alpha_mode = r.get_string("alpha mode");
  c.alpha_constraint = r.get_string("alpha constraint");
  c.fixed_alpha = r.get<double>("LeakyReLU slope");
  c.params = r.get_doubles("parameters");
  c.has_optimizer = r.get<std::uint8_t>("optimiser flag") != 0;
  if (c.has_optimizer) {
    c.iteration = r.get<std::int64_t>("optimiser iteration");
    c.m = r.get_doubles("first moment");
    c.v = r.get_doubles("second moment");
  }
  const auto n_arrays = r.get<std::uint32_t>("array count");
  for (std::uint32_t a = 0; a < n_arrays; ++a) {
    std::string name = r.get_string("array name");
    c.arrays[name] = r.get_doubles("array values");
  }
  PINN_USER_REQUIRE(r.at_end(), "checkpoint " << path << " has unexpected bytes after its last section");
  return c;
}

}  // namespace

std::vector<int> checkpoint_layer_widths(const std::string& path) { return read_checkpoint(path).widths; }

CheckpointArrays load_checkpoint(const std::string& path, Mlp& net, Adam* adam) {
  StoredCheckpoint stored = read_checkpoint(path);

  // Shape check: list every difference, not just the first.
  const MlpLayout& layout = net.layout();
  std::vector<int> net_widths(layout.width, layout.width + layout.n_layers + 1);
  std::ostringstream diff;
  if (stored.widths != net_widths)
    diff << "\n  layer widths: checkpoint " << widths_text(stored.widths) << ", network " << widths_text(net_widths);
  if (stored.activation != to_string(layout.activation))
    diff << "\n  activation: checkpoint " << stored.activation << ", network " << to_string(layout.activation);
  const bool prelu = layout.activation == Activation::prelu;
  if (prelu && stored.alpha_mode != to_string(net.config().alpha_mode))
    diff << "\n  alpha_mode: checkpoint " << stored.alpha_mode << ", network " << to_string(net.config().alpha_mode);
  if (prelu && stored.alpha_constraint != to_string(layout.alpha_constraint))
    diff << "\n  alpha_constraint: checkpoint " << stored.alpha_constraint << ", network "
         << to_string(layout.alpha_constraint);
  if (layout.activation == Activation::leaky_relu && stored.fixed_alpha != layout.fixed_alpha)
    diff << "\n  alpha (LeakyReLU slope): checkpoint " << stored.fixed_alpha << ", network " << layout.fixed_alpha;
  if (diff.str().empty() && static_cast<int>(stored.params.size()) != net.n_params())
    diff << "\n  parameter count: checkpoint " << stored.params.size() << ", network " << net.n_params();
  PINN_USER_REQUIRE(diff.str().empty(), "checkpoint " << path << " does not match the network:" << diff.str());
  if (adam) {
    PINN_USER_REQUIRE(stored.has_optimizer, "checkpoint " << path << " holds no optimiser state to resume Adam from");
    PINN_USER_REQUIRE(static_cast<int>(stored.m.size()) == net.n_params() && stored.m.size() == stored.v.size() &&
                          static_cast<int>(adam->first_moment().extent(0)) == net.n_params(),
                      "checkpoint " << path << ": optimiser state has " << stored.m.size() << " entries, the network "
                                    << net.n_params() << " parameters");
  }

  from_host_vector(stored.params, net.params());
  if (adam) {
    from_host_vector(stored.m, adam->first_moment());
    from_host_vector(stored.v, adam->second_moment());
    adam->set_iteration(static_cast<int>(stored.iteration));
  }
  return std::move(stored.arrays);
}

}  // namespace pinn

/// @file tests/nn/test_checkpoint.cpp
/// @brief Checkpoints (nn/checkpoint.hpp): bit-exact round trips, training that
/// continues from a checkpoint exactly as without interruption, and the
/// errors for files that do not fit.
#include "nn/nn.hpp"
#include "tests/nn/nn_test_helpers.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <unistd.h>

namespace {

using pinn::Activation;
using pinn::AlphaMode;
using pinn::JetOrder;
using pinn::test::to_host;

/// A file name unique to this test and process, removed at the end.
class TempFile {
 public:
  explicit TempFile(const std::string& tag)
      : path_(::testing::TempDir() + "pinn_checkpoint_" + tag + "_" + std::to_string(::getpid()) + ".bin") {}
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

pinn::MlpConfig config_2d(std::vector<int> hidden = {12, 8}, Activation act = Activation::prelu) {
  pinn::MlpConfig config;
  config.n_inputs = 2;
  config.hidden = std::move(hidden);
  config.activation = act;
  config.alpha = 0.2;
  config.alpha_mode = AlphaMode::channel;
  return config;
}

pinn::AdamOptions adam_options() {
  pinn::AdamOptions options;
  options.schedule.initial = 1e-2;
  return options;
}

/// n Adam steps on a fixed batch.
void train(pinn::Mlp& net, pinn::Adam& adam, const pinn::Matrix& points, int n) {
  pinn::GradientWorkspace ws;
  pinn::Vector grad("grad", net.n_params());
  const pinn::test::EnergyLoss loss{2};
  for (int it = 0; it < n; ++it) {
    pinn::loss_and_gradient(pinn::ExecSpace(), net, points, loss, JetOrder::gradient, grad, ws);
    adam.step(pinn::ExecSpace(), net.params(), grad);
  }
}

bool bitwise_equal(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string load_error(const std::string& path, pinn::Mlp& net, pinn::Adam* adam = nullptr) {
  try {
    pinn::load_checkpoint(path, net, adam);
  } catch (const pinn::UserError& e) {
    return e.what();
  }
  return "";
}

TEST(Checkpoint, RoundTripIsBitExact) {
  const TempFile file("roundtrip");
  pinn::Mlp net(config_2d());
  net.initialize(3);
  pinn::Adam adam(net.n_params(), adam_options());
  train(net, adam, pinn::test::random_points(64, 2, 1), 7);
  const pinn::CheckpointArrays arrays{{"multipliers", {0.5, -1.25, 3e-300}}, {"stage", {2.0}}, {"empty", {}}};
  pinn::save_checkpoint(file.path(), net, &adam, arrays);

  pinn::Mlp other(config_2d());
  other.initialize(99);  // different values, overwritten by the load
  pinn::Adam other_adam(other.n_params(), adam_options());
  const pinn::CheckpointArrays loaded = pinn::load_checkpoint(file.path(), other, &other_adam);
  EXPECT_TRUE(bitwise_equal(to_host(other.params()), to_host(net.params())));
  EXPECT_TRUE(bitwise_equal(to_host(other_adam.first_moment()), to_host(adam.first_moment())));
  EXPECT_TRUE(bitwise_equal(to_host(other_adam.second_moment()), to_host(adam.second_moment())));
  EXPECT_EQ(other_adam.iteration(), 7);
  EXPECT_EQ(loaded, arrays);

  // Parameters only: the optimiser section is skipped when not asked for...
  pinn::Mlp third(config_2d());
  EXPECT_TRUE(pinn::load_checkpoint(file.path(), third).size() == arrays.size());
  EXPECT_TRUE(bitwise_equal(to_host(third.params()), to_host(net.params())));
  // ...and a file without it cannot resume Adam.
  const TempFile bare("bare");
  pinn::save_checkpoint(bare.path(), net);
  pinn::Adam fresh(net.n_params(), adam_options());
  EXPECT_NE(load_error(bare.path(), third, &fresh).find("no optimiser state"), std::string::npos);
}

TEST(Checkpoint, TrainingResumedFromACheckpointEqualsUninterruptedTrainingBitwise) {
  const auto points = pinn::test::random_points(100, 2, 8);
  pinn::Mlp straight(config_2d());
  straight.initialize(21);
  pinn::Adam straight_adam(straight.n_params(), adam_options());
  train(straight, straight_adam, points, 30);

  const TempFile file("resume");
  {
    pinn::Mlp first(config_2d());
    first.initialize(21);
    pinn::Adam first_adam(first.n_params(), adam_options());
    train(first, first_adam, points, 13);
    pinn::save_checkpoint(file.path(), first, &first_adam);
  }
  pinn::Mlp resumed(config_2d());
  resumed.initialize(5);  // anything: the checkpoint replaces it
  pinn::Adam resumed_adam(resumed.n_params(), adam_options());
  pinn::load_checkpoint(file.path(), resumed, &resumed_adam);
  train(resumed, resumed_adam, points, 17);
  EXPECT_EQ(resumed_adam.iteration(), 30);
  EXPECT_TRUE(bitwise_equal(to_host(resumed.params()), to_host(straight.params())));
  EXPECT_TRUE(bitwise_equal(to_host(resumed_adam.first_moment()), to_host(straight_adam.first_moment())));
  EXPECT_TRUE(bitwise_equal(to_host(resumed_adam.second_moment()), to_host(straight_adam.second_moment())));
  // Sanity: training did move the parameters.
  pinn::Mlp initial(config_2d());
  initial.initialize(21);
  EXPECT_FALSE(bitwise_equal(to_host(initial.params()), to_host(straight.params())));
}

TEST(Checkpoint, DifferentShapeIsRejectedSayingWhatDiffers) {
  const TempFile file("shape");
  pinn::Mlp net(config_2d({12, 8}));
  net.initialize(1);
  pinn::save_checkpoint(file.path(), net);
  const auto before = [](const pinn::Mlp& m) { return to_host(m.params()); };

  pinn::Mlp wider(config_2d({12, 9}));
  const auto untouched = before(wider);
  const std::string widths = load_error(file.path(), wider);
  EXPECT_NE(widths.find("does not match the network"), std::string::npos) << widths;
  EXPECT_NE(widths.find("layer widths: checkpoint 2-12-8-1, network 2-12-9-1"), std::string::npos) << widths;
  EXPECT_TRUE(bitwise_equal(before(wider), untouched)) << "a failed load must not modify the network";

  pinn::Mlp tanh_net(config_2d({12, 8}, Activation::tanh));
  const std::string act = load_error(file.path(), tanh_net);
  EXPECT_NE(act.find("activation: checkpoint prelu, network tanh"), std::string::npos) << act;

  auto layer_config = config_2d();
  layer_config.alpha_mode = AlphaMode::layer;
  layer_config.alpha_constraint = pinn::AlphaConstraint::unit_interval;
  pinn::Mlp layer_net(layer_config);
  const std::string mode = load_error(file.path(), layer_net);
  EXPECT_NE(mode.find("alpha_mode: checkpoint channel, network layer"), std::string::npos) << mode;
  EXPECT_NE(mode.find("alpha_constraint: checkpoint none, network unit_interval"), std::string::npos) << mode;

  auto leaky = config_2d({12, 8}, Activation::leaky_relu);
  pinn::Mlp leaky_net(leaky);
  pinn::save_checkpoint(file.path(), leaky_net);
  leaky.alpha = 0.3;
  pinn::Mlp other_slope(leaky);
  const std::string slope = load_error(file.path(), other_slope);
  EXPECT_NE(slope.find("alpha (LeakyReLU slope): checkpoint 0.2, network 0.3"), std::string::npos) << slope;
}

TEST(Checkpoint, LayerWidthsAreReadWithoutANetwork) {
  // A network that grew by neuron insertion is rebuilt from these before loading.
  const TempFile file("widths");
  pinn::Mlp net(config_2d({12, 8}));
  net.initialize(1);
  pinn::save_checkpoint(file.path(), net);
  EXPECT_EQ(pinn::checkpoint_layer_widths(file.path()), (std::vector<int>{2, 12, 8, 1}));
  write_bytes(file.path(), read_bytes(file.path()).substr(0, 40));
  EXPECT_THROW(pinn::checkpoint_layer_widths(file.path()), pinn::UserError) << "the same checks as loading";
}

TEST(Checkpoint, CorruptTruncatedForeignAndMissingFilesAreRejected) {
  const TempFile file("corrupt");
  pinn::Mlp net(config_2d());
  net.initialize(1);
  pinn::Adam adam(net.n_params(), adam_options());
  pinn::save_checkpoint(file.path(), net, &adam);
  const std::string good = read_bytes(file.path());

  std::string flipped = good;
  flipped[good.size() / 2] ^= 0x10;
  write_bytes(file.path(), flipped);
  EXPECT_NE(load_error(file.path(), net, &adam).find("checksum"), std::string::npos);

  write_bytes(file.path(), good.substr(0, good.size() - 100));
  EXPECT_NE(load_error(file.path(), net, &adam).find("corrupt or truncated"), std::string::npos);

  write_bytes(file.path(), good.substr(0, 10));
  EXPECT_NE(load_error(file.path(), net, &adam).find("truncated"), std::string::npos);

  write_bytes(file.path(), "hello, this is not a checkpoint at all");
  EXPECT_NE(load_error(file.path(), net, &adam).find("not an obstacle-pinn checkpoint"), std::string::npos);

  std::string version = good;
  version[8] = 7;  // version field follows the 8-byte magic
  write_bytes(file.path(), version);
  EXPECT_NE(load_error(file.path(), net, &adam).find("has version 7"), std::string::npos);

  EXPECT_NE(load_error(file.path() + ".missing", net).find("cannot be opened"), std::string::npos);

  // After all that, the good bytes still load.
  write_bytes(file.path(), good);
  EXPECT_EQ(load_error(file.path(), net, &adam), "");
}

TEST(Checkpoint, SaveLeavesNoTemporaryFileBehind) {
  const TempFile file("atomic");
  pinn::Mlp net(config_2d());
  net.initialize(1);
  pinn::save_checkpoint(file.path(), net);
  pinn::save_checkpoint(file.path(), net);  // overwrite in place
  EXPECT_FALSE(std::ifstream(file.path() + ".tmp." + std::to_string(::getpid())).good());
  EXPECT_TRUE(std::ifstream(file.path()).good());
  // A folder below a plain file cannot be created.
  EXPECT_THROW(pinn::save_checkpoint(file.path() + "/x/checkpoint.bin", net), pinn::RunError);
}

}  // namespace

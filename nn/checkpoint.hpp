/// @file nn/checkpoint.hpp
/// @brief Binary checkpoints of the network parameters and the Adam state, so
/// that an interrupted training run continues bit for bit.
///
/// File layout (version 1; integers and doubles in the writer's byte order,
/// which a byte-order mark records; strings are a uint32 length + bytes):
///   "PINNCKPT" (8 bytes) · uint32 version · uint32 byte-order mark 0x01020304
///   shape: int32 n_layers · int32 width[n_layers + 1] · string activation ·
///          string alpha_mode · string alpha_constraint · double LeakyReLU slope
///   int64 n_params · double params[n_params]
///   uint8 has_optimizer · [int64 iteration · int64 n · double m[n] · double v[n]]
///   uint32 n_arrays · n_arrays × (string name · int64 n · double values[n])
///   uint64 FNV-1a hash of every byte before it
/// Files are written to a temporary name and renamed, so a crash never leaves
/// a half-written checkpoint under the real name.
#pragma once

#include "nn/adam.hpp"
#include "nn/mlp.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace pinn {

inline constexpr std::uint32_t kCheckpointVersion = 1;

/// Named arrays a caller stores alongside the network (e.g. multipliers, the
/// stage and iteration it stopped at); the network knows nothing about them.
using CheckpointArrays = std::map<std::string, std::vector<double>>;

/// Writes the parameters of `net`, the shape needed to check them on loading,
/// the Adam moments and iteration count if `adam` is given, and `arrays`.
/// Throws pinn::RunError if the file cannot be written.
void save_checkpoint(const std::string& path, const Mlp& net, const Adam* adam = nullptr,
                     const CheckpointArrays& arrays = {});

/// Reads a checkpoint into `net` (and `adam` if given; its moments and
/// iteration count are restored, its options are the caller's) and returns the
/// stored arrays. Throws pinn::UserError, saying which file and what is wrong,
/// when the file is missing, not a checkpoint, of another version, corrupt or
/// truncated, was written for a network of a different shape (every
/// difference is listed: layer widths, activation, slope mode, constraint,
/// LeakyReLU slope), or holds no optimiser state while `adam` is given.
/// Nothing is modified unless the whole file is valid.
CheckpointArrays load_checkpoint(const std::string& path, Mlp& net, Adam* adam = nullptr);

/// The layer widths (inputs, hidden layers, outputs) of the network a valid
/// checkpoint was written for, so that a caller whose network grows during
/// training (neuron insertion) can build one of the stored shape before
/// loading. Throws pinn::UserError as load_checkpoint does for invalid files.
std::vector<int> checkpoint_layer_widths(const std::string& path);

}  // namespace pinn

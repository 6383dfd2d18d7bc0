/// @file nn/nn.hpp
/// @brief Umbrella header of the network library.
#pragma once

#include "nn/activation.hpp"
#include "nn/adam.hpp"
#include "nn/checkpoint.hpp"
#include "nn/diagnostics.hpp"
#include "nn/error.hpp"
#include "nn/kink_placement.hpp"
#include "nn/kokkos_types.hpp"
#include "nn/learning_rate.hpp"
#include "nn/mlp.hpp"
#include "nn/mlp_evaluation.hpp"
#include "nn/neuron_insertion.hpp"
#include "nn/neuron_revival.hpp"
#include "nn/parameter_jacobian.hpp"
#include "nn/piecewise_linear_1d.hpp"
#include "nn/point_jet.hpp"

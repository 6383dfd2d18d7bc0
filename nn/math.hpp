/// @file nn/math.hpp
/// @brief Math functions usable in kernels on Kokkos 3.4 (Kokkos::Experimental::)
/// and Kokkos >= 3.7 / 4.x (Kokkos::), without #ifdefs in the numerics.
#pragma once

#include <Kokkos_Core.hpp>

namespace pinn::math {

#if KOKKOS_VERSION >= 30700
using Kokkos::cos;
using Kokkos::exp;
using Kokkos::log1p;
using Kokkos::sin;
using Kokkos::sqrt;
using Kokkos::tanh;
#else
using Kokkos::Experimental::cos;
using Kokkos::Experimental::exp;
using Kokkos::Experimental::log1p;
using Kokkos::Experimental::sin;
using Kokkos::Experimental::sqrt;
using Kokkos::Experimental::tanh;
#endif

}  // namespace pinn::math

// Written by knowhow in place of ALE's CMake-configured version.hpp.in (ale-py 0.12.1's sdist).
#ifndef __VERSION_HPP__
#define __VERSION_HPP__

#define ALE_VERSION "0.12.1"
#define ALE_VERSION_MAJOR "0"
#define ALE_VERSION_MINOR "12"
#define ALE_VERSION_PATCH "1"
#define ALE_VERSION_GIT_SHA "8a8fafb"

// This isn't entirely accurate, there's been
// some changes post 2.4.2.
#define STELLA_VERSION "2.4.2"

#endif // __VERSION_HPP__

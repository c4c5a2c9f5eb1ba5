// The precompiled header of every test executable (tests/CMakeLists.txt):
// what most test files include and every one pays for when parsed anew.
// Only third-party and standard headers: a change to one of ours must not
// rebuild every test.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

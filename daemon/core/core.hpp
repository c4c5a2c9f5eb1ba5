// core: value types every module shares — time, URLs, text helpers.
// The front door of the core module; include the room you need or this.
#pragma once

#include "core/text.hpp"
#include "core/time.hpp"
#include "core/url.hpp"

#pragma once

// Telling processes apart across time: a process id is recycled, its start time is not. Used to recognise the
// process behind a run, a staging folder or a pending dataset version, and never to take a newer process
// that got the same id for it.

#include <cstdint>
#include <string>

namespace gw::datasets {

/// When a process started (clock ticks after boot, /proc/PID/stat field 22); -1 when it is gone or a zombie.
int64_t processStartTicks(int64_t pid);
/// This machine's name (runs and outputs record where they were written).
std::string hostName();

} // namespace gw::datasets

#pragma once
// A hook for the fault tests (tests/core/tst_faults.cpp): with ALETHEIA_TEST_PAUSE_AT=<point>
// (or <point>:<n>, the n-th time only) in the environment, testPauseAt(<point>) prints
// "paused at <point>" to stderr and sleeps a minute, so that a test can kill -9 the process
// inside a window that is otherwise microseconds wide (a checkpoint or an export half written).
// Without the variable it costs one getenv.
namespace aletheia {
void testPauseAt(const char* point);
}  // namespace aletheia

#pragma once
// Deterministic dataset operations: seeded shuffle, train/validation split, truncation, packing.
#include <cstdint>
#include <vector>

#include "core/text/example.h"

namespace aletheia::text {

// A small portable generator: the same seed gives the same order on every platform
// (std::shuffle and std::uniform_int_distribution are implementation-defined).
class SplitMix64 {
public:
    explicit SplitMix64(uint64_t seed) : s_(seed) {}
    uint64_t next() {
        uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    uint64_t below(uint64_t n) { return n ? next() % n : 0; }
private:
    uint64_t s_;
};

// Fisher-Yates over 0..n-1 with SplitMix64(seed).
std::vector<size_t> shuffledIndices(size_t n, uint64_t seed);

// Concatenates consecutive examples (in the given order) while they fit in maxSeqLen.
// Labels keep each example's mask; an example longer than maxSeqLen stays alone.
std::vector<Example> packExamples(const std::vector<Example>& examples, int maxSeqLen);

// Cuts ids and labels to maxSeqLen; returns true if something was cut.
bool truncateExample(Example& ex, int maxSeqLen);

}  // namespace aletheia::text

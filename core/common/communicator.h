#pragma once
// What the trainer and the probe need of a process group, and nothing more: the ranks of a
// data-parallel run and two collectives. core/dist implements it on libtorch's c10d; the
// engine only sees this interface, and a null Communicator (or world size 1) is one process.
#include <cstdint>
#include <string>
#include <utility>

#include <torch/types.h>

namespace aletheia {

class Communicator {
public:
    virtual ~Communicator() = default;
    virtual int rank() const = 0;
    virtual int worldSize() const = 0;
    // Sums `t` over all ranks, in place, on every rank. `what` names the collective in the
    // aletheia::Error thrown when a peer died or did not answer in time.
    virtual void allReduceSum(torch::Tensor& t, const std::string& what) = 0;
    // Every rank gets rank `root`'s `t`, in place.
    virtual void broadcast(torch::Tensor& t, int root, const std::string& what) = 0;
};

// The communicator of a run, or null when it runs on one process.
inline Communicator* distributed(Communicator* c) { return c && c->worldSize() > 1 ? c : nullptr; }

// Rows [begin, end) of `rows` that rank `rank` of `world` takes: contiguous, sizes differing by
// at most one, so the ranks together take every row exactly once.
inline std::pair<int64_t, int64_t> rankRows(int64_t rows, int rank, int world) {
    return {rows * rank / world, rows * (rank + 1) / world};
}

}  // namespace aletheia

#include "core/dist/process_group.h"

#include <chrono>
#include <cstdlib>
#include <vector>

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/version.h>
#ifdef USE_C10D_NCCL  // defined by CUDA builds of libtorch that ship NCCL (untested here)
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include "core/common/error.h"

namespace aletheia {
namespace {

using Ms = std::chrono::milliseconds;
// The groups' common base: ProcessGroup in libtorch 1.x, Backend since 2.0.
#if TORCH_VERSION_MAJOR >= 2
using Group = c10d::Backend;
#else
using Group = c10d::ProcessGroup;
#endif

// The first line of a c10d/Gloo message (they append long C++ backtraces).
std::string firstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

std::vector<uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }
std::string text(const std::vector<uint8_t>& b) { return {b.begin(), b.end()}; }

class C10dCommunicator : public Communicator {
public:
    C10dCommunicator(const DistEnv& env, c10::intrusive_ptr<c10d::Store> store, bool cuda)
        : env_(env), store_(std::move(store)) {
        const Ms timeout(std::int64_t(env.timeout_s) * 1000);
        auto pgStore = c10::make_intrusive<c10d::PrefixStore>("pg", store_);
#ifdef USE_C10D_NCCL
        if (cuda) {
            nccl_ = true;
            auto opts = c10d::ProcessGroupNCCL::Options::create();
            opts->timeout = timeout;
            pg_ = c10::make_intrusive<c10d::ProcessGroupNCCL>(pgStore, env.rank, env.world_size, opts);
            return;
        }
#else
        (void)cuda;  // no NCCL in this libtorch: Gloo, which also reduces CUDA tensors
#endif
        auto opts = c10d::ProcessGroupGloo::Options::create(timeout);
        // Loopback runs bind to 127.0.0.1 (the host name may not resolve in containers);
        // GLOO_SOCKET_IFNAME picks the interface of a multi-host run, as in PyTorch.
        if (const char* ifname = std::getenv("GLOO_SOCKET_IFNAME"))
            opts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
        else if (env.master_addr == "127.0.0.1" || env.master_addr == "localhost")
            opts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
        else
            opts->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
        pg_ = c10::make_intrusive<c10d::ProcessGroupGloo>(pgStore, env.rank, env.world_size, opts);
    }

    int rank() const override { return env_.rank; }
    int worldSize() const override { return env_.world_size; }

    void allReduceSum(torch::Tensor& t, const std::string& what) override {
        run(t, what, [&](std::vector<at::Tensor>& ts) { return pg_->allreduce(ts); });
    }
    void broadcast(torch::Tensor& t, int root, const std::string& what) override {
        c10d::BroadcastOptions o;
        o.rootRank = root;
        run(t, what, [&](std::vector<at::Tensor>& ts) { return pg_->broadcast(ts, o); });
    }

private:
    template <class Op>
    void run(torch::Tensor& t, const std::string& what, Op op) {
        // NCCL reduces device tensors only: CPU tensors (probe tables) make a round trip.
        torch::Tensor work = nccl_ && !t.is_cuda() ? t.to(torch::Device(torch::kCUDA, env_.local_rank)) : t;
        std::vector<at::Tensor> ts{work};
        try {
            op(ts)->wait(Ms(std::int64_t(env_.timeout_s) * 1000));
        } catch (const std::exception& e) {
            fail("rank " + std::to_string(env_.rank) + " of " + std::to_string(env_.world_size) + ": " + what +
                 " failed: a peer rank exited or did not answer within " + std::to_string(env_.timeout_s) +
                 " s (ALETHEIA_DIST_TIMEOUT). " + firstLine(e.what()));
        }
        if (work.data_ptr() != t.data_ptr()) t.copy_(work);
    }

    DistEnv env_;
    c10::intrusive_ptr<c10d::Store> store_;  // declared before pg_: the group goes first
    c10::intrusive_ptr<Group> pg_;
    bool nccl_ = false;
};

// Every rank publishes "world=<W> config=<fingerprint>"; each compares with rank 0's, and rank 0
// with everyone's, so a mismatch stops both sides at once with the same explanation.
void checkSameRun(c10d::Store& store, const DistEnv& env, const std::string& fingerprint) {
    const std::string me = "rank " + std::to_string(env.rank);
    const std::string mine = "world=" + std::to_string(env.world_size) + " config=" + fingerprint;
    store.set("join/" + std::to_string(env.rank), bytes(mine));
    auto compare = [&](int other, const std::string& theirs) {
        if (theirs == mine) return;
        const std::string r = "rank " + std::to_string(other);
        const std::string theirWorld = theirs.substr(6, theirs.find(' ') - 6);
        if (theirWorld != std::to_string(env.world_size))
            fail(me + ": WORLD_SIZE differs across ranks: " + std::to_string(env.world_size) + " here, " +
                 theirWorld + " on " + r);
        fail(me + ": the experiment differs from " + r + "'s (config fingerprint " + fingerprint + " here, " +
             theirs.substr(theirs.find("config=") + 7) + " there): every rank must run the same config");
    };
    std::vector<std::string> keys;
    for (int r = 0; r < (env.rank == 0 ? env.world_size : 1); ++r) keys.push_back("join/" + std::to_string(r));
    try {
        store.wait(keys, Ms(std::int64_t(env.timeout_s) * 1000));
    } catch (const std::exception&) {
        std::string missing;
        for (const auto& k : keys)
            if (!store.check({k})) missing += (missing.empty() ? "" : ", ") + k.substr(5);
        fail(me + ": rank(s) " + missing + " of " + std::to_string(env.world_size) + " did not join within " +
             std::to_string(env.timeout_s) + " s (ALETHEIA_DIST_TIMEOUT)");
    }
    if (env.rank != 0) {
        const std::string rank0 = text(store.get("join/0"));
        store.set("read/" + std::to_string(env.rank), bytes("1"));  // rank 0 may now exit
        compare(0, rank0);
        return;
    }
    for (int r = 1; r < env.world_size; ++r) {
        try {
            compare(r, text(store.get("join/" + std::to_string(r))));
        } catch (const Error&) {
            // Rank 0 serves the store: stay until rank r has read rank 0's entry, so that it
            // fails with the same explanation instead of a lost connection.
            try {
                store.wait({"read/" + std::to_string(r)}, Ms(5000));
            } catch (const std::exception&) {
            }
            throw;
        }
    }
}

}  // namespace

std::shared_ptr<Communicator> joinProcessGroup(const DistEnv& env, const std::string& fingerprint, bool cuda) {
    if (!env.distributed()) return nullptr;
    const std::string me = "rank " + std::to_string(env.rank) + " of " + std::to_string(env.world_size);
    const std::string where = env.master_addr + ":" + std::to_string(env.master_port);
    c10::intrusive_ptr<c10d::Store> store;
    try {
        c10d::TCPStoreOptions o;
        o.port = static_cast<std::uint16_t>(env.master_port);
        o.isServer = env.rank == 0 && !env.agent_store;
        o.numWorkers = static_cast<std::size_t>(env.world_size);
        o.waitWorkers = false;  // our own join check below waits, with a message that names who is missing
        o.timeout = Ms(std::int64_t(env.timeout_s) * 1000);
        store = c10::make_intrusive<c10d::TCPStore>(env.master_addr, o);
    } catch (const std::exception& e) {
        fail(me + ": cannot " + std::string(env.rank == 0 && !env.agent_store ? "serve" : "reach") +
             " the rendezvous store at " + where + " within " + std::to_string(env.timeout_s) + " s: " +
             firstLine(e.what()));
    }
    auto runStore = c10::make_intrusive<c10d::PrefixStore>("aletheia/" + env.run_id, store);
    checkSameRun(*runStore, env, fingerprint);
    try {
        return std::make_shared<C10dCommunicator>(env, runStore, cuda);
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        fail(me + ": the process group did not form (" + where + "): " + firstLine(e.what()));
    }
}

}  // namespace aletheia

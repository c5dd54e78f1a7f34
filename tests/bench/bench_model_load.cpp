// Is checkpoint loading bounded by the disk? Generates a ~1 GB bf16 llama-style checkpoint, then
// compares Model::load (+ touching every weight page) with `cat file > /dev/null` on the same file,
// cold (pages evicted with posix_fadvise DONTNEED) and warm (page cache hot). Median of N runs.
//
//   bench_model_load [dir=/tmp/aletheia-bench-load] [runs=5]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

#include <torch/torch.h>

#include "core/model/model.h"

using namespace aletheia;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::time_point a) { return std::chrono::duration<double>(Clock::now() - a).count(); }

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// Drops the file's clean pages from the page cache (no root needed); returns the fraction still resident.
double evict(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY);
    ::fdatasync(fd);
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    const size_t size = fs::file_size(path);
    void* p = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
    const long page = ::sysconf(_SC_PAGESIZE);
    std::vector<unsigned char> vec((size + page - 1) / page);
    ::mincore(p, size, vec.data());
    size_t resident = 0;
    for (unsigned char c : vec) resident += c & 1;
    ::munmap(p, size);
    ::close(fd);
    return double(resident) / double(vec.size());
}

// Plain read() in 16 MiB chunks: the in-process baseline, free of cat's process start and pipe.
double readAll(const std::string& path) {
    auto t = Clock::now();
    int fd = ::open(path.c_str(), O_RDONLY);
    std::vector<char> buf(16 << 20);
    while (::read(fd, buf.data(), buf.size()) > 0) {
    }
    ::close(fd);
    return seconds(t);
}

// Reads one byte per page of every weight: what a first forward pass would fault in.
uint64_t touchAll(const Model& m) {
    uint64_t sum = 0;
    const long page = ::sysconf(_SC_PAGESIZE);
    for (const auto& t : m.parameters()) {
        const auto* p = static_cast<const unsigned char*>(t.data_ptr());
        const size_t bytes = size_t(t.numel()) * t.element_size();
        for (size_t i = 0; i < bytes; i += size_t(page)) sum += p[i];
    }
    return sum;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string dir = argc > 1 ? argv[1] : "/tmp/aletheia-bench-load";
    const int runs = argc > 2 ? std::atoi(argv[2]) : 5;
    const std::string file = dir + "/model.safetensors";
    if (!fs::exists(file)) {
        ModelConfig c;
        c.modelType = "llama";
        c.vocabSize = 32000;
        c.hiddenSize = 2048;
        c.numLayers = 7;
        c.numHeads = 16;
        c.numKvHeads = 16;
        c.headDim = 128;
        c.intermediateSize = 5632;
        c.normEps = 1e-5;
        auto t0 = Clock::now();
        Model m = Model::randomInit(c, 1, torch::kBFloat16);
        m.save(dir, int64_t(4) << 30);
        std::printf("generated %s (%.1f s)\n", dir.c_str(), seconds(t0));
    }
    const double gb = double(fs::file_size(file)) / 1e9;
    std::printf("checkpoint: %.3f GB bf16, %d runs each, median reported\n", gb, runs);
    const std::string cat = "cat '" + file + "' > /dev/null";

    std::vector<double> readCold, readWarm, catCold, catWarm, loadCold, loadWarm, lazyLoad;
    double residentAfterEvict = 0;
    uint64_t sink = 0;
    for (int r = 0; r < runs; ++r) {
        residentAfterEvict = std::max(residentAfterEvict, evict(file));
        auto t = Clock::now();
        if (std::system(cat.c_str()) != 0) return 1;
        catCold.push_back(seconds(t));
        t = Clock::now();
        if (std::system(cat.c_str()) != 0) return 1;
        catWarm.push_back(seconds(t));

        residentAfterEvict = std::max(residentAfterEvict, evict(file));
        readCold.push_back(readAll(file));
        readWarm.push_back(readAll(file));

        residentAfterEvict = std::max(residentAfterEvict, evict(file));
        t = Clock::now();
        {
            Model m = Model::load(dir);
            lazyLoad.push_back(seconds(t));
            sink += touchAll(m);
        }
        loadCold.push_back(seconds(t));
        t = Clock::now();
        {
            Model m = Model::load(dir);
            sink += touchAll(m);
        }
        loadWarm.push_back(seconds(t));
    }
    std::printf("pages still cached after eviction: %.1f%% (max over runs)\n", 100 * residentAfterEvict);
    std::printf("%-44s %8s %8s\n", "", "seconds", "GB/s");
    auto row = [&](const char* what, const std::vector<double>& v) {
        std::printf("%-44s %8.3f %8.2f\n", what, median(v), gb / median(v));
    };
    row("cat > /dev/null, cold", catCold);
    row("read() 16 MiB chunks, cold", readCold);
    row("Model::load + touch every page, cold", loadCold);
    row("cat > /dev/null, warm", catWarm);
    row("read() 16 MiB chunks, warm", readWarm);
    row("Model::load + touch every page, warm", loadWarm);
    row("Model::load alone (lazy mmap, cold)", lazyLoad);
    std::printf("(checksum %llu)\n", static_cast<unsigned long long>(sink));
    return 0;
}

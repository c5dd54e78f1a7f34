#pragma once
// The built-in demo: a small Llama-architecture checkpoint (HF format, real tokenizer.json)
// that our own trainer pretrains, full-parameter, on the synthetic skills; plus the demo task
// (a held-out skill) and a forgetting set, and an experiment YAML that runs it.
// Built once, cached (default ~/.cache/aletheia/demo), rebuilt when missing or outdated.
// Same seed, same model, bit for bit on one machine; the default recipe's model ships with
// Aletheia (shipped_demo.h), so every machine starts the demo from the same weights.
#include <cstdint>
#include <functional>
#include <string>

#include "core/common/progress.h"
#include "core/train/metrics.h"

namespace aletheia::demo {

// The demo's promise, checked and printed by `aletheia demo`: after the demo fine-tune the
// forgetting set's loss (nats per token) rises by less than this (docs/BENCHMARKS.md).
constexpr double kDemoForgettingBound = 0.15;

struct DemoOptions {
    std::string cacheDir;            // empty: defaultDemoCacheDir()
    uint64_t seed = 1234;
    int64_t pretrainSteps = 1500;
    int64_t batchSize = 32;
    double pretrainLr = 3e-3;
    int64_t layers = 6;
    int64_t hidden = 96;
    bool rebuild = false;            // pretrain even if a complete cached or shipped model fits
};

struct DemoFiles {
    std::string root;        // the cache folder
    std::string modelDir;    // config.json, model.safetensors, tokenizer.json, demo_info.json
    std::string trainData;       // train.jsonl: the task with replay of the pretraining skills
    std::string taskValidation;  // task_val.jsonl: held-out task examples
    std::string generalData;     // general.jsonl (forgetting set)
    std::string experiment;  // demo.yaml
    bool built = false;      // true: pretrained by this call
    bool shipped = false;    // true: the model shipped with Aletheia, unpacked by this call
    double pretrainLoss = 0; // final pretraining loss on the general set (from demo_info.json)
};

struct DemoObserver {
    std::function<void(const std::string&)> log;
    std::function<void(const StepEvent&)> onStep;  // pretraining steps
};

// $ALETHEIA_CACHE_DIR/demo, else $XDG_CACHE_HOME/aletheia/demo, else ~/.cache/aletheia/demo.
std::string defaultDemoCacheDir();

// Returns the demo's files, building the model first when needed. Throws aletheia::Error;
// a stop request aborts the build and leaves any previous complete model untouched.
DemoFiles ensureDemo(const DemoOptions& options, const DemoObserver& observer = {}, StopToken* stop = nullptr);

}  // namespace aletheia::demo

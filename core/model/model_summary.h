#pragma once
// What the UI's Model panel shows about a loaded model.
#include <cstdint>
#include <map>
#include <string>

namespace aletheia {

struct ModelSummary {
    std::string family;             // model_type
    int64_t layers = 0, hiddenSize = 0, heads = 0, kvHeads = 0, headDim = 0, intermediateSize = 0, vocabSize = 0;
    int64_t experts = 0, expertsPerToken = 0;
    bool sharedExpert = false, tiedEmbeddings = false;
    std::string dtype;              // "float32", "bfloat16" ...
    std::string device;             // "cpu", "cuda:0"
    int64_t parameters = 0;         // unique tensors (tied embeddings counted once)
    int64_t bytes = 0;
    // Parameter count by module kind: "embedding", "attention", "mlp", "router", "experts",
    // "shared_expert", "norm", "lm_head".
    std::map<std::string, int64_t> parametersByKind;

    std::string toText() const;     // a few human-readable lines
};

}  // namespace aletheia

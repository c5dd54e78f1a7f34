#pragma once
// Folding LoRA into the base weights: W <- W + scaling * B A, after which the model runs with
// no adapters at all and saves as an ordinary Hugging Face checkpoint.
#include <string>

namespace aletheia {

class Model;

// Merges every LoRA adapter into its projection's weight (in the weight's dtype; the sum is
// formed in fp32) and removes the adapters. Returns how many projections were merged.
int mergeAdapters(Model& model);
// mergeAdapters, then Model::save(dir): config.json + safetensors (sharded + index when large).
// `tokenizerFrom`: the base checkpoint whose tokenizer files are copied along, so the merged
// folder loads on its own; "" copies none.
void saveMerged(Model& model, const std::string& dir, const std::string& tokenizerFrom = "");

}  // namespace aletheia

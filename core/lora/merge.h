#pragma once
// Folding LoRA into the base weights, W + scaling * B A, into a new model: the base model the
// run trained on is left as it was, and the merged copy runs with no adapters at all and saves
// as an ordinary Hugging Face checkpoint.
#include <string>

namespace aletheia {

class Model;
class AdapterSet;

// A model sharing `base`'s tensors except each adapted projection's weight, which it holds merged
// (the sum formed in fp32, stored in the weight's dtype). `base` is not changed.
Model mergedModel(const Model& base, const AdapterSet& adapters);
// mergedModel, then Model::save(dir): config.json + safetensors (sharded + index when large).
// `tokenizerFrom`: the base checkpoint whose tokenizer files are copied along, so the merged
// folder loads on its own; "" copies none.
void saveMerged(const Model& base, const AdapterSet& adapters, const std::string& dir,
                const std::string& tokenizerFrom = "");

}  // namespace aletheia

#pragma once
// The run's adapter and the (merged) model as GGUF, the files llama.cpp and Ollama load.
//
// LoRA (llama.cpp's adapter format, as its convert_lora_to_gguf.py writes it):
//   general.type "adapter", adapter.type "lora", adapter.lora.alpha, general.architecture;
//   blk.N.<tensor>.weight.lora_a: our A [r, in] (ne [in, r]); .lora_b: B [out, r] (ne [r, out]),
//   rows in llama.cpp's order (gguf_names.h). llama.cpp scales each pair by alpha / r, r being
//   lora_a's ne[1], with the file's one alpha; where a module's scaling differs from that
//   (ranks or alphas that differ per module, rsLoRA) the difference is baked into its B, so
//   llama.cpp adds exactly our scaling * B A everywhere.
//
// Model (the base or merged weights): {arch}.* hyperparameters, tokenizer.ggml.* from the
// checkpoint's tokenizer (gguf_vocab.h) and every weight under llama.cpp's name, as
// convert_hf_to_gguf.py writes them; for families whose FamilySpec::ggufModel is set.
#include <string>
#include <vector>

#include "core/io/gguf_writer.h"

namespace aletheia {

class Model;
class AdapterSet;

// The LoRA GGUF of `adapters` on `model`. A and B of `type`; q8_0 falls back to f16 for tensors
// whose rows are not a multiple of 32 (B's rows are r long), as llama.cpp's converters do.
GgufFile loraGguf(const Model& model, const AdapterSet& adapters, GgufType type, const std::string& name);

// The GGUF of `model`'s weights (pass mergedModel(...) for the merged model); `tokenizerDir` is the
// checkpoint folder whose tokenizer files give the vocabulary. 1-D tensors (norms, biases) stay
// f32; q8_0 falls back to f16 for rows that are not a multiple of 32.
GgufFile modelGguf(const Model& model, const std::string& tokenizerDir, GgufType type, const std::string& name);

// writeGguf of the above (atomic; errors name the file).
void exportGgufLora(const Model& model, const AdapterSet& adapters, GgufType type, const std::string& path);
void exportGgufModel(const Model& model, const std::string& tokenizerDir, GgufType type, const std::string& path);

// What `aletheia export` writes per format (and the Studio may call), `modelDir` being the base
// checkpoint (tokenizer, name). Both return the files written.
//   gguf         <dir>/adapter.gguf, <dir>/base.gguf (the base model, where its family maps to a
//                llama.cpp GGUF; else the Modelfile says to convert it with llama.cpp), <dir>/Modelfile
//   gguf-merged  <dir>/model.gguf (adapters merged), <dir>/Modelfile
std::vector<std::string> exportGgufAdapterDir(const Model& model, const AdapterSet& adapters,
                                              const std::string& modelDir, GgufType type, const std::string& dir);
std::vector<std::string> exportGgufMergedDir(const Model& model, const AdapterSet& adapters,
                                             const std::string& modelDir, GgufType type, const std::string& dir);

}  // namespace aletheia

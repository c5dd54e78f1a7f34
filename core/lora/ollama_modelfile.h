#pragma once
// Ollama's Modelfile beside the GGUF exports, so `ollama create NAME -f Modelfile` serves them:
//   FROM ./base.gguf + ADAPTER ./adapter.gguf (the LoRA on its base), or FROM ./model.gguf (merged).
// Chat models whose template is ChatML (<|im_start|>, as the demo's) also get the Go TEMPLATE and
// stop parameter Ollama needs; any other template is left to the GGUF's tokenizer.chat_template.
#include <string>

namespace aletheia {

// `adapter` may be ""; paths as they are to be written (relative to the Modelfile's folder);
// `note`: a comment line above FROM ("" for none).
std::string ollamaModelfile(const std::string& from, const std::string& adapter, const std::string& chatTemplate,
                            const std::string& note = "");

// Writes <dir>/Modelfile atomically; the chat template is read from `tokenizerDir`'s
// tokenizer_config.json when it has one.
void writeOllamaModelfile(const std::string& dir, const std::string& from, const std::string& adapter,
                          const std::string& tokenizerDir, const std::string& note = "");

}  // namespace aletheia

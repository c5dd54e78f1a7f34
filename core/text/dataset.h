#pragma once
// JSONL fine-tuning datasets in the three shapes users bring:
//   {"text": ...}                                   plain text, loss on every token
//   {"instruction": ..., "input": ..., "output": ...} Alpaca, loss on the output only
//   {"messages": [{"role": ..., "content": ...}]}    chat (OpenAI style), loss on assistant turns
// Streams the file, tokenises line by line, reports bad lines with file:line, then shuffles
// (seeded), splits train/validation, truncates and optionally packs.
#include <cstdint>
#include <string>
#include <vector>

#include "core/common/progress.h"
#include "core/text/example.h"

namespace aletheia {
class Tokenizer;
}

namespace aletheia::text {

enum class DatasetShape { Auto, Text, Instruction, Chat };
std::string datasetShapeName(DatasetShape s);
DatasetShape datasetShapeFromName(const std::string& name);  // auto, text, instruction, chat

enum class InstructionStyle {
    Auto,    // chat template if the tokenizer has a recognised one, else Alpaca
    Alpaca,  // "### Instruction: ... ### Response:" prompt
    Chat,    // one user turn (instruction + input) and one assistant turn (output)
};

// The Alpaca prompt of an instruction row without a chat template, up to "### Response:\n" (the
// response follows it): what generation must be given to answer as the model was trained.
std::string alpacaPrompt(const std::string& instruction, const std::string& input = "");

struct DatasetOptions {
    DatasetShape shape = DatasetShape::Auto;   // Auto: decided by the first valid line
    InstructionStyle instructionStyle = InstructionStyle::Auto;
    std::string chatFormat;                    // empty: from tokenizer_config.json's template
    bool trainOnPrompt = false;                // true: labels on every token, not just responses
    bool appendEos = true;                     // plain text / Alpaca: end each example with EOS
    int maxSeqLen = 2048;                      // longer examples are truncated
    bool pack = false;                         // concatenate short examples up to maxSeqLen
    uint64_t seed = 0;                         // shuffling and split
    bool shuffle = true;
    double validationFraction = 0.0;           // 0 <= f < 1, taken after shuffling
    bool skipBadLines = true;                  // false: the first bad line is a fatal Error
};

struct BadLine {
    std::string file;
    long line = 0;
    std::string problem;
    std::string message() const { return file + ":" + std::to_string(line) + ": " + problem; }
};

struct Dataset {
    std::vector<Example> train, validation;
    DatasetShape shape = DatasetShape::Auto;
    long linesRead = 0;           // non-empty lines
    std::vector<BadLine> skipped; // bad lines (when skipBadLines)
    long truncated = 0;           // examples cut to maxSeqLen
    long withoutTargets = 0;      // examples dropped: no response token left after truncation
    long tokens = 0;              // total tokens kept
    bool cancelled = false;       // the stop token fired; the dataset is partial
};

// Throws aletheia::Error (file and line) for a missing/unreadable/empty file, for a bad line
// when !skipBadLines, and when no line at all is usable.
Dataset loadJsonlDataset(const std::string& path, const Tokenizer& tok, const DatasetOptions& options,
                         const ProgressFn& progress = {}, const StopToken* stop = nullptr);

// Tokenises one parsed JSONL record (exposed for previews in the GUI and for tests).
// `shape` must not be Auto. Throws aletheia::Error describing what is wrong with the record.
Example tokenizeRecord(const std::string& jsonLine, DatasetShape shape, const Tokenizer& tok,
                       const DatasetOptions& options);
// The shape a record has, or Auto if none of the three.
DatasetShape detectShape(const std::string& jsonLine);

}  // namespace aletheia::text

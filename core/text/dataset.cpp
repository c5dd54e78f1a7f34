#include "core/text/dataset.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/common/error.h"
#include "core/common/json_parse.h"
#include "core/text/chat_format.h"
#include "core/text/dataset_ops.h"
#include "core/text/jsonl_reader.h"
#include "core/text/masking.h"
#include "core/text/tokenizer.h"

namespace aletheia::text {

namespace {

using nlohmann::json;

const char* kAlpacaWithInput =
    "Below is an instruction that describes a task, paired with an input that provides further context. "
    "Write a response that appropriately completes the request.\n\n### Instruction:\n";
const char* kAlpacaNoInput =
    "Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n"
    "### Instruction:\n";

const char* typeName(const json& j) { return j.type_name(); }

}  // namespace

std::string alpacaPrompt(const std::string& instruction, const std::string& input) {
    return input.empty() ? std::string(kAlpacaNoInput) + instruction + "\n\n### Response:\n"
                         : std::string(kAlpacaWithInput) + instruction + "\n\n### Input:\n" + input + "\n\n### Response:\n";
}

namespace {

// A record-level problem: becomes "file:line: problem".
struct RecordError {
    std::string problem;
};

const std::string& stringField(const json& obj, const char* key, bool required) {
    static const std::string empty;
    auto it = obj.find(key);
    if (it == obj.end() || (it->is_null() && !required)) {
        if (required) throw RecordError{std::string("missing field '") + key + "'"};
        return empty;
    }
    if (!it->is_string())
        throw RecordError{std::string("field '") + key + "' must be a string (got " + typeName(*it) + ")"};
    return it->get_ref<const std::string&>();
}

json parseObject(const std::string& line) {
    json j;
    try {
        j = parseJson(line, "");
    } catch (const Error& e) {
        // The reader adds file and line; keep only what is wrong inside the record.
        const std::string prefix = "malformed JSON: ", p = e.problem();
        throw RecordError{"invalid JSON (" + (p.rfind(prefix, 0) == 0 ? p.substr(prefix.size()) : p) + ")"};
    }
    if (!j.is_object()) throw RecordError{std::string("expected a JSON object, got ") + typeName(j)};
    return j;
}

DatasetShape shapeOf(const json& j) {
    if (j.contains("messages")) return DatasetShape::Chat;
    if (j.contains("instruction") || j.contains("output")) return DatasetShape::Instruction;
    if (j.contains("text")) return DatasetShape::Text;
    return DatasetShape::Auto;
}

// Everything needed to tokenise records of one dataset, resolved once.
class RecordTokenizer {
public:
    RecordTokenizer(const Tokenizer& tok, const DatasetOptions& o) : tok_(tok), o_(o) {
        if (auto e = tok.eosId()) eosId_ = *e;
        if (eosId_ >= 0) eosText_ = tok.idToToken(eosId_).value_or("");
    }

    Example operator()(const json& j, DatasetShape shape) {
        switch (shape) {
            case DatasetShape::Text: return text(j);
            case DatasetShape::Instruction: return instruction(j);
            case DatasetShape::Chat: return chat(j);
            case DatasetShape::Auto: break;
        }
        throw RecordError{"the record has none of the fields 'text', 'instruction'/'output' or 'messages'"};
    }

private:
    const ChatStyle& style() {
        if (!style_) style_ = resolveChatStyle(tok_.config(), o_.chatFormat);  // throws a clear Error
        return *style_;
    }

    Example text(const json& j) {
        Example ex;
        ex.inputIds = tok_.encode(stringField(j, "text", true), true);
        if (o_.appendEos && eosId_ >= 0 && (ex.inputIds.empty() || ex.inputIds.back() != eosId_))
            ex.inputIds.push_back(eosId_);
        ex.labels = ex.inputIds;
        return ex;
    }

    Example instruction(const json& j) {
        const std::string& instr = stringField(j, "instruction", true);
        const std::string& input = stringField(j, "input", false);
        const std::string& output = stringField(j, "output", true);
        bool useChat = o_.instructionStyle == InstructionStyle::Chat;
        if (o_.instructionStyle == InstructionStyle::Auto) {
            if (!chatAvailable_) {
                try { style(); chatAvailable_ = true; } catch (const Error&) { chatAvailable_ = false; }
            }
            useChat = *chatAvailable_;
        }
        if (useChat) {
            const std::vector<ChatMessage> msgs = {{"user", input.empty() ? instr : instr + "\n\n" + input},
                                                   {"assistant", output}};
            const RenderedChat r = renderChat(style(), msgs);
            return tokenizeSpans(tok_, r.text, r.spans, false, o_.trainOnPrompt);
        }
        const std::string prompt = alpacaPrompt(instr, input);
        const std::string response = output + (o_.appendEos ? eosText_ : std::string());
        const std::string all = prompt + response;
        const std::vector<ChatSpan> spans = {{0, prompt.size(), false}, {prompt.size(), all.size(), true}};
        return tokenizeSpans(tok_, all, spans, true, o_.trainOnPrompt);
    }

    Example chat(const json& j) {
        const auto it = j.find("messages");
        if (it == j.end()) throw RecordError{"missing field 'messages'"};
        if (!it->is_array()) throw RecordError{std::string("field 'messages' must be an array (got ") + typeName(*it) + ")"};
        if (it->empty()) throw RecordError{"field 'messages' is empty"};
        std::vector<ChatMessage> msgs;
        for (size_t i = 0; i < it->size(); ++i) {
            const json& m = (*it)[i];
            const std::string where = "messages[" + std::to_string(i) + "]";
            if (!m.is_object()) throw RecordError{where + " must be an object (got " + typeName(m) + ")"};
            try {
                msgs.push_back({stringField(m, "role", true), stringField(m, "content", true)});
            } catch (const RecordError& e) {
                throw RecordError{where + ": " + e.problem};
            }
        }
        RenderedChat r;
        try {
            r = renderChat(style(), msgs);
        } catch (const Error& e) {
            throw RecordError{e.problem()};
        }
        return tokenizeSpans(tok_, r.text, r.spans, false, o_.trainOnPrompt);
    }

    const Tokenizer& tok_;
    const DatasetOptions& o_;
    int32_t eosId_ = -1;
    std::string eosText_;
    std::optional<ChatStyle> style_;
    std::optional<bool> chatAvailable_;
};

bool hasTarget(const Example& ex) {
    for (auto l : ex.labels)
        if (l != kIgnoreLabel) return true;
    return false;
}

}  // namespace

std::string datasetShapeName(DatasetShape s) {
    switch (s) {
        case DatasetShape::Auto: return "auto";
        case DatasetShape::Text: return "text";
        case DatasetShape::Instruction: return "instruction";
        case DatasetShape::Chat: return "chat";
    }
    return "?";
}

DatasetShape datasetShapeFromName(const std::string& n) {
    if (n == "auto") return DatasetShape::Auto;
    if (n == "text") return DatasetShape::Text;
    if (n == "instruction" || n == "alpaca") return DatasetShape::Instruction;
    if (n == "chat" || n == "messages") return DatasetShape::Chat;
    fail("unknown dataset format '" + n + "' (supported: auto, text, instruction, chat)");
}

DatasetShape detectShape(const std::string& line) {
    try {
        return shapeOf(parseObject(line));
    } catch (const RecordError&) {
        return DatasetShape::Auto;
    }
}

Example tokenizeRecord(const std::string& line, DatasetShape shape, const Tokenizer& tok, const DatasetOptions& o) {
    RecordTokenizer rt(tok, o);
    try {
        return rt(parseObject(line), shape);
    } catch (const RecordError& e) {
        fail(e.problem);
    }
}

Dataset loadJsonlDataset(const std::string& path, const Tokenizer& tok, const DatasetOptions& o,
                         const ProgressFn& progress, const StopToken* stop) {
    if (o.validationFraction < 0 || o.validationFraction >= 1)
        fail("validation fraction must be in [0, 1), got " + std::to_string(o.validationFraction));
    Dataset ds;
    ds.shape = o.shape;
    LineReader reader(path);
    RecordTokenizer rt(tok, o);
    std::vector<Example> examples;
    std::string line;
    const std::string label = "tokenising " + path;
    while (reader.next(line)) {
        if (stop && (stop->stopRequested() || !stop->waitWhilePaused())) { ds.cancelled = true; break; }
        if (line.find_first_not_of(" \t") == std::string::npos) continue;  // blank lines are not records
        ++ds.linesRead;
        try {
            const json j = parseObject(line);
            if (ds.shape == DatasetShape::Auto) {
                ds.shape = shapeOf(j);
                if (ds.shape == DatasetShape::Auto)
                    throw RecordError{"the record has none of the fields 'text', 'instruction'/'output' or 'messages'"};
            }
            Example ex = rt(j, ds.shape);
            if (truncateExample(ex, o.maxSeqLen)) ++ds.truncated;
            if (!hasTarget(ex)) { ++ds.withoutTargets; continue; }
            examples.push_back(std::move(ex));
        } catch (const RecordError& e) {
            if (!o.skipBadLines) failIn(path, e.problem, {}, reader.lineNumber());
            ds.skipped.push_back({path, reader.lineNumber(), e.problem});
        } catch (const Error& e) {  // configuration problems (e.g. no chat format) are fatal
            failIn(path, e.problem(), {}, reader.lineNumber());
        }
        if (progress && (ds.linesRead & 255) == 0)
            progress(static_cast<long>(reader.bytesRead()), static_cast<long>(reader.fileSize()), label);
    }
    if (progress) progress(static_cast<long>(reader.bytesRead()), static_cast<long>(reader.fileSize()), label);
    if (ds.linesRead == 0 && !ds.cancelled) failIn(path, "dataset file is empty (no JSON lines)");
    if (examples.empty() && !ds.cancelled) {
        if (!ds.skipped.empty())
            failIn(path, "no usable example; first problem: " + ds.skipped.front().problem, {}, ds.skipped.front().line);
        failIn(path, "no usable example (every example lost its response tokens, e.g. to truncation)");
    }

    std::vector<size_t> order = o.shuffle ? shuffledIndices(examples.size(), o.seed) : shuffledIndices(examples.size(), 0);
    if (!o.shuffle)
        for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    size_t nVal = static_cast<size_t>(std::llround(o.validationFraction * static_cast<double>(examples.size())));
    if (o.validationFraction > 0 && nVal == 0 && examples.size() > 1) nVal = 1;
    for (size_t i = 0; i < order.size(); ++i)
        (i < nVal ? ds.validation : ds.train).push_back(std::move(examples[order[i]]));
    if (o.pack) {
        ds.train = packExamples(ds.train, o.maxSeqLen);
        ds.validation = packExamples(ds.validation, o.maxSeqLen);
    }
    for (const auto* part : {&ds.train, &ds.validation})
        for (const auto& ex : *part) ds.tokens += static_cast<long>(ex.inputIds.size());
    return ds;
}

}  // namespace aletheia::text

#include "core/text/decoder.h"

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/text/unicode.h"

namespace aletheia::text {

namespace {

void replaceAll(std::string& s, const std::string& from, const std::string& to) {
    if (from.empty()) return;
    for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
}

class ByteLevelDec : public Decoder {
public:
    void decodeChain(std::vector<std::string>& tokens) const override {
        std::string bytes;
        for (const auto& t : tokens) {
            // A token with a character outside the byte table (e.g. an added token) keeps its raw bytes.
            std::string mapped;
            bool ok = true;
            size_t i = 0;
            while (i < t.size()) {
                const int b = byteLevelByte(nextCodePoint(t, i));
                if (b < 0) { ok = false; break; }
                mapped += static_cast<char>(b);
            }
            bytes += ok ? mapped : t;
        }
        tokens.assign(1, toValidUtf8(bytes));
    }
};

class ReplaceDec : public Decoder {
public:
    ReplaceDec(std::string from, std::string to) : from_(std::move(from)), to_(std::move(to)) {}
    void decodeChain(std::vector<std::string>& tokens) const override {
        for (auto& t : tokens) replaceAll(t, from_, to_);
    }
private:
    std::string from_, to_;
};

int parseByteToken(const std::string& t) {
    // "<0xXX>" with two hex digits
    if (t.size() != 6 || t[0] != '<' || t[1] != '0' || t[2] != 'x' || t[5] != '>') return -1;
    auto hex = [](char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1; };
    const int hi = hex(t[3]), lo = hex(t[4]);
    return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

class ByteFallbackDec : public Decoder {
public:
    void decodeChain(std::vector<std::string>& tokens) const override {
        std::vector<std::string> out;
        std::string run;
        size_t runCount = 0;
        auto flush = [&] {
            if (runCount == 0) return;
            // HF: an invalid run becomes one U+FFFD per byte token.
            if (isValidUtf8(run)) out.push_back(run);
            else for (size_t k = 0; k < runCount; ++k) out.emplace_back("\xEF\xBF\xBD");
            run.clear();
            runCount = 0;
        };
        for (auto& t : tokens) {
            const int b = parseByteToken(t);
            if (b >= 0) {
                run += static_cast<char>(b);
                ++runCount;
            } else {
                flush();
                out.push_back(std::move(t));
            }
        }
        flush();
        tokens.swap(out);
    }
};

class FuseDec : public Decoder {
public:
    void decodeChain(std::vector<std::string>& tokens) const override {
        std::string all;
        for (const auto& t : tokens) all += t;
        tokens.assign(1, all);
    }
};

class StripDec : public Decoder {
public:
    StripDec(std::string content, size_t start, size_t stop) : content_(std::move(content)), start_(start), stop_(stop) {}
    void decodeChain(std::vector<std::string>& tokens) const override {
        for (auto& t : tokens) {
            size_t b = 0, e = t.size();
            for (size_t k = 0; k < start_ && t.compare(b, content_.size(), content_) == 0 && b < e; ++k) b += content_.size();
            for (size_t k = 0; k < stop_ && e >= b + content_.size() && t.compare(e - content_.size(), content_.size(), content_) == 0; ++k)
                e -= content_.size();
            t = t.substr(b, e - b);
        }
    }
private:
    std::string content_;
    size_t start_, stop_;
};

class MetaspaceDec : public Decoder {
public:
    MetaspaceDec(std::string replacement, bool stripFirst) : replacement_(std::move(replacement)), stripFirst_(stripFirst) {}
    void decodeChain(std::vector<std::string>& tokens) const override {
        // HF drops every replacement char of the FIRST token (not just a leading one).
        for (size_t i = 0; i < tokens.size(); ++i) replaceAll(tokens[i], replacement_, i == 0 && stripFirst_ ? "" : " ");
    }
private:
    std::string replacement_;
    bool stripFirst_;
};

class WordPieceDec : public Decoder {
public:
    explicit WordPieceDec(std::string prefix) : prefix_(std::move(prefix)) {}
    void decodeChain(std::vector<std::string>& tokens) const override {
        for (size_t i = 0; i < tokens.size(); ++i) {
            if (i != 0) {
                if (tokens[i].compare(0, prefix_.size(), prefix_) == 0) tokens[i].erase(0, prefix_.size());
                else tokens[i].insert(0, " ");
            }
        }
    }
private:
    std::string prefix_;
};

class SequenceDec : public Decoder {
public:
    explicit SequenceDec(std::vector<std::unique_ptr<Decoder>> parts) : parts_(std::move(parts)) {}
    void decodeChain(std::vector<std::string>& tokens) const override {
        for (const auto& p : parts_) p->decodeChain(tokens);
    }
private:
    std::vector<std::unique_ptr<Decoder>> parts_;
};

}  // namespace

std::unique_ptr<Decoder> makeDecoder(const nlohmann::json& spec) {
    if (spec.is_null()) return nullptr;
    const std::string type = spec.value("type", "");
    if (type == "ByteLevel") return std::make_unique<ByteLevelDec>();
    if (type == "ByteFallback") return std::make_unique<ByteFallbackDec>();
    if (type == "Fuse") return std::make_unique<FuseDec>();
    if (type == "Replace") {
        const auto& pat = spec.at("pattern");
        if (!pat.contains("String")) fail("Replace decoder with a regex pattern is not supported");
        return std::make_unique<ReplaceDec>(pat["String"].get<std::string>(), spec.at("content").get<std::string>());
    }
    if (type == "Strip") {
        // An empty content would strip nothing forever; real files strip one or two characters.
        const std::string content = spec.at("content").get<std::string>();
        if (content.empty()) fail("Strip decoder: 'content' is empty");
        auto count = [&](const char* key) -> size_t {
            const auto it = spec.find(key);
            if (it == spec.end()) return 0;
            if (!it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() > 1024)
                fail(std::string("Strip decoder: '") + key + "' must be an integer in [0, 1024], got " + it->dump());
            return size_t(it->get<int64_t>());
        };
        return std::make_unique<StripDec>(content, count("start"), count("stop"));
    }
    if (type == "Metaspace") {
        bool strip = true;
        if (spec.contains("prepend_scheme") && spec["prepend_scheme"].is_string())
            strip = spec["prepend_scheme"].get<std::string>() != "never";
        else if (spec.contains("add_prefix_space"))
            strip = spec["add_prefix_space"].get<bool>();
        return std::make_unique<MetaspaceDec>(spec.value("replacement", std::string("\xE2\x96\x81")), strip);
    }
    if (type == "WordPiece") return std::make_unique<WordPieceDec>(spec.value("prefix", std::string("##")));
    if (type == "Sequence") {
        std::vector<std::unique_ptr<Decoder>> parts;
        for (const auto& d : spec.at("decoders"))
            if (auto p = makeDecoder(d)) parts.push_back(std::move(p));
        return std::make_unique<SequenceDec>(std::move(parts));
    }
    fail("unsupported decoder type '" + type +
         "' (supported: ByteLevel, ByteFallback, Fuse, Replace, Strip, Metaspace, WordPiece, Sequence)");
}

}  // namespace aletheia::text

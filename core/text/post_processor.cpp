#include "core/text/post_processor.h"

#include <nlohmann/json.hpp>
#include <string>

#include "core/common/error.h"
#include "core/text/token_id.h"

namespace aletheia::text {

namespace {

// Fixed ids before and after the sequence: every single-sequence template has this shape.
class AroundProcessor : public PostProcessor {
public:
    AroundProcessor(std::vector<int32_t> pre, std::vector<int32_t> post) : pre_(std::move(pre)), post_(std::move(post)) {}
    void addSpecialTokens(std::vector<int32_t>& ids) const override {
        ids.insert(ids.begin(), pre_.begin(), pre_.end());
        ids.insert(ids.end(), post_.begin(), post_.end());
    }
    std::vector<int32_t> prefixIds() const override { return pre_; }
    std::vector<int32_t> suffixIds() const override { return post_; }
private:
    std::vector<int32_t> pre_, post_;
};

class SequenceProcessor : public PostProcessor {
public:
    explicit SequenceProcessor(std::vector<std::unique_ptr<PostProcessor>> parts) : parts_(std::move(parts)) {}
    void addSpecialTokens(std::vector<int32_t>& ids) const override {
        for (const auto& p : parts_) p->addSpecialTokens(ids);
    }
    std::vector<int32_t> prefixIds() const override {
        std::vector<int32_t> all;
        for (auto it = parts_.rbegin(); it != parts_.rend(); ++it) {
            auto p = (*it)->prefixIds();
            all.insert(all.end(), p.begin(), p.end());
        }
        return all;
    }
    std::vector<int32_t> suffixIds() const override {
        std::vector<int32_t> all;
        for (const auto& p : parts_) {
            auto s = p->suffixIds();
            all.insert(all.end(), s.begin(), s.end());
        }
        return all;
    }
private:
    std::vector<std::unique_ptr<PostProcessor>> parts_;
};

std::unique_ptr<PostProcessor> fromTemplate(const nlohmann::json& spec) {
    const auto& special = spec.at("special_tokens");
    std::vector<int32_t> pre, post;
    bool seenSequence = false;
    for (const auto& item : spec.at("single")) {
        if (item.contains("Sequence")) {
            seenSequence = true;
            continue;
        }
        const std::string name = item.at("SpecialToken").at("id").get<std::string>();
        if (!special.contains(name)) fail("post_processor template uses undeclared special token '" + name + "'");
        for (const auto& id : special[name].at("ids"))
            (seenSequence ? post : pre).push_back(tokenIdOf(id, "post_processor.special_tokens." + name + ".ids"));
    }
    return std::make_unique<AroundProcessor>(std::move(pre), std::move(post));
}

}  // namespace

std::unique_ptr<PostProcessor> makePostProcessor(const nlohmann::json& spec) {
    if (spec.is_null()) return nullptr;
    const std::string type = spec.value("type", "");
    if (type == "ByteLevel") return nullptr;  // only offsets change; ids do not
    if (type == "TemplateProcessing") return fromTemplate(spec);
    if (type == "BertProcessing" || type == "RobertaProcessing") {
        // "cls": ["[CLS]", 101], "sep": ["[SEP]", 102]
        return std::make_unique<AroundProcessor>(std::vector<int32_t>{tokenIdOf(spec.at("cls").at(1), "post_processor.cls")},
                                                 std::vector<int32_t>{tokenIdOf(spec.at("sep").at(1), "post_processor.sep")});
    }
    if (type == "Sequence") {
        std::vector<std::unique_ptr<PostProcessor>> parts;
        for (const auto& p : spec.at("processors"))
            if (auto pp = makePostProcessor(p)) parts.push_back(std::move(pp));
        return std::make_unique<SequenceProcessor>(std::move(parts));
    }
    fail("unsupported post_processor type '" + type +
         "' (supported: TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel, Sequence)");
}

}  // namespace aletheia::text

#include "core/config/schema.h"

#include <charconv>
#include <cstdlib>
#include <limits>

#include "core/config/schema_fields.h"

namespace aletheia {

namespace {

using namespace fields;
constexpr double kInf = std::numeric_limits<double>::infinity();

// Accessors are captureless lambdas (they decay to the Ref function pointers).
#define ALETHEIA_REF(member) [](ExperimentConfig& c) -> auto& { return c.member; }

std::vector<ConfigField> buildSchema() {
    const std::vector<std::string> precisions = {"auto", "fp32", "bf16", "fp16"};
    return {
        text("", "name", ALETHEIA_REF(name)),

        path("model", "path", ALETHEIA_REF(model.path)),
        choice("model", "dtype", ALETHEIA_REF(model.dtype), precisions),
        device("model", "device", ALETHEIA_REF(model.device)),

        path("data", "train", ALETHEIA_REF(data.train)),
        path("data", "validation", ALETHEIA_REF(data.validation)),
        path("data", "forgetting", ALETHEIA_REF(data.forgetting)),
        path("data", "multiple_choice", ALETHEIA_REF(data.multiple_choice)),
        path("data", "exact_match", ALETHEIA_REF(data.exact_match)),
        integer("data", "max_new_tokens", ALETHEIA_REF(data.max_new_tokens), {1, 1 << 16}),
        choice("data", "format", ALETHEIA_REF(data.format), {"auto", "text", "instruction", "chat"}),
        text("data", "chat_template", ALETHEIA_REF(data.chat_template)),
        integer("data", "sequence_len", ALETHEIA_REF(data.sequence_len), {8, 1 << 20}),
        boolean("data", "sample_packing", ALETHEIA_REF(data.sample_packing)),
        boolean("data", "train_on_inputs", ALETHEIA_REF(data.train_on_inputs)),
        number("data", "val_set_size", ALETHEIA_REF(data.val_set_size), {0, 0.9}),
        integer64("data", "seed", ALETHEIA_REF(data.seed), {0, 9.0e15}),

        integer("probe", "batches", ALETHEIA_REF(probe.batches), {1, 100000}),
        integer("probe", "micro_batch_size", ALETHEIA_REF(probe.micro_batch_size), {1, 4096}),
        integer("probe", "sequence_len", ALETHEIA_REF(probe.sequence_len), {0, 1 << 20}),
        choice("probe", "score", ALETHEIA_REF(probe.score), {"grad_norm", "grad_norm_per_param", "relative", "fisher"}),

        choice("plan", "policy", ALETHEIA_REF(plan.policy),
               {"top_pct", "threshold", "uniform", "cost_aware", "manual", "ranks", "file"}),
        number("plan", "top_pct", ALETHEIA_REF(plan.top_pct), {0, 100, true}),
        number("plan", "threshold", ALETHEIA_REF(plan.threshold), {0, 1}),
        number("plan", "step_budget", ALETHEIA_REF(plan.step_budget), {0, 1, true}),
        choice("plan", "allocation", ALETHEIA_REF(plan.allocation), {"uniform", "asymmetric", "budget"}),
        integer("plan", "attention_r", ALETHEIA_REF(plan.attention_r), {1, 4096}),
        integer("plan", "mlp_r", ALETHEIA_REF(plan.mlp_r), {1, 4096}),
        integer64("plan", "budget", ALETHEIA_REF(plan.budget), {0, 9.0e15}),
        stringList("plan", "include", ALETHEIA_REF(plan.include)),
        stringList("plan", "exclude", ALETHEIA_REF(plan.exclude)),
        rankTable("plan", "ranks", ALETHEIA_REF(plan.ranks)),
        path("plan", "file", ALETHEIA_REF(plan.file)),

        integer("lora", "lora_r", ALETHEIA_REF(lora.lora_r), {1, 4096}),
        number("lora", "lora_alpha", ALETHEIA_REF(lora.lora_alpha), {0, 1e6, true}),
        choice("lora", "alpha_rule", ALETHEIA_REF(lora.alpha_rule), {"ratio", "fixed"}),
        number("lora", "alpha_ratio", ALETHEIA_REF(lora.alpha_ratio), {0, 1e6, true}),
        number("lora", "lora_dropout", ALETHEIA_REF(lora.lora_dropout), {0, 0.95}),
        stringList("lora", "lora_target_modules", ALETHEIA_REF(lora.lora_target_modules)),
        intList("lora", "layers_to_transform", ALETHEIA_REF(lora.layers_to_transform), {0, 100000}),
        boolean("lora", "use_rslora", ALETHEIA_REF(lora.use_rslora)),

        number("train", "learning_rate", ALETHEIA_REF(train.learning_rate), {0, 10, true}),
        choice("train", "lr_scheduler", ALETHEIA_REF(train.lr_scheduler), {"constant", "linear", "cosine"}),
        integer("train", "warmup_steps", ALETHEIA_REF(train.warmup_steps), {0, 1e9}),
        integer("train", "max_steps", ALETHEIA_REF(train.max_steps), {0, 1e9}),
        integer("train", "num_epochs", ALETHEIA_REF(train.num_epochs), {1, 100000}),
        integer("train", "micro_batch_size", ALETHEIA_REF(train.micro_batch_size), {1, 4096}),
        integer("train", "gradient_accumulation_steps", ALETHEIA_REF(train.gradient_accumulation_steps),
                {1, 100000}),
        number("train", "max_grad_norm", ALETHEIA_REF(train.max_grad_norm), {0, 1e6}),
        number("train", "weight_decay", ALETHEIA_REF(train.weight_decay), {0, 10}),
        integer("train", "eval_steps", ALETHEIA_REF(train.eval_steps), {0, 1e9}),
        integer("train", "eval_batches", ALETHEIA_REF(train.eval_batches), {0, 1e9}),
        integer("train", "save_steps", ALETHEIA_REF(train.save_steps), {0, 1e9}),
        integer("train", "save_total_limit", ALETHEIA_REF(train.save_total_limit), {0, 1e6}),
        integer("train", "logging_steps", ALETHEIA_REF(train.logging_steps), {1, 1e9}),
        choice("train", "precision", ALETHEIA_REF(train.precision), {"auto", "fp32", "bf16"}),
        boolean("train", "gradient_checkpointing", ALETHEIA_REF(train.gradient_checkpointing)),
        integer64("train", "seed", ALETHEIA_REF(train.seed), {0, 9.0e15}),

        path("output", "dir", ALETHEIA_REF(output.dir)),
        stringList("output", "export_formats", ALETHEIA_REF(output.export_formats), {"peft", "merged", "gguf", "gguf-merged"}),
        choice("output", "gguf_type", ALETHEIA_REF(output.gguf_type), {"f32", "f16", "bf16", "q8_0"}),
        boolean("output", "plots", ALETHEIA_REF(output.plots)),
    };
}
#undef ALETHEIA_REF

}  // namespace

const std::vector<ConfigField>& experimentSchema() {
    static const std::vector<ConfigField> schema = buildSchema();
    return schema;
}

const ConfigField* findConfigField(const std::string& dotted) {
    for (const auto& f : experimentSchema())
        if (f.dotted() == dotted) return &f;
    return nullptr;
}

const std::vector<std::string>& configSections() {
    static const std::vector<std::string> sections = {"model", "data", "probe", "plan", "lora", "train",
                                                      "output"};
    return sections;
}

std::string shortestDouble(double v) {
    char buf[64];
    // Shortest text that reads back exactly, fixed or scientific, whichever is shorter.
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

std::string resolvePath(const std::string& p, const std::filesystem::path& baseDir) {
    std::filesystem::path path(p);
    if (p.rfind("~/", 0) == 0) {
        if (const char* home = std::getenv("HOME")) path = std::filesystem::path(home) / p.substr(2);
    }
    if (path.is_relative() && !baseDir.empty()) path = baseDir / path;
    path = path.lexically_normal();
    // "dir/" and "dir" name the same folder; keep one spelling so round trips compare equal.
    if (!path.has_filename() && path.has_parent_path() && path != path.root_path()) path = path.parent_path();
    return path.string();
}

}  // namespace aletheia

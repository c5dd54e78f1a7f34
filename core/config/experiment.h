#pragma once
// One experiment, as described by one YAML file (docs/CONFIG.md). Plain data with defaults:
// the GUI edits it, the CLI runs it, loadExperiment/saveExperiment move it to and from YAML.
// Key names follow axolotl/PEFT where a counterpart exists (lora_r, micro_batch_size, ...).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace aletheia {

struct ModelSection {
    std::string path;             // HF checkpoint directory (config.json, tokenizer.json, *.safetensors)
    std::string dtype = "auto";   // auto | fp32 | bf16 | fp16
    std::string device = "auto";  // auto | cpu | cuda | cuda:N
};

struct DataSection {
    std::string train;                  // JSONL file
    std::string validation;             // optional JSONL file
    std::string forgetting;             // optional JSONL file of what the model already knows
                                        //   (`aletheia eval` measures how much of it is lost)
    std::string multiple_choice;        // optional JSONL of {question, choices, answer}: `aletheia eval`
                                        //   scores acc / acc_norm as lm-eval's MMLU does (core/eval)
    std::string exact_match;            // optional JSONL of {question, answer: "... #### N"}: `aletheia
                                        //   eval` generates and scores exact match as lm-eval's GSM8K does
    int max_new_tokens = 256;           // exact_match: new tokens per answer (lm-eval's max_gen_toks)
    std::string format = "auto";        // auto | text | instruction | chat
    std::string chat_template = "auto"; // auto (from the tokenizer) | none | chatml | llama3 | ...
    int sequence_len = 512;
    bool sample_packing = false;
    bool train_on_inputs = false;       // false: prompt tokens are masked out of the loss
    double val_set_size = 0.0;          // fraction of train held out when no validation file
    std::int64_t seed = 42;
};

struct ProbeSection {
    int batches = 8;
    int micro_batch_size = 4;
    int sequence_len = 0;               // 0: data.sequence_len
    std::string score = "grad_norm";    // grad_norm | grad_norm_per_param | relative | fisher
};

struct PlanSection {
    // Selection: top_pct | threshold | uniform | cost_aware | manual (core/plan/selection.h),
    // or no selection at all: ranks (the table below) | file (a plan.yaml).
    std::string policy = "top_pct";
    double top_pct = 50.0;              // top_pct: percent of layers kept, best summed scores first
    double threshold = 0.5;             // threshold: per-module normalised score in [0,1]
    double step_budget = 0.6;           // cost_aware: step time allowed, fraction of uniform LoRA's
    std::string allocation = "uniform"; // ranks: uniform (lora_r) | asymmetric | budget
    int attention_r = 16;               // asymmetric: rank of attention projections
    int mlp_r = 64;                     // asymmetric: rank of MLP projections
    std::int64_t budget = 0;            // budget: trainable parameters (0: uniform r=16 on all)
    std::vector<std::string> include;   // patterns "LAYERS[:MODULES]" always adapted
    std::vector<std::string> exclude;   // patterns never adapted
    std::map<std::string, int> ranks;   // explicit module -> rank table (policy: ranks)
    std::string file;                   // a plan.yaml written by `aletheia plan` (policy: file)
};

struct LoraSection {
    int lora_r = 16;                    // base rank; allocation scales it per module
    double lora_alpha = 32.0;           // alpha_rule fixed and rslora: the one alpha
    std::string alpha_rule = "ratio";   // ratio (alpha = alpha_ratio * r) | fixed
    double alpha_ratio = 2.0;
    double lora_dropout = 0.05;
    std::vector<std::string> lora_target_modules;  // empty: every projection the plan picks
    std::vector<int> layers_to_transform;  // empty: every layer
    bool use_rslora = false;
};

struct TrainSection {
    double learning_rate = 2e-4;
    std::string lr_scheduler = "cosine";   // constant | linear | cosine
    int warmup_steps = 0;
    int max_steps = 0;                     // 0: run num_epochs
    int num_epochs = 1;
    int micro_batch_size = 4;
    int gradient_accumulation_steps = 1;
    double max_grad_norm = 1.0;            // 0: no clipping
    double weight_decay = 0.0;
    int eval_steps = 0;                    // 0: evaluate only at the end
    int eval_batches = 0;                  // validation batches per evaluation; 0: all
    int save_steps = 0;                    // 0: checkpoint only at the end (and on Ctrl-C)
    int save_total_limit = 3;              // checkpoints kept on disk; 0: all
    int logging_steps = 1;
    std::string precision = "auto";        // auto (bf16 on CUDA, fp32 on CPU) | fp32 | bf16
    bool gradient_checkpointing = false;
    std::int64_t seed = 42;
};

struct OutputSection {
    std::string dir = "runs/experiment";
    std::vector<std::string> export_formats = {"peft"};  // peft | merged | gguf | gguf-merged
    std::string gguf_type = "f16";                        // f32 | f16 | bf16 | q8_0 (GGUF tensors)
    bool plots = true;
};

struct ExperimentConfig {
    std::string name = "experiment";
    ModelSection model;
    DataSection data;
    ProbeSection probe;
    PlanSection plan;
    LoraSection lora;
    TrainSection train;
    OutputSection output;
};

}  // namespace aletheia

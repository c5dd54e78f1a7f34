#include "core/demo/demo_model.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/config/experiment_io.h"
#include "core/demo/demo_data.h"
#include "core/demo/shipped_demo.h"
#include "core/demo/skill_corpus.h"
#include "core/io/file_lock.h"
#include "core/io/json_file.h"
#include "core/model/model.h"
#include "core/text/dataset.h"
#include "core/text/demo_tokenizer.h"
#include "core/text/tokenizer.h"
#include "core/train/example_batch_source.h"
#include "core/train/trainer.h"

namespace fs = std::filesystem;

namespace aletheia::demo {

namespace {

// Bump when anything below changes what gets built, so stale caches are rebuilt.
constexpr int kDemoVersion = 2;
constexpr int kPretrainExamples = 8000;

std::string alphabet() {
    // Printable ASCII and newline: the skills plus whatever the chat/instruction templates add.
    std::string a = "\n";
    for (char c = ' '; c <= '~'; ++c) a += c;
    return a;
}

nlohmann::json llamaConfig(const DemoOptions& o, int64_t vocab, int32_t eos) {
    return {{"architectures", {"LlamaForCausalLM"}},
            {"model_type", "llama"},
            {"vocab_size", vocab},
            {"hidden_size", o.hidden},
            {"intermediate_size", o.hidden * 8 / 3 / 8 * 8},
            {"num_hidden_layers", o.layers},
            {"num_attention_heads", 4},
            {"num_key_value_heads", 2},
            {"hidden_act", "silu"},
            {"max_position_embeddings", 256},
            {"rms_norm_eps", 1e-5},
            {"rope_theta", 10000.0},
            {"tie_word_embeddings", false},
            {"bos_token_id", nullptr},
            {"eos_token_id", eos},
            {"pad_token_id", 0},
            {"torch_dtype", "float32"}};
}

nlohmann::json infoFor(const DemoOptions& o) {
    return {{"demo_version", kDemoVersion}, {"seed", o.seed}, {"pretrain_steps", o.pretrainSteps},
            {"batch_size", o.batchSize}, {"lr", o.pretrainLr},    {"layers", o.layers}, {"hidden", o.hidden}};
}

bool infoMatches(const nlohmann::json& info, const DemoOptions& o) {
    const auto want = infoFor(o);  // named: items() of a temporary would dangle
    for (auto& [k, v] : want.items())
        if (!info.contains(k) || info[k] != v) return false;
    return true;
}

// A cached model is reusable when it was completed with the same recipe.
bool cachedModelMatches(const std::string& modelDir, const DemoOptions& o) {
    for (const char* f : {"/demo_info.json", "/model.safetensors", "/config.json", "/tokenizer.json"})
        if (!fs::exists(modelDir + f)) return false;
    try {
        return infoMatches(readJsonFile(modelDir + "/demo_info.json"), o);
    } catch (const std::exception&) {
        return false;
    }
}

std::shared_ptr<std::vector<text::Example>> tokenizeSkills(const std::vector<SkillExample>& examples,
                                                           const Tokenizer& tok) {
    auto out = std::make_shared<std::vector<text::Example>>();
    text::DatasetOptions opts;  // the same defaults a user's fine-tune uses: consistent prompts
    for (const auto& e : examples)
        out->push_back(text::tokenizeRecord(toInstructionJsonl(e), text::DatasetShape::Instruction, tok, opts));
    return out;
}

void writeExperiment(const DemoFiles& f) {
    ExperimentConfig cfg;
    cfg.name = "demo-" + fineTuneSkill();
    cfg.model.path = f.modelDir;
    cfg.data.train = f.trainData;
    cfg.data.validation = f.taskValidation;
    cfg.data.forgetting = f.generalData;
    cfg.data.format = "instruction";
    cfg.data.sequence_len = 64;
    cfg.data.val_set_size = 0;
    cfg.probe.batches = 6;
    cfg.probe.micro_batch_size = 16;
    cfg.lora.lora_dropout = 0.0;
    // With replay in the data this rate learns to answer the task (not just lower its loss) and
    // forgets less than a gentle rate without replay did (docs/BENCHMARKS.md).
    cfg.train.learning_rate = 3e-3;
    cfg.train.max_steps = 600;
    cfg.train.warmup_steps = 10;
    cfg.train.micro_batch_size = 16;
    cfg.train.eval_steps = 100;
    cfg.output.dir = f.root + "/runs/" + cfg.name;
    saveExperiment(cfg, f.experiment);
}

}  // namespace

std::string defaultDemoCacheDir() {
    if (const char* c = std::getenv("ALETHEIA_CACHE_DIR"); c && *c) return std::string(c) + "/demo";
    if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/aletheia/demo";
    if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/aletheia/demo";
    return (fs::temp_directory_path() / "aletheia-demo").string();
}

DemoFiles ensureDemo(const DemoOptions& o, const DemoObserver& obs, StopToken* stop) {
    auto log = [&](const std::string& s) {
        if (obs.log) obs.log(s);
    };
    DemoFiles f;
    f.root = o.cacheDir.empty() ? defaultDemoCacheDir() : o.cacheDir;
    f.modelDir = f.root + "/model";
    f.trainData = f.root + "/train.jsonl";
    f.taskValidation = f.root + "/task_val.jsonl";
    f.generalData = f.root + "/general.jsonl";
    f.experiment = f.root + "/demo.yaml";
    std::error_code ec;
    fs::create_directories(f.root, ec);
    if (ec) failIn(f.root, "cannot create the demo cache folder: " + ec.message());
    // One builder at a time per cache: two would share model.building and leave a broken model.
    const FileLock lock(f.root + "/.lock", "the demo model is being prepared in " + f.root);
    writeDemoDatasets(f.root);

    if (!o.rebuild && cachedModelMatches(f.modelDir, o)) {
        f.pretrainLoss = readJsonFile(f.modelDir + "/demo_info.json").value("general_loss", 0.0);
        writeExperiment(f);
        return f;
    }

    // Build into a temporary folder and rename at the end: a stopped or failed build never
    // leaves a half-written model where a complete one is expected.
    const std::string tmp = f.root + "/model.building";
    fs::remove_all(tmp, ec);
    text::writeCharTokenizer(tmp, alphabet());
    const Tokenizer tok = Tokenizer::fromDirectory(tmp);
    const int32_t pad = tok.padId().value_or(0);
    const int32_t eos = tok.eosId().value_or(pad);
    auto config = ModelConfig::fromJson(llamaConfig(o, tok.vocabSize(), eos), tmp + "/config.json");

    const ShippedDemo shipped = shippedDemo();
    const auto shippedInfo = nlohmann::json::parse(shipped.info, nullptr, /*allow_exceptions=*/false);
    if (!o.rebuild && infoMatches(shippedInfo, o)) {
        // The default recipe: the model that ships with Aletheia (core/demo/shipped_demo.h).
        Model::randomInit(config, o.seed).save(tmp);  // config.json as the builder writes it
        writeFileAtomically(tmp + "/model.safetensors",
                            [&](std::ostream& out) { out.write(shipped.weights.data(), static_cast<std::streamsize>(shipped.weights.size())); });
        writeJsonFile(tmp + "/demo_info.json", shippedInfo);
        Model::load(tmp);  // refuses weights that do not fit the config, before they go into place
        fs::remove_all(f.modelDir, ec);
        fs::rename(tmp, f.modelDir, ec);
        if (ec) failIn(f.modelDir, "cannot move the demo model into place: " + ec.message());
        writeExperiment(f);
        f.shipped = true;
        f.pretrainLoss = shippedInfo.value("general_loss", 0.0);
        return f;
    }

    log("Building the demo model (once; cached in " + f.root + ")");

    torch::manual_seed(o.seed);
    Model model = Model::randomInit(config, o.seed);
    auto trainSet = tokenizeSkills(makeExamples(pretrainingSkills(), kPretrainExamples, o.seed), tok);
    auto generalSet = tokenizeSkills(makeExamples(pretrainingSkills(), kGeneralExamples, kGeneralSeed), tok);
    ExampleBatchSource trainData(trainSet, o.batchSize, pad, o.seed);
    ExampleBatchSource generalData(generalSet, 64, pad, o.seed, /*shuffle=*/false);

    TrainOptions t;
    t.full_finetune = true;
    t.lr = o.pretrainLr;
    t.weight_decay = 0.01;
    t.schedule = "cosine";
    t.warmup_steps = std::min<int64_t>(50, o.pretrainSteps / 2);  // 50 for the default recipe
    t.max_steps = o.pretrainSteps;
    t.max_grad_norm = 1.0;
    t.seed = o.seed;
    t.precision = "fp32";
    TrainObserver to;
    to.onStep = obs.onStep;
    to.onLog = obs.log;
    log("Pretraining " + std::to_string(model.summary().parameters) + " parameters on " +
        std::to_string(pretrainingSkills().size()) + " skills for " + std::to_string(o.pretrainSteps) + " steps");
    auto result = train(model, AdapterPlan{}, trainData, nullptr, t, to, stop);
    if (result.outcome != TrainOutcome::Completed) {
        fs::remove_all(tmp, ec);
        fail("demo pretraining did not complete: " + result.message);
    }
    const auto general = evaluate(model, nullptr, generalData, 0);
    log("Demo model: loss " + std::to_string(general.loss) + " on held-out examples of its skills");

    model.save(tmp);
    auto info = infoFor(o);
    info["general_loss"] = general.loss;
    info["final_train_loss"] = result.losses.empty() ? 0.0 : result.losses.back();
    info["parameters"] = model.summary().parameters;
    writeJsonFile(tmp + "/demo_info.json", info);

    fs::remove_all(f.modelDir, ec);
    fs::rename(tmp, f.modelDir, ec);
    if (ec) failIn(f.modelDir, "cannot move the built demo model into place: " + ec.message());
    writeExperiment(f);
    f.built = true;
    f.pretrainLoss = general.loss;
    return f;
}

}  // namespace aletheia::demo

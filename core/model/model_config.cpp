#include "core/model/model_config.h"

#include <algorithm>
#include <cmath>

#include "core/common/error.h"
#include "core/io/json_file.h"
#include "core/model/family_spec.h"
#include "core/model/mlp.h"

namespace aletheia {
namespace {

// Looks up the first present, non-null key among `keys`.
const nlohmann::json* findKey(const nlohmann::json& j, std::initializer_list<const char*> keys) {
    for (const char* k : keys) {
        auto it = j.find(k);
        if (it != j.end() && !it->is_null()) return &*it;
    }
    return nullptr;
}

struct Reader {
    const nlohmann::json& j;
    const std::string& file;

    // The key the file actually uses (n_layer for GPT-2), for messages.
    std::string keyOf(std::initializer_list<const char*> keys) const {
        for (const char* k : keys)
            if (j.contains(k)) return k;
        return *keys.begin();
    }

    int64_t integer(std::initializer_list<const char*> keys, bool required, int64_t def = 0) const {
        const nlohmann::json* v = findKey(j, keys);
        if (!v) {
            if (required) failIn(file, "missing required key", *keys.begin());
            return def;
        }
        if (!v->is_number_integer()) failIn(file, "expected an integer, got " + v->dump(), keyOf(keys));
        // uint64 above INT64_MAX would wrap to a negative number in get<int64_t>.
        if (v->is_number_unsigned() && v->get<uint64_t>() > uint64_t(INT64_MAX))
            failIn(file, "integer out of range: " + v->dump(), keyOf(keys));
        return v->get<int64_t>();
    }
    double number(std::initializer_list<const char*> keys, double def) const {
        const nlohmann::json* v = findKey(j, keys);
        if (!v) return def;
        if (!v->is_number()) failIn(file, "expected a number, got " + v->dump(), keyOf(keys));
        return v->get<double>();
    }
    bool boolean(std::initializer_list<const char*> keys, bool def) const {
        const nlohmann::json* v = findKey(j, keys);
        if (!v) return def;
        if (!v->is_boolean()) failIn(file, "expected true or false, got " + v->dump(), keyOf(keys));
        return v->get<bool>();
    }
    std::string string(std::initializer_list<const char*> keys, const std::string& def) const {
        const nlohmann::json* v = findKey(j, keys);
        if (!v) return def;
        if (!v->is_string()) failIn(file, "expected a string, got " + v->dump(), keyOf(keys));
        return v->get<std::string>();
    }
};

// Upper bounds on sizes read from config.json. Everything is allocated (or looped over) from
// these numbers, so a hostile file must not be able to ask for 10^9 layers. The bounds are far
// above any released model (largest: ~260k vocab, ~25k hidden, ~130k intermediate, ~130 layers,
// 256 experts) and far below what would exhaust memory before the weights are even checked.
constexpr int64_t kMaxVocab = int64_t(1) << 24;
constexpr int64_t kMaxHidden = int64_t(1) << 20;
constexpr int64_t kMaxIntermediate = int64_t(1) << 22;
constexpr int64_t kMaxLayers = 4096;
constexpr int64_t kMaxHeads = int64_t(1) << 14;
constexpr int64_t kMaxExperts = int64_t(1) << 14;
constexpr int64_t kMaxPositions = int64_t(1) << 26;  // 64M tokens of context

void requireInRange(const std::string& file, const std::string& key, int64_t v, int64_t lo, int64_t hi) {
    if (v < lo || v > hi)
        failIn(file, "must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " +
                         std::to_string(v), key);
}

void requirePositive(const std::string& file, const std::string& key, int64_t v, int64_t hi) {
    requireInRange(file, key, v, 1, hi);
}

RopeScaling parseRopeScaling(const nlohmann::json& rs, const std::string& file, const ModelConfig& c,
                             const char* key) {
    RopeScaling r;
    if (!rs.is_object()) failIn(file, "expected an object", key);
    Reader rd{rs, file};
    r.type = rd.string({"rope_type", "type"}, "default");
    r.factor = rd.number({"factor"}, 1.0);
    r.lowFreqFactor = rd.number({"low_freq_factor"}, 1.0);
    r.highFreqFactor = rd.number({"high_freq_factor"}, 4.0);
    r.originalMaxGiven = findKey(rs, {"original_max_position_embeddings"}) != nullptr;
    r.originalMaxPositions = rd.integer({"original_max_position_embeddings"}, false, c.maxPositions);
    r.attentionFactor = rd.number({"attention_factor"}, 0.0);
    r.mscale = rd.number({"mscale"}, 0.0);
    r.mscaleAllDim = rd.number({"mscale_all_dim"}, 0.0);
    r.betaFast = rd.number({"beta_fast"}, 32.0);  // HF: `or 32`, so 0/null mean the default too
    r.betaSlow = rd.number({"beta_slow"}, 1.0);
    if (r.betaFast == 0) r.betaFast = 32;
    if (r.betaSlow == 0) r.betaSlow = 1;
    const auto& types = supportedRopeTypes();
    if (std::find(types.begin(), types.end(), r.type) == types.end())
        failIn(file, "rope type '" + r.type + "' is not supported (supported: " + joined(types) + ")",
               std::string(key) + ".rope_type");
    if (r.type == "longrope") {
        const size_t half = size_t(c.rotaryDim() / 2);
        for (auto [name, factors] : {std::pair{"short_factor", &r.shortFactor}, {"long_factor", &r.longFactor}}) {
            const nlohmann::json* f = findKey(rs, {name});
            if (!f || !f->is_array() || f->size() != half)
                failIn(file, "must be a list of " + std::to_string(half) + " numbers (rotary dims / 2)",
                       std::string(key) + "." + name);
            for (const auto& v : *f) {
                if (!v.is_number() || !(v.get<double>() > 0))
                    failIn(file, "must hold positive numbers, got " + v.dump(), std::string(key) + "." + name);
                factors->push_back(v.get<double>());
            }
        }
    }
    if (r.type == "yarn" && r.originalMaxPositions <= 0)
        failIn(file, "original_max_position_embeddings must be positive", key);
    if (r.type != "default" && !(r.factor > 0)) failIn(file, "factor must be positive", key);
    return r;
}

// A key the config class defaults to `def` when absent, and to None (0) when written as null.
double optionalNumber(const nlohmann::json& j, const char* key, double def, const std::string& file) {
    if (!j.contains(key)) return def;
    const double v = Reader{j, file}.number({key}, 0.0);
    if (v < 0) failIn(file, "must be positive or null", key);
    return v;
}

// transformers 4.52.4 (_prepare_4d_causal_attention_mask_with_cache_position) applies the window to
// the eager and SDPA masks when `use_sliding_window` (an attribute any config.json may set; the qwen
// configs default it to false) is true and sliding_window is not None. Qwen's max_window_layers only
// reaches flash-attention there, so the eager/SDPA rule has no per-layer exception and neither do we.
void readSlidingWindow(ModelConfig& c, const FamilySpec& spec, const nlohmann::json& j, const std::string& file) {
    c.layerWindow.assign(size_t(c.numLayers), 0);
    c.slidingLayer.assign(size_t(c.numLayers), false);
    if (spec.sliding == SlidingLayers::None) return;
    Reader rd{j, file};
    int64_t pattern = 1;
    if (spec.sliding == SlidingLayers::Pattern) {
        pattern = rd.integer({"sliding_window_pattern"}, false, 6);  // Gemma3TextConfig default
        requirePositive(file, "sliding_window_pattern", pattern, kMaxLayers);
    }
    for (int64_t i = 0; i < c.numLayers; ++i)
        c.slidingLayer[size_t(i)] = spec.sliding == SlidingLayers::All ||
                                    (spec.sliding == SlidingLayers::EvenLayers && i % 2 == 0) ||
                                    (spec.sliding == SlidingLayers::Pattern && (i + 1) % pattern != 0);
    // Absent key = the config class's default; an explicit null = no window.
    c.slidingWindow = j.contains("sliding_window") ? rd.integer({"sliding_window"}, false, 0) : spec.defaultSlidingWindow;
    requireInRange(file, "sliding_window", c.slidingWindow, 0, kMaxPositions);
    if (!rd.boolean({"use_sliding_window"}, spec.defaultUseSlidingWindow)) c.slidingWindow = 0;
    for (int64_t i = 0; i < c.numLayers; ++i)
        if (c.slidingLayer[size_t(i)]) c.layerWindow[size_t(i)] = c.slidingWindow;
}

}  // namespace

const std::vector<std::string>& supportedRopeTypes() {
    static const std::vector<std::string> types = {"default", "linear", "dynamic", "llama3", "yarn", "longrope"};
    return types;
}

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
}

std::vector<std::string> supportedModelTypes() {
    std::vector<std::string> v;
    for (const auto& s : familySpecs()) v.push_back(s.modelType);
    return v;
}

ModelConfig ModelConfig::load(const std::string& path) { return fromJson(readJsonFile(path), path); }

ModelConfig ModelConfig::fromJson(const nlohmann::json& j, const std::string& file) {
    if (!j.is_object()) failIn(file, "config is not a JSON object");
    Reader rd{j, file};
    ModelConfig c;
    c.raw = j;
    c.modelType = rd.string({"model_type"}, "");
    if (c.modelType.empty()) failIn(file, "missing required key", "model_type");
    const FamilySpec* spec = nullptr;
    try {
        spec = &familySpec(c.modelType);
    } catch (const Error& e) {
        failIn(file, e.problem(), "model_type");
    }
    c.vocabSize = rd.integer({"vocab_size"}, true);
    c.hiddenSize = rd.integer({"hidden_size", "n_embd"}, true);
    c.numLayers = rd.integer({"num_hidden_layers", "n_layer"}, true);
    c.numHeads = rd.integer({"num_attention_heads", "n_head"}, true);
    requirePositive(file, "vocab_size", c.vocabSize, kMaxVocab);
    requirePositive(file, rd.keyOf({"hidden_size", "n_embd"}), c.hiddenSize, kMaxHidden);
    requirePositive(file, rd.keyOf({"num_hidden_layers", "n_layer"}), c.numLayers, kMaxLayers);
    requirePositive(file, rd.keyOf({"num_attention_heads", "n_head"}), c.numHeads, kMaxHeads);
    c.numKvHeads = rd.integer({"num_key_value_heads"}, false, c.numHeads);
    requirePositive(file, "num_key_value_heads", c.numKvHeads, kMaxHeads);
    if (c.numHeads % c.numKvHeads != 0)
        failIn(file, "num_attention_heads must be a multiple of num_key_value_heads", "num_key_value_heads");
    c.headDim = rd.integer({"head_dim"}, false, 0);
    if (c.headDim == 0) {
        if (c.hiddenSize % c.numHeads != 0)
            failIn(file, "hidden_size is not divisible by num_attention_heads", "hidden_size");
        c.headDim = c.hiddenSize / c.numHeads;
    }
    requirePositive(file, "head_dim", c.headDim, kMaxHidden);
    if (c.modelType == "gpt2")
        c.intermediateSize = rd.integer({"n_inner"}, false, 4 * c.hiddenSize);
    else
        c.intermediateSize = rd.integer({"intermediate_size"}, true);
    requirePositive(file, c.modelType == "gpt2" ? "n_inner" : "intermediate_size", c.intermediateSize, kMaxIntermediate);
    c.maxPositions = rd.integer({"max_position_embeddings", "n_positions"}, false, 2048);
    requirePositive(file, rd.keyOf({"max_position_embeddings", "n_positions"}), c.maxPositions, kMaxPositions);
    c.normEps = rd.number({spec->normEpsKey.c_str()}, spec->defaultNormEps);
    c.activation = rd.string({spec->activationKey.c_str()}, spec->defaultActivation);
    try {
        checkActivation(c.activation);
    } catch (const Error& e) {
        failIn(file, e.problem(), spec->activationKey);
    }

    // RoPE: v5 keeps theta, partial factor and scaling together in rope_parameters.
    c.ropeTheta = rd.number({"rope_theta", "rotary_emb_base"}, spec->defaultRopeTheta);
    if (spec->localRope) c.ropeLocalTheta = rd.number({"rope_local_base_freq"}, 10000.0);  // Gemma3TextConfig default
    c.partialRotary = rd.number({"partial_rotary_factor", "rotary_pct"}, spec->defaultPartialRotary);
    if (const nlohmann::json* rp = findKey(j, {"rope_parameters"})) {
        c.ropeScaling = parseRopeScaling(*rp, file, c, "rope_parameters");
        Reader rr{*rp, file};
        c.ropeTheta = rr.number({"rope_theta"}, c.ropeTheta);
        c.partialRotary = rr.number({"partial_rotary_factor"}, c.partialRotary);
    } else if (const nlohmann::json* rs = findKey(j, {"rope_scaling"})) {
        c.ropeScaling = parseRopeScaling(*rs, file, c, "rope_scaling");
    }
    if (c.ropeScaling.type == "longrope") {
        // transformers 4.52.4 (_compute_longrope_parameters) takes the original context from the config's
        // top-level attribute (Phi3Config defaults it to 4096), and then factor = max / original.
        RopeScaling& r = c.ropeScaling;
        r.originalMaxGiven = j.contains("original_max_position_embeddings") || spec->defaultOriginalMaxPositions > 0;
        r.originalMaxPositions = rd.integer({"original_max_position_embeddings"}, false,
                                            r.originalMaxGiven ? spec->defaultOriginalMaxPositions : c.maxPositions);
        requirePositive(file, "original_max_position_embeddings", r.originalMaxPositions, kMaxPositions);
    }
    if (!(c.partialRotary > 0 && c.partialRotary <= 1)) failIn(file, "must be in (0, 1]", "partial_rotary_factor");

    c.tieWordEmbeddings = rd.boolean({"tie_word_embeddings"}, spec->defaultTie);
    c.attentionBias = !spec->attentionBiasKey.empty() &&
                      rd.boolean({spec->attentionBiasKey.c_str(), "qkv_bias"}, spec->defaultAttentionBias);
    c.mlpBias = rd.boolean({"mlp_bias"}, false);
    c.parallelResidual = spec->parallelResidualOption && rd.boolean({"use_parallel_residual"}, spec->defaultParallelResidual);
    c.qkNorm = !spec->qNorm.empty() && (spec->qkNormKey.empty() || rd.boolean({spec->qkNormKey.c_str()}, false));
    c.scaleAttnByInverseLayerIdx = rd.boolean({"scale_attn_by_inverse_layer_idx"}, false);
    readSlidingWindow(c, *spec, j, file);
    if (spec->queryPreAttnScalar) {
        c.queryPreAttnScalar = rd.number({"query_pre_attn_scalar"}, 256.0);  // Gemma2Config default
        if (!(c.queryPreAttnScalar > 0)) failIn(file, "must be positive", "query_pre_attn_scalar");
    }
    if (spec->softcapping) {
        c.attnSoftcap = optionalNumber(j, "attn_logit_softcapping", spec->defaultAttnSoftcap, file);
        c.finalSoftcap = optionalNumber(j, "final_logit_softcapping", spec->defaultFinalSoftcap, file);
    }

    c.numExperts = rd.integer({"num_local_experts", "num_experts"}, false, 0);
    if (c.modelType == "mixtral" || c.modelType == "qwen2_moe") {
        requirePositive(file, rd.keyOf({"num_local_experts", "num_experts"}), c.numExperts, kMaxExperts);
        c.numExpertsPerTok = rd.integer({"num_experts_per_tok"}, true);
        if (c.numExpertsPerTok <= 0 || c.numExpertsPerTok > c.numExperts)
            failIn(file, "must be in [1, num_experts]", "num_experts_per_tok");
    } else {
        c.numExperts = 0;  // dense family: an experts key would be meaningless
    }
    c.moeIntermediateSize = c.modelType == "qwen2_moe" ? rd.integer({"moe_intermediate_size"}, true) : c.intermediateSize;
    c.sharedExpertIntermediateSize = spec->sharedExpert ? rd.integer({"shared_expert_intermediate_size"}, true) : 0;
    requirePositive(file, "moe_intermediate_size", c.moeIntermediateSize, kMaxIntermediate);
    if (spec->sharedExpert)
        requirePositive(file, "shared_expert_intermediate_size", c.sharedExpertIntermediateSize, kMaxIntermediate);
    c.normTopkProb = spec->alwaysNormTopk ? true : rd.boolean({"norm_topk_prob"}, false);
    c.decoderSparseStep = rd.integer({"decoder_sparse_step"}, false, 1);
    if (c.decoderSparseStep <= 0) c.decoderSparseStep = 1;
    if (const nlohmann::json* m = findKey(j, {"mlp_only_layers"})) {
        if (!m->is_array()) failIn(file, "expected a list of layer indices", "mlp_only_layers");
        for (const auto& x : *m) {
            if (!x.is_number_integer()) failIn(file, "expected a list of layer indices", "mlp_only_layers");
            c.mlpOnlyLayers.push_back(x.get<int64_t>());
        }
    }
    c.torchDtype = rd.string({"dtype", "torch_dtype"}, "float32");
    return c;
}

bool ModelConfig::isMoeLayer(int64_t layer) const {
    if (numExperts == 0) return false;
    if (std::find(mlpOnlyLayers.begin(), mlpOnlyLayers.end(), layer) != mlpOnlyLayers.end()) return false;
    return (layer + 1) % decoderSparseStep == 0;
}

nlohmann::json ModelConfig::toJson() const {
    nlohmann::json j = raw.is_object() ? raw : nlohmann::json::object();
    j["model_type"] = modelType;
    j["vocab_size"] = vocabSize;
    j["tie_word_embeddings"] = tieWordEmbeddings;
    j["torch_dtype"] = torchDtype;
    if (j.contains("dtype")) j["dtype"] = torchDtype;
    if (modelType == "gpt2") {
        j["n_embd"] = hiddenSize;
        j["n_layer"] = numLayers;
        j["n_head"] = numHeads;
        j["n_inner"] = intermediateSize;
        j["n_positions"] = maxPositions;
        j["layer_norm_epsilon"] = normEps;
        j["activation_function"] = activation;
        j["scale_attn_by_inverse_layer_idx"] = scaleAttnByInverseLayerIdx;
        if (!j.contains("architectures")) j["architectures"] = {familySpec(modelType).architecture};
        return j;
    }
    j["hidden_size"] = hiddenSize;
    j["num_hidden_layers"] = numLayers;
    j["num_attention_heads"] = numHeads;
    j["intermediate_size"] = intermediateSize;
    j["max_position_embeddings"] = maxPositions;
    if (modelType == "gpt_neox") {
        j["layer_norm_eps"] = normEps;
        j["rotary_pct"] = partialRotary;
        j["rotary_emb_base"] = ropeTheta;
        j["use_parallel_residual"] = parallelResidual;
        j["attention_bias"] = attentionBias;
        j[familySpec(modelType).activationKey] = activation;
    } else {
        j["num_key_value_heads"] = numKvHeads;
        j["head_dim"] = headDim;
        j[familySpec(modelType).normEpsKey] = normEps;
        j[familySpec(modelType).activationKey] = activation;
        if (partialRotary != 1.0) j["partial_rotary_factor"] = partialRotary;
        if (!j.contains("rope_parameters")) j["rope_theta"] = ropeTheta;
        const FamilySpec& sp = familySpec(modelType);
        if (!sp.attentionBiasKey.empty() && !sp.qkvBias) j[sp.attentionBiasKey] = attentionBias;
        if (!sp.qkNormKey.empty()) j[sp.qkNormKey] = qkNorm;
        if (sp.parallelResidualOption) j["use_parallel_residual"] = parallelResidual;
        if (modelType == "llama") j["mlp_bias"] = mlpBias;
    }
    if (ropeScaling.type != "default" && !j.contains("rope_parameters")) {
        nlohmann::json rs = {{"rope_type", ropeScaling.type}, {"factor", ropeScaling.factor}};
        if (ropeScaling.type == "yarn") {
            if (ropeScaling.originalMaxGiven) rs["original_max_position_embeddings"] = ropeScaling.originalMaxPositions;
            if (ropeScaling.attentionFactor > 0) rs["attention_factor"] = ropeScaling.attentionFactor;
            if (ropeScaling.mscale != 0) rs["mscale"] = ropeScaling.mscale;
            if (ropeScaling.mscaleAllDim != 0) rs["mscale_all_dim"] = ropeScaling.mscaleAllDim;
            rs["beta_fast"] = ropeScaling.betaFast;
            rs["beta_slow"] = ropeScaling.betaSlow;
        }
        if (ropeScaling.type == "llama3") {
            rs["low_freq_factor"] = ropeScaling.lowFreqFactor;
            rs["high_freq_factor"] = ropeScaling.highFreqFactor;
            rs["original_max_position_embeddings"] = ropeScaling.originalMaxPositions;
        }
        if (ropeScaling.type == "longrope") {
            // Phi3Config accepts exactly these three keys; the original context sits at the top level.
            rs = {{"type", "longrope"}, {"short_factor", ropeScaling.shortFactor}, {"long_factor", ropeScaling.longFactor}};
            if (ropeScaling.originalMaxGiven) j["original_max_position_embeddings"] = ropeScaling.originalMaxPositions;
        }
        j["rope_scaling"] = rs;
    }
    if (modelType == "mixtral") {
        j["num_local_experts"] = numExperts;
        j["num_experts_per_tok"] = numExpertsPerTok;
    }
    if (modelType == "qwen2_moe") {
        j["num_experts"] = numExperts;
        j["num_experts_per_tok"] = numExpertsPerTok;
        j["moe_intermediate_size"] = moeIntermediateSize;
        j["shared_expert_intermediate_size"] = sharedExpertIntermediateSize;
        j["norm_topk_prob"] = normTopkProb;
        j["decoder_sparse_step"] = decoderSparseStep;
        j["mlp_only_layers"] = mlpOnlyLayers;
    }
    if (!j.contains("architectures")) j["architectures"] = {familySpec(modelType).architecture};
    return j;
}

}  // namespace aletheia

// From config + family spec to the model's structure: every Linear with its checkpoint name, PEFT
// module name and logical parts, and the slot list of all tensors.
#include <cmath>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/model/mlp.h"
#include "core/model/model_state.h"
#include "core/model/rope.h"

namespace aletheia {
namespace {

LogicalPart whole(const std::string& role, int64_t rows) { return {role, {{0, rows}}}; }

struct Builder {
    ModelState& s;
    const ModelConfig& c;
    const FamilySpec& sp;

    Linear make(const std::string& name, const std::string& module, int layer, int expert,
                std::vector<LogicalPart> parts, int64_t out, int64_t in, bool bias) {
        Linear l;
        l.name = name;
        l.module = module;
        l.layer = layer;
        l.expert = expert;
        l.parts = std::move(parts);
        l.conv1d = sp.conv1d;
        // Shapes are recorded in the slot pass; keep placeholders that carry the shape.
        l.weight = torch::empty({out, in}, torch::TensorOptions().device(torch::kMeta));
        if (bias) l.bias = torch::empty({out}, torch::TensorOptions().device(torch::kMeta));
        return l;
    }

    // A module name must be unique within a layer (plan cells, probe table and LoRA address a
    // projection by (layer, module)). GPT-2 calls both the attention output and the MLP down
    // projection "c_proj": qualify them with their sub-module ("attn.c_proj", "mlp.c_proj"),
    // which PEFT's target_modules suffix match ("key ends with .target") accepts as is.
    bool oDownClash() const { return sp.o == sp.down; }
    std::string oModule() const { return oDownClash() ? sp.attn + sp.o : sp.o; }
    std::string downModule(const std::string& down, int expert) const {
        return oDownClash() && expert < 0 && down == sp.down ? sp.mlp + down : down;
    }

    Norm norm(NormKind kind, int64_t dim, bool layerBias = true) {
        Norm n;
        n.kind = kind;
        n.eps = c.normEps;
        n.weight = torch::empty({dim}, torch::TensorOptions().device(torch::kMeta));
        if (kind == NormKind::Layer && layerBias) n.bias = torch::empty({dim}, torch::TensorOptions().device(torch::kMeta));
        return n;
    }

    AttentionParts attention(int i, const std::string& P) {
        AttentionParts a;
        const int64_t H = c.hiddenSize, hd = c.headDim, nh = c.numHeads, nkv = c.numKvHeads;
        const bool qkvBias = sp.alwaysBiased || sp.qkvBias || c.attentionBias;
        const bool oBias = sp.alwaysBiased || (sp.outBias && c.attentionBias);
        const std::string A = P + sp.attn;
        if (sp.qkvFused.empty()) {
            a.in.push_back(make(A + sp.q, sp.q, i, -1, {whole("q", nh * hd)}, nh * hd, H, qkvBias));
            a.in.push_back(make(A + sp.k, sp.k, i, -1, {whole("k", nkv * hd)}, nkv * hd, H, qkvBias));
            a.in.push_back(make(A + sp.v, sp.v, i, -1, {whole("v", nkv * hd)}, nkv * hd, H, qkvBias));
        } else {
            std::vector<LogicalPart> parts;
            if (sp.qkvLayout == FusedLayout::Blocks) {
                parts = {{"q", {{0, nh * hd}}},
                         {"k", {{nh * hd, (nh + nkv) * hd}}},
                         {"v", {{(nh + nkv) * hd, (nh + 2 * nkv) * hd}}}};
            } else {
                if (nkv != nh) fail("per-head interleaved qkv requires num_key_value_heads == num_attention_heads");
                parts = {{"q", {}}, {"k", {}}, {"v", {}}};
                for (int64_t h = 0; h < nh; ++h)
                    for (int r = 0; r < 3; ++r) parts[r].rows.push_back({(3 * h + r) * hd, (3 * h + r + 1) * hd});
            }
            a.in.push_back(make(A + sp.qkvFused, sp.qkvFused, i, -1, parts, (nh + 2 * nkv) * hd, H, qkvBias));
        }
        a.out = make(A + sp.o, oModule(), i, -1, {whole("o", H)}, H, nh * hd, oBias);
        if (c.qkNorm && sp.qkNormPerHead) {  // stablelm: nn.LayerNorm(head_dim, bias=False) per head
            a.qkNorm = true;
            for (int64_t h = 0; h < nh; ++h) a.qHeadNorms.push_back(norm(NormKind::Layer, hd, false));
            for (int64_t h = 0; h < nkv; ++h) a.kHeadNorms.push_back(norm(NormKind::Layer, hd, false));
        } else if (c.qkNorm) {
            a.qkNorm = true;
            a.qNorm = norm(sp.norm == NormKind::Layer ? NormKind::Rms : sp.norm, hd);
            a.kNorm = norm(sp.norm == NormKind::Layer ? NormKind::Rms : sp.norm, hd);
        }
        return a;
    }

    // A gated or plain MLP under `prefix`, with given projection names and PEFT module prefix.
    MlpParts mlp(int i, int expert, const std::string& prefix, const std::string& modulePrefix,
                 const std::string& gate, const std::string& up, const std::string& down, int64_t I, bool gated,
                 bool bias) {
        MlpParts m;
        const int64_t H = c.hiddenSize;
        if (!gated) {
            m.in.push_back(make(prefix + up, modulePrefix + up, i, expert, {whole("up", I)}, I, H, bias));
        } else if (!sp.gateUpFused.empty() && expert < 0 && modulePrefix.empty()) {
            m.in.push_back(make(prefix + sp.gateUpFused, sp.gateUpFused, i, expert,
                                {{"gate", {{0, I}}}, {"up", {{I, 2 * I}}}}, 2 * I, H, bias));
        } else {
            m.in.push_back(make(prefix + gate, modulePrefix + gate, i, expert, {whole("gate", I)}, I, H, bias));
            m.in.push_back(make(prefix + up, modulePrefix + up, i, expert, {whole("up", I)}, I, H, bias));
        }
        m.down = make(prefix + down, modulePrefix + downModule(down, expert), i, expert, {whole("down", H)}, H, I, bias);
        return m;
    }

    DecoderLayer layer(int i) {
        DecoderLayer L;
        const std::string P = sp.layerPrefix + std::to_string(i) + ".";
        L.ln1 = norm(sp.norm, c.hiddenSize);
        if (!(c.parallelResidual && sp.parallelSharesNorm)) L.ln2 = norm(sp.norm, c.hiddenSize);
        if (sp.normPlacement == NormPlacement::Sandwich) {
            L.preFfn = norm(sp.norm, c.hiddenSize);
            L.postFfn = norm(sp.norm, c.hiddenSize);
        }
        L.attn = attention(i, P);
        L.isMoe = c.isMoeLayer(i);
        const bool mlpBias = sp.alwaysBiased || sp.mlpAlwaysBiased || c.mlpBias;
        if (!L.isMoe) {
            L.mlp = mlp(i, -1, P + sp.mlp, "", sp.gate, sp.up, sp.down, c.intermediateSize, sp.gatedMlp, mlpBias);
            return L;
        }
        const std::string M = P + sp.moe;
        L.moe.router = make(M + sp.router, sp.router, i, -1, {whole("router", c.numExperts)}, c.numExperts,
                            c.hiddenSize, false);
        for (int e = 0; e < c.numExperts; ++e)
            L.moe.experts.push_back(mlp(i, e, M + sp.experts + std::to_string(e) + ".", "", sp.expertGate,
                                        sp.expertUp, sp.expertDown, c.moeIntermediateSize, true, false));
        if (sp.sharedExpert && c.sharedExpertIntermediateSize > 0) {
            L.moe.hasShared = true;
            L.moe.shared = mlp(i, -1, M + sp.sharedExpertPrefix, sp.sharedExpertPrefix, "gate_proj", "up_proj",
                               "down_proj", c.sharedExpertIntermediateSize, true, false);
            L.moe.sharedGate = make(M + sp.sharedExpertGate, sp.sharedExpertGate, i, -1, {whole("shared_gate", 1)}, 1,
                                    c.hiddenSize, false);
        }
        return L;
    }

    void slot(const std::string& name, torch::Tensor* t, SlotKind kind, const std::string& moduleKind,
              bool transposed = false) {
        s.slots.push_back({name, t->sizes().vec(), t, transposed, kind, moduleKind});
    }
    void slotNorm(const std::string& name, Norm& n, const std::string& moduleKind) {
        slot(name + ".weight", &n.weight, SlotKind::NormWeight, moduleKind);
        if (n.bias.defined()) slot(name + ".bias", &n.bias, SlotKind::Bias, moduleKind);
    }
    void slotLinear(Linear& l, const std::string& moduleKind) {
        slot(l.name + ".weight", &l.weight, SlotKind::Matrix, moduleKind, l.conv1d);
        if (l.bias.defined()) slot(l.name + ".bias", &l.bias, SlotKind::Bias, moduleKind);
    }
    void slotMlp(MlpParts& m, const std::string& kind) {
        for (auto& l : m.in) slotLinear(l, kind);
        slotLinear(m.down, kind);
    }
};

}  // namespace

void buildSkeleton(ModelState& s) {
    const ModelConfig& c = s.config;
    s.spec = &familySpec(c.modelType);
    const FamilySpec& sp = *s.spec;
    checkActivation(c.activation);
    Builder b{s, c, sp};
    const auto meta = torch::TensorOptions().device(torch::kMeta);

    s.embed = torch::empty({c.vocabSize, c.hiddenSize}, meta);
    if (!sp.posEmbed.empty()) s.posEmbed = torch::empty({c.maxPositions, c.hiddenSize}, meta);
    s.tied = c.tieWordEmbeddings;
    s.head = Linear{};
    s.head.name = sp.lmHead.substr(0, sp.lmHead.rfind(".weight"));
    s.head.module = s.head.name;
    s.head.parts = {LogicalPart{"lm_head", {{0, c.vocabSize}}}};
    if (!s.tied) s.head.weight = torch::empty({c.vocabSize, c.hiddenSize}, meta);
    s.finalNorm = b.norm(sp.norm, c.hiddenSize);
    s.layers.clear();
    s.layers.reserve(c.numLayers);
    for (int i = 0; i < c.numLayers; ++i) s.layers.push_back(b.layer(i));

    // Slot pass: the layers vector no longer moves, so pointers into it stay valid.
    s.slots.clear();
    b.slot(sp.embed, &s.embed, SlotKind::Embedding, "embedding");
    if (s.posEmbed.defined()) b.slot(sp.posEmbed, &s.posEmbed, SlotKind::Embedding, "embedding");
    for (auto& L : s.layers) {
        const std::string P = sp.layerPrefix + std::to_string(L.attn.out.layer) + ".";
        b.slotNorm(P + sp.ln1, L.ln1, "norm");
        if (L.ln2.weight.defined()) b.slotNorm(P + sp.ln2, L.ln2, "norm");
        if (L.preFfn.weight.defined()) {
            b.slotNorm(P + sp.preFfnNorm, L.preFfn, "norm");
            b.slotNorm(P + sp.postFfnNorm, L.postFfn, "norm");
        }
        for (auto& l : L.attn.in) b.slotLinear(l, "attention");
        b.slotLinear(L.attn.out, "attention");
        for (size_t h = 0; h < L.attn.qHeadNorms.size(); ++h)
            b.slotNorm(P + sp.attn + sp.qNorm + ".norms." + std::to_string(h), L.attn.qHeadNorms[h], "norm");
        for (size_t h = 0; h < L.attn.kHeadNorms.size(); ++h)
            b.slotNorm(P + sp.attn + sp.kNorm + ".norms." + std::to_string(h), L.attn.kHeadNorms[h], "norm");
        if (L.attn.qNorm.weight.defined()) {
            b.slotNorm(P + sp.attn + sp.qNorm, L.attn.qNorm, "norm");
            b.slotNorm(P + sp.attn + sp.kNorm, L.attn.kNorm, "norm");
        }
        if (!L.isMoe) {
            b.slotMlp(L.mlp, "mlp");
            continue;
        }
        b.slotLinear(L.moe.router, "router");
        for (auto& e : L.moe.experts) b.slotMlp(e, "experts");
        if (L.moe.hasShared) {
            b.slotMlp(L.moe.shared, "shared_expert");
            b.slotLinear(L.moe.sharedGate, "shared_expert");
        }
    }
    b.slotNorm(sp.finalNorm, s.finalNorm, "norm");
    if (!s.tied) b.slot(sp.lmHead, &s.head.weight, SlotKind::Matrix, "lm_head");

    s.attnShape.numHeads = c.numHeads;
    s.attnShape.numKvHeads = c.numKvHeads;
    s.attnShape.headDim = c.headDim;
    s.attnShape.rope = sp.rope;
    s.attnShape.scale = 1.0 / std::sqrt(c.queryPreAttnScalar > 0 ? c.queryPreAttnScalar : double(c.headDim));
    s.attnShape.softcap = c.attnSoftcap;
    s.moeOptions.topK = c.numExpertsPerTok;
    s.moeOptions.normTopk = c.normTopkProb;
    s.moeOptions.activation = c.activation;
}

void finishState(ModelState& s) {
    if (s.tied) s.head.weight = s.embed;
    if (s.spec->rope) s.invFreq = ropeInverseFrequencies(s.config).to(s.device);
    if (s.spec->rope && s.config.ropeLocalTheta > 0) {
        // HF gemma3 builds its local rotary embedding from a copy of the config with this base and
        // rope_scaling {"rope_type": "default"}.
        s.localRope = s.config;
        s.localRope.ropeTheta = s.config.ropeLocalTheta;
        s.localRope.ropeScaling = RopeScaling{};
        s.invFreqLocal = ropeInverseFrequencies(s.localRope).to(s.device);
    }
}

}  // namespace aletheia

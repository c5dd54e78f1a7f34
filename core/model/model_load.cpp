// Model::load and Model::randomInit: fill every slot of the skeleton, from a checkpoint or at random.
#include <filesystem>
#include <set>
#include <sstream>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include "core/common/error.h"
#include "core/io/safetensors_reader.h"
#include "core/model/model.h"
#include "core/model/model_state.h"

namespace aletheia {
namespace {

std::string shapeText(const std::vector<int64_t>& s) {
    std::ostringstream o;
    o << "[";
    for (size_t i = 0; i < s.size(); ++i) o << (i ? ", " : "") << s[i];
    o << "]";
    return o.str();
}

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

torch::Dtype dtypeFromName(const std::string& n) {
    if (n == "bfloat16") return torch::kBFloat16;
    if (n == "float16") return torch::kHalf;
    return torch::kFloat;  // float32, and anything exotic: compute in fp32
}

// The checkpoint name under which `canonical` is stored, accepting names without the optional prefix.
std::string resolve(const SafetensorsCheckpoint& ck, const FamilySpec& sp, const std::string& canonical) {
    if (ck.contains(canonical)) return canonical;
    const auto& p = sp.optionalPrefix;
    if (!p.empty() && canonical.compare(0, p.size(), p) == 0) {
        std::string bare = canonical.substr(p.size());
        if (ck.contains(bare)) return bare;
    }
    return {};
}

}  // namespace

std::string torchDtypeName(torch::Dtype d) {
    switch (d) {
    case torch::kBFloat16: return "bfloat16";
    case torch::kHalf: return "float16";
    case torch::kDouble: return "float64";
    default: return "float32";
    }
}

Model Model::load(const std::string& dir, const LoadOptions& opt) {
    namespace fs = std::filesystem;
    if (!fs::is_directory(dir)) failIn(dir, "not a folder");
    auto s = std::make_shared<ModelState>();
    const std::string configPath = (fs::path(dir) / "config.json").string();
    if (!fs::exists(configPath)) failIn(dir, "no config.json in this folder");
    s->config = ModelConfig::load(configPath);
    try {
        buildSkeleton(*s);
    } catch (const Error& e) {
        failIn(configPath, e.problem(), e.context().item);
    }
    const FamilySpec& sp = *s->spec;
    s->dtype = opt.dtype.value_or(dtypeFromName(s->config.torchDtype));
    s->device = opt.device;
    s->config.torchDtype = torchDtypeName(s->dtype);

    const SafetensorsCheckpoint ck = SafetensorsCheckpoint::open(dir);
    std::set<std::string> used;
    const long total = long(s->slots.size());
    long done = 0;
    for (WeightSlot& slot : s->slots) {
        if (opt.stop && opt.stop->stopRequested()) failIn(dir, "loading cancelled");
        const std::string name = resolve(ck, sp, slot.name);
        if (name.empty())
            failIn(ck.files().size() == 1 ? ck.files()[0]->path() : dir, "missing tensor (config.json says " + s->config.modelType + " with " +
                            std::to_string(s->config.numLayers) + " layers)", slot.name);
        used.insert(name);
        const TensorEntry& e = ck.entry(name);
        if (e.shape != slot.diskShape())
            failIn(ck.fileOf(name), "shape " + shapeText(e.shape) + " does not match config.json (expected " +
                                        shapeText(slot.diskShape()) + ")", name);
        torch::Tensor t = ck.tensor(name).to(s->device, s->dtype);  // no copy when already right
        // Conv1D [in, out] -> [out, in] as a transposed view: linear() then hands the GEMM the
        // row-major [in, out] matrix, as GPT-2's Conv1D (addmm) does, so bf16 rounds the same.
        if (slot.transposed) t = t.t();
        *slot.target = t;
        if (opt.progress) opt.progress(++done, total, slot.name);
    }
    // Anything left is either a known buffer, a redundant tied lm_head, or a sign of a wrong config.
    for (const auto& name : ck.names()) {
        if (used.count(name)) continue;
        bool ignored = s->tied && (name == sp.lmHead || resolve(ck, sp, sp.lmHead) == name);
        for (const auto& suf : sp.ignoredSuffixes) ignored = ignored || endsWith(name, suf);
        if (!ignored) failIn(ck.fileOf(name), "unexpected tensor: not part of a " + s->config.modelType +
                                                  " model with this config.json", name);
    }
    finishState(*s);
    Model m;
    m.s_ = s;
    return m;
}

Model Model::randomInit(const ModelConfig& config, uint64_t seed, torch::Dtype dtype, torch::Device device) {
    auto s = std::make_shared<ModelState>();
    s->config = config;
    s->config.torchDtype = torchDtypeName(dtype);
    s->dtype = dtype;
    s->device = device;
    buildSkeleton(*s);
    const double stdDev = config.raw.is_object() ? config.raw.value("initializer_range", 0.02) : 0.02;
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    for (WeightSlot& slot : s->slots) {
        torch::Tensor t;
        switch (slot.kind) {
        case SlotKind::Matrix:
        case SlotKind::Embedding:
            // Drawn in the on-disk layout and viewed as load() views it, so a saved and reloaded
            // model runs the very same GEMMs (GPT-2's Conv1D is a transposed view).
            t = torch::randn(slot.diskShape(), gen, torch::kFloat).mul_(stdDev);
            if (slot.transposed) t = t.t();
            break;
        case SlotKind::NormWeight:
            // gemma's RMSNorm scales by (1 + w): its identity is w = 0.
            t = s->spec->norm == NormKind::RmsOnePlus ? torch::zeros(slot.shape) : torch::ones(slot.shape);
            break;
        case SlotKind::Bias:
            t = torch::zeros(slot.shape);
            break;
        }
        *slot.target = t.to(device, dtype);
    }
    finishState(*s);
    Model m;
    m.s_ = s;
    return m;
}

}  // namespace aletheia

#include "core/model/model_summary.h"

#include <sstream>

#include <torch/torch.h>

#include "core/model/model.h"
#include "core/model/model_state.h"

namespace aletheia {

std::string ModelSummary::toText() const {
    std::ostringstream o;
    o << family << ": " << layers << " layers, hidden " << hiddenSize << ", heads " << heads << "/" << kvHeads
      << " (q/kv), head dim " << headDim;
    if (experts > 0) o << ", " << experts << " experts (top " << expertsPerToken << ")" << (sharedExpert ? " + shared" : "");
    o << "\n" << double(parameters) / 1e6 << " M parameters, " << double(bytes) / (1 << 20) << " MiB " << dtype
      << " on " << device << (tiedEmbeddings ? ", tied embeddings" : "") << "\n";
    for (const auto& [k, n] : parametersByKind) o << "  " << k << ": " << n << "\n";
    return o.str();
}

ModelSummary Model::summary() const {
    const ModelState& s = *s_;
    const ModelConfig& c = s.config;
    ModelSummary m;
    m.family = c.modelType;
    m.layers = c.numLayers;
    m.hiddenSize = c.hiddenSize;
    m.heads = c.numHeads;
    m.kvHeads = c.numKvHeads;
    m.headDim = c.headDim;
    m.intermediateSize = c.intermediateSize;
    m.vocabSize = c.vocabSize;
    m.experts = c.numExperts;
    m.expertsPerToken = c.numExpertsPerTok;
    m.sharedExpert = c.sharedExpertIntermediateSize > 0;
    m.tiedEmbeddings = s.tied;
    m.dtype = torchDtypeName(s.dtype);
    m.device = s.device.str();
    for (const auto& slot : s.slots) {
        const int64_t n = slot.target->numel();
        m.parameters += n;
        m.bytes += n * int64_t(slot.target->element_size());
        m.parametersByKind[slot.moduleKind] += n;
    }
    return m;
}

}  // namespace aletheia

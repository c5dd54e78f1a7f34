#include "ui/studio_session.h"

#include <algorithm>

namespace aletheia::ui {

void StudioSession::setModel(const Model& model, const QString& dir) {
    model_ = model;
    modelDir_ = dir;
    scores_.reset();  // scores and plan belong to the previous model
    plan_ = {};
    include_.clear();
    exclude_.clear();
    dataset_.reset();  // tokenised with the previous model's tokenizer
    emit modelChanged();
    emit datasetChanged();
    emit planChanged();
}

void StudioSession::setData(const DataSection& data) {
    data_ = data;
    dataset_.reset();
    emit dataChanged();
    emit datasetChanged();
}

void StudioSession::setDataset(const LoadedDataset& dataset) {
    dataset_ = dataset;
    emit datasetChanged();
}

void StudioSession::setScores(const ProbeScores& scores, bool final) {
    scores_ = scores;
    emit scoresChanged(final);
}

void StudioSession::setPlan(const AdapterPlan& plan) {
    plan_ = plan;
    emit planChanged();
}

bool StudioSession::cellInPlan(int layer, const std::string& role) const {
    if (!scores_) return false;
    for (const TargetModule& t : scores_->table.modules) {
        if (t.layer != layer || std::find(t.roles.begin(), t.roles.end(), role) == t.roles.end()) continue;
        if (plan_.find(layer, t.module)) return true;
    }
    return false;
}

std::vector<bool> StudioSession::selectionMask() const {
    if (!scores_) return {};
    const auto& roles = scores_->modules;
    std::vector<bool> mask(size_t(scores_->numLayers()) * roles.size(), false);
    for (const AdapterCell& c : plan_.cells) {
        const int t = scores_->table.find(c.layer, c.module);
        if (t < 0) continue;
        for (const std::string& role : scores_->table.modules[size_t(t)].roles) {
            auto it = std::find(roles.begin(), roles.end(), role);
            if (it != roles.end()) mask[size_t(c.layer) * roles.size() + size_t(it - roles.begin())] = true;
        }
    }
    return mask;
}

namespace {
// Removes `pattern` from `list`; true if it was there.
bool take(std::vector<std::string>& list, const std::string& pattern) {
    auto it = std::find(list.begin(), list.end(), pattern);
    if (it == list.end()) return false;
    list.erase(it);
    return true;
}
}  // namespace

void StudioSession::toggleCell(int layer, const std::string& role) {
    const std::string pattern = std::to_string(layer) + ":" + role;
    if (cellInPlan(layer, role)) {
        if (!take(include_, pattern)) exclude_.push_back(pattern);
    } else {
        if (!take(exclude_, pattern)) include_.push_back(pattern);
    }
    emit overridesChanged();
}

void StudioSession::toggleLayer(int layer) {
    bool any = false;
    if (scores_)
        for (const std::string& role : scores_->modules) any = any || cellInPlan(layer, role);
    const std::string prefix = std::to_string(layer);
    // Drop every earlier override of this layer: the whole-layer choice replaces them.
    auto ofLayer = [&](const std::string& p) { return p == prefix || p.rfind(prefix + ":", 0) == 0; };
    include_.erase(std::remove_if(include_.begin(), include_.end(), ofLayer), include_.end());
    exclude_.erase(std::remove_if(exclude_.begin(), exclude_.end(), ofLayer), exclude_.end());
    (any ? exclude_ : include_).push_back(prefix);
    emit overridesChanged();
}

void StudioSession::setOverrides(std::vector<std::string> include, std::vector<std::string> exclude) {
    include_ = std::move(include);
    exclude_ = std::move(exclude);
    emit overridesChanged();
}

void StudioSession::addRun(const RunRecord& run) {
    runs_.push_back(run);
    emit runsChanged();
}

}  // namespace aletheia::ui

#include "ui/studio_session.h"

#include <algorithm>

namespace aletheia::ui {

void StudioSession::setModel(const Model& model, const QString& dir) {
    model_ = model;
    modelDir_ = dir;
    scores_.reset();  // scores and plan belong to the previous model
    plan_ = {};
    // Overrides name layers and modules of the experiment's model: another model drops them
    // (the experiment's own model, loaded when it is opened, keeps them).
    if (dir.toStdString() != config_.model.path) {
        config_.plan.include.clear();
        config_.plan.exclude.clear();
    }
    dataset_.reset();  // tokenised with the previous model's tokenizer
    emit modelChanged();
    emit datasetChanged();
    emit planChanged();
}

void StudioSession::setConfig(const ExperimentConfig& config) {
    config_ = config;
    emit configReplaced();
    reloadRuns();
    emit dataChanged();
    emit datasetChanged();
    emit overridesChanged();
}

void StudioSession::editConfig(const std::function<void(ExperimentConfig&)>& edit) {
    edit(config_);
    emit configEdited();
}

void StudioSession::setData(const DataSection& data) {
    config_.data = data;
    dataset_.reset();
    emit configEdited();
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
    auto& include = config_.plan.include;
    auto& exclude = config_.plan.exclude;
    const std::string pattern = std::to_string(layer) + ":" + role;
    // Undo an earlier click before adding the opposite override: two clicks leave no trace.
    if (cellInPlan(layer, role)) {
        if (!take(include, pattern)) exclude.push_back(pattern);
    } else {
        if (!take(exclude, pattern)) include.push_back(pattern);
    }
    emit overridesChanged();
}

void StudioSession::toggleLayer(int layer) {
    auto& include = config_.plan.include;
    auto& exclude = config_.plan.exclude;
    const std::string prefix = std::to_string(layer);
    // A second click on the layer undoes the first: the policy decides again, no hidden override.
    if (take(include, prefix) || take(exclude, prefix)) {
        emit overridesChanged();
        return;
    }
    bool any = false;
    if (scores_)
        for (const std::string& role : scores_->modules) any = any || cellInPlan(layer, role);
    // The whole-layer choice replaces the layer's cell overrides.
    auto ofLayer = [&](const std::string& p) { return p.rfind(prefix + ":", 0) == 0; };
    include.erase(std::remove_if(include.begin(), include.end(), ofLayer), include.end());
    exclude.erase(std::remove_if(exclude.begin(), exclude.end(), ofLayer), exclude.end());
    (any ? exclude : include).push_back(prefix);
    emit overridesChanged();
}

void StudioSession::setOverrides(std::vector<std::string> include, std::vector<std::string> exclude) {
    config_.plan.include = std::move(include);
    config_.plan.exclude = std::move(exclude);
    emit overridesChanged();
}

QStringList StudioSession::reloadRuns() {
    std::vector<std::string> problems;
    runs_ = listRuns(config_.output.dir, &problems);
    emit runsChanged();
    QStringList out;
    for (const auto& p : problems) out << QString::fromStdString(p);
    return out;
}

}  // namespace aletheia::ui

#pragma once
// What the stages share: the experiment (one ExperimentConfig, exactly what the YAML holds), the
// loaded model, the probe's scores and the current plan. Each panel edits only the config keys it
// shows, so keys it does not show survive a save unchanged; everything the engine needs is
// derived from the config by core/session, as the CLI derives it. Panels announce changes through
// the session's signals, so data flows one way (Model -> Probe -> Plan -> Train).
#include <functional>
#include <QObject>
#include <QString>
#include <optional>

#include "core/config/experiment.h"
#include "core/model/model.h"
#include "core/plan/adapter_plan.h"
#include "core/probe/probe_scores.h"
#include "ui/loaded_dataset.h"
#include "core/session/run_summary.h"

namespace aletheia::ui {

class StudioSession : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

    const Model& model() const { return model_; }
    const QString& modelDir() const { return modelDir_; }
    void setModel(const Model& model, const QString& dir);

    // The experiment. setConfig replaces it (open, new): panels re-read it (configReplaced).
    // editConfig changes some keys (a panel's control): configEdited.
    const ExperimentConfig& config() const { return config_; }
    void setConfig(const ExperimentConfig& config);
    void editConfig(const std::function<void(ExperimentConfig&)>& edit);

    // Train/probe data: the experiment's data section; data().train is the JSONL file, empty
    // until the Data panel picks one (then probe and trainer use synthetic tokens).
    const DataSection& data() const { return config_.data; }
    QString dataFile() const { return QString::fromStdString(config_.data.train); }
    void setData(const DataSection& data);
    // The file tokenised with the current model's tokenizer; null while not (yet) available.
    const LoadedDataset* dataset() const { return dataset_ ? &*dataset_ : nullptr; }
    void setDataset(const LoadedDataset& dataset);

    bool hasScores() const { return scores_.has_value(); }
    const ProbeScores& scores() const { return *scores_; }
    void setScores(const ProbeScores& scores, bool final);

    const AdapterPlan& plan() const { return plan_; }
    void setPlan(const AdapterPlan& plan);

    // Is the real module holding logical column `role` of `layer` adapted by the plan?
    bool cellInPlan(int layer, const std::string& role) const;
    // Row-major layers x scores().modules: what the heatmaps outline.
    std::vector<bool> selectionMask() const;

    // Manual overrides as the planner's include/exclude patterns ("3:q", "5"), so clicks on
    // the heatmap survive re-planning and are saved in the experiment YAML.
    const std::vector<std::string>& includes() const { return config_.plan.include; }
    const std::vector<std::string>& excludes() const { return config_.plan.exclude; }
    void toggleCell(int layer, const std::string& role);
    void toggleLayer(int layer);
    void setOverrides(std::vector<std::string> include, std::vector<std::string> exclude);

    // The training runs of the experiment, oldest first (the Compare stage): read from the run
    // directories under output.dir, so runs of earlier launches (and of the CLI) are listed too.
    const std::vector<RunSummary>& runs() const { return runs_; }
    // Reads them again (after a run, or when output.dir changes); problems: runs left out, and why.
    QStringList reloadRuns();

signals:
    void configReplaced();
    void configEdited();
    void modelChanged();
    void dataChanged();      // the data section (file, split, ...) changed: re-tokenise
    void datasetChanged();   // a tokenised dataset arrived (or was dropped)
    // `final` is false while the probe is still streaming batches.
    void scoresChanged(bool final);
    void planChanged();
    void overridesChanged();
    void runsChanged();

private:
    Model model_;
    QString modelDir_;
    ExperimentConfig config_;
    std::optional<LoadedDataset> dataset_;
    std::optional<ProbeScores> scores_;
    AdapterPlan plan_;
    std::vector<RunSummary> runs_;
};

}  // namespace aletheia::ui

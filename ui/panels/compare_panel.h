#pragma once
// Stage 6, Compare & Export: the experiment's runs, read from their run directories (so runs of
// earlier launches and of the CLI are there too), side by side (model, plan, trainable
// parameters, step time, final losses, measured speedup vs the newest uniform-LoRA baseline of
// the same model). Below, for the selected runs (all when none is selected): their loss,
// eval-loss or throughput curves overlaid; their evaluation table (eval.json of each run: base,
// adapted, delta per set, the forgetting bound marked), evaluated here or by `aletheia eval`;
// the keys in which two selected runs' experiments differ. Charts save as PNG/PDF, the table as
// CSV. One click runs the baseline, Resume continues a stopped run, and a trained adapter exports
// as PEFT / merged model / GGUF (llama.cpp, Ollama).
#include <QWidget>

#include "ui/workers/export_worker.h"

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QLabel;
class QPushButton;
class QTabWidget;
class QTableWidget;

namespace aletheia::ui {

class JobThread;
class StudioSession;

class ComparePanel : public QWidget {
    Q_OBJECT
public:
    enum Curve { TrainLoss = 0, EvalLoss = 1, Throughput = 2 };
    enum View { CurvesView = 0, EvaluationView = 1, DiffView = 2 };

    explicit ComparePanel(StudioSession* session, QWidget* parent = nullptr);
    QTableWidget* table() const { return table_; }
    QCustomPlot* curvesPlot() const { return curves_; }
    QTableWidget* evalTable() const { return evalTable_; }
    QTableWidget* diffTable() const { return diffTable_; }
    QTabWidget* views() const { return views_; }

    // The run exports act on: the selected row, else the newest run with a checkpoint; -1 if none.
    int exportRunIndex() const;
    // The runs the views show: the selected rows in order, else every run.
    std::vector<int> shownRuns() const;

public slots:
    void exportPeft();
    void exportMerged();
    void exportGguf();  // in the type the GGUF type box shows
    // Exports run `index` in the background (to `dir`, or a folder asked for when empty).
    void exportRun(int index, ExportRequest::Format format, const QString& dir = {});
    void setTrainingActive(bool active);
    void selectRuns(const std::vector<int>& indices);
    void setCurve(int curve);
    void setLogScale(bool on);
    // Evaluates the shown runs in the background; the table refreshes as each eval.json lands.
    void evaluateShownRuns();
    // Save as (by extension) PNG or PDF / CSV; asks for a path when empty. False on failure.
    bool saveCurves(const QString& path = {});
    bool saveEvalCsv(const QString& path = {});

signals:
    void baselineRequested();
    void resumeRequested(const QString& runDir);
    void statusMessage(const QString& text);
    void exportFinished(bool ok, const QString& message);
    void evaluationFinished(bool ok, const QString& message);

private:
    void refresh();        // the runs table, then the views
    void refreshViews();   // curves, evaluation table and config diff of shownRuns()
    void refreshCurves();
    void refreshEvalTable();
    void refreshDiff();
    void updateButtons();

    StudioSession* session_;
    QTableWidget* table_ = nullptr;
    QPushButton* baseline_ = nullptr;
    QPushButton* exportPeft_ = nullptr;
    QPushButton* exportMerged_ = nullptr;
    QPushButton* exportGguf_ = nullptr;
    QComboBox* ggufType_ = nullptr;
    QPushButton* resume_ = nullptr;
    QTabWidget* views_ = nullptr;
    QComboBox* curveChoice_ = nullptr;
    QCheckBox* logScale_ = nullptr;
    QCustomPlot* curves_ = nullptr;
    QPushButton* evaluate_ = nullptr;
    QTableWidget* evalTable_ = nullptr;
    QLabel* evalNote_ = nullptr;
    QTableWidget* diffTable_ = nullptr;
    QLabel* diffNote_ = nullptr;
    QLabel* message_ = nullptr;
    bool exporting_ = false;
    bool evaluating_ = false;
    bool training_ = false;
    JobThread* jobs_;      // owned: exports, stopped and joined with the panel
    JobThread* evalJobs_;  // owned: evaluations
};

}  // namespace aletheia::ui

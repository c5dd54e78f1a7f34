#pragma once
// Stage 6, Compare & Export: the experiment's runs, read from their run directories (so runs of
// earlier launches and of the CLI are there too), side by side (model, plan, trainable
// parameters, step time, final losses, measured speedup vs the newest uniform-LoRA baseline of
// the same model), one click to run that baseline, Resume for a stopped run, and export of a
// trained adapter / merged model / GGUF (llama.cpp, Ollama).
#include <QWidget>

#include "ui/workers/export_worker.h"

class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace aletheia::ui {

class JobThread;
class StudioSession;

class ComparePanel : public QWidget {
    Q_OBJECT
public:
    explicit ComparePanel(StudioSession* session, QWidget* parent = nullptr);
    QTableWidget* table() const { return table_; }

    // The run exports act on: the selected row, else the newest run with a checkpoint; -1 if none.
    int exportRunIndex() const;

public slots:
    void exportPeft();
    void exportMerged();
    void exportGguf();  // in the type the GGUF type box shows
    // Exports run `index` in the background (to `dir`, or a folder asked for when empty).
    void exportRun(int index, ExportRequest::Format format, const QString& dir = {});
    void setTrainingActive(bool active);

signals:
    void baselineRequested();
    void resumeRequested(const QString& runDir);
    void statusMessage(const QString& text);
    void exportFinished(bool ok, const QString& message);

private:
    void refresh();

    StudioSession* session_;
    QTableWidget* table_ = nullptr;
    QPushButton* baseline_ = nullptr;
    QPushButton* exportPeft_ = nullptr;
    QPushButton* exportMerged_ = nullptr;
    QPushButton* exportGguf_ = nullptr;
    QComboBox* ggufType_ = nullptr;
    QPushButton* resume_ = nullptr;
    bool exporting_ = false;
    bool training_ = false;
    void updateButtons();
    QLabel* message_ = nullptr;
    JobThread* jobs_;  // owned: the panel's background work, stopped and joined with the panel
};

}  // namespace aletheia::ui

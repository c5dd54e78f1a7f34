#pragma once
// Stage 6, Compare & Export: finished runs side by side (plan, trainable parameters, step
// time, final eval loss, measured speedup vs the uniform-LoRA baseline), one click to run
// that baseline with the same settings, and export of the trained adapter / merged model.
#include <QWidget>

class QLabel;
class QPushButton;
class QTableWidget;

namespace aletheia::ui {

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
    // Exports run `index` in the background (to `dir`, or a folder asked for when empty).
    void exportRun(int index, bool merged, const QString& dir = {});
    void setTrainingActive(bool active);

signals:
    void baselineRequested();
    void statusMessage(const QString& text);
    void exportFinished(bool ok, const QString& message);

private:
    void refresh();

    StudioSession* session_;
    QTableWidget* table_ = nullptr;
    QPushButton* baseline_ = nullptr;
    QPushButton* exportPeft_ = nullptr;
    QPushButton* exportMerged_ = nullptr;
    bool exporting_ = false;
    bool training_ = false;
    void updateButtons();
    QLabel* message_ = nullptr;
};

}  // namespace aletheia::ui

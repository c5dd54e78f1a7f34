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

public slots:
    void exportMerged();
    void setTrainingActive(bool active);

signals:
    void baselineRequested();
    void statusMessage(const QString& text);

private:
    void refresh();

    StudioSession* session_;
    QTableWidget* table_ = nullptr;
    QPushButton* baseline_ = nullptr;
    QPushButton* exportMerged_ = nullptr;
    QLabel* message_ = nullptr;
};

}  // namespace aletheia::ui

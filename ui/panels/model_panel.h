#pragma once
// Stage 1, Model: pick a checkpoint folder (dialog, drag-and-drop or recent list), a device
// and a dtype, load it in a ModelLoadWorker with a progress bar, then show its summary.
#include <QWidget>
#include <memory>

#include "core/common/progress.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QFormLayout;

namespace aletheia::ui {

class JobThread;
class StudioSession;

class ModelPanel : public QWidget {
    Q_OBJECT
public:
    explicit ModelPanel(StudioSession* session, QWidget* parent = nullptr);

    QString checkpointDir() const;
    // "auto" | "cpu" | "cuda:N"  and  "auto" | "fp32" | "bf16" | "fp16" (the experiment's spelling)
    QString device() const;
    QString dtype() const;
    void setChoices(const QString& dir, const QString& device, const QString& dtype);
    bool isLoading() const { return loading_; }

public slots:
    // Starts loading `dir` (or the path field when empty) in a worker thread.
    void load(const QString& dir = {});
    void browse();

signals:
    void statusMessage(const QString& text);
    void loadFailed(const QString& message);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void showSummary();
    void rememberRecent(const QString& dir);
    void setLoading(bool loading);

    StudioSession* session_;
    QLineEdit* path_ = nullptr;
    QComboBox* device_ = nullptr;
    QComboBox* dtype_ = nullptr;
    QPushButton* loadButton_ = nullptr;
    QPushButton* cancelButton_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QListWidget* recent_ = nullptr;
    QFormLayout* summary_ = nullptr;
    QLabel* error_ = nullptr;
    std::shared_ptr<StopToken> stop_;
    bool loading_ = false;
    JobThread* jobs_;  // owned: the panel's background work, stopped and joined with the panel
};

}  // namespace aletheia::ui

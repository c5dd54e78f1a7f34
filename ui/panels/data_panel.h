#pragma once
// Stage 2, Data: choose a JSONL file and how to read it (format, validation split, sequence
// length). It is tokenised in a worker with the loaded model's tokenizer, by the same core code
// the CLI uses; the panel shows the detected format, counts, bad lines, and a preview of real
// tokens where the prompt (masked out of the loss) and the trained-on response look different.
// Without a file, the probe and trainer use synthetic token batches (said so on screen).
#include <QWidget>
#include <memory>

#include "core/common/progress.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QSpinBox;
class QTextBrowser;

namespace aletheia::ui {

class JobThread;
class StudioSession;
struct LoadedDataset;

class DataPanel : public QWidget {
    Q_OBJECT
public:
    explicit DataPanel(StudioSession* session, QWidget* parent = nullptr);

public slots:
    void openFile(const QString& path);
    void browse();
    void clear();

signals:
    void statusMessage(const QString& text);

private:
    void settingsEdited();
    void showSettings();
    void tokenise();
    void showDataset(const LoadedDataset& d);
    void showRawPreview(const QString& note);

    StudioSession* session_;
    QLineEdit* path_ = nullptr;
    QComboBox* format_ = nullptr;
    QSpinBox* validationPct_ = nullptr;
    QSpinBox* seqLen_ = nullptr;
    QLabel* detected_ = nullptr;
    QLabel* counts_ = nullptr;
    QLabel* problems_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QTextBrowser* preview_ = nullptr;
    std::shared_ptr<StopToken> stop_;  // the tokenising worker in flight, if any
    int generation_ = 0;               // results of superseded workers are dropped
    JobThread* jobs_;  // owned: the panel's background work, stopped and joined with the panel
};

}  // namespace aletheia::ui

#pragma once
// Stage 2, Data: choose a JSONL file; see the detected format, counts, bad lines and a
// preview where the prompt (masked out of the loss) and the trained-on response look different.
// Without a file, the probe and trainer use synthetic token batches (said so on screen).
#include <QWidget>

class QLabel;
class QLineEdit;
class QTextBrowser;

namespace aletheia::ui {

class StudioSession;

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
    StudioSession* session_;
    QLineEdit* path_ = nullptr;
    QLabel* format_ = nullptr;
    QLabel* counts_ = nullptr;
    QTextBrowser* preview_ = nullptr;
};

}  // namespace aletheia::ui

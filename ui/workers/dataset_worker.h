#pragma once
// Reads and tokenises a JSONL dataset off the GUI thread (core/text, the same code path as the
// CLI), with the tokenizer of the model directory, and hands the result over queued.
#include <QObject>
#include <QString>
#include <memory>

#include "core/common/progress.h"
#include "core/config/experiment.h"
#include "ui/loaded_dataset.h"

namespace aletheia::ui {

struct DatasetRequest {
    QString file;
    QString modelDir;     // its tokenizer.json tokenises the file
    DataSection data;     // format, template, sequence length, split fraction, seed
};

class DatasetWorker : public QObject {
    Q_OBJECT
public:
    DatasetWorker(DatasetRequest request, std::shared_ptr<StopToken> stop);

public slots:
    void run();

signals:
    void progress(qint64 done, qint64 total);
    void loaded(const aletheia::ui::LoadedDataset& dataset);
    void failed(const QString& message);
    void finished();

private:
    DatasetRequest request_;
    std::shared_ptr<StopToken> stop_;
};

}  // namespace aletheia::ui

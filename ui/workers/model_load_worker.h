#pragma once
// Loads a checkpoint off the GUI thread; reports progress per tensor and hands the loaded
// model back by queued signal. Stopping aborts the load (the engine throws, we report it).
#include <QObject>
#include <QString>
#include <memory>

#include "core/model/model.h"

namespace aletheia::ui {

class ModelLoadWorker : public QObject {
    Q_OBJECT
public:
    ModelLoadWorker(QString dir, LoadOptions options, std::shared_ptr<StopToken> stop);

public slots:
    void run();

signals:
    void progress(qint64 done, qint64 total, const QString& label);
    void loaded(const aletheia::Model& model, const QString& dir, double seconds);
    void failed(const QString& message);
    void finished();

private:
    QString dir_;
    LoadOptions options_;
    std::shared_ptr<StopToken> stop_;
};

}  // namespace aletheia::ui

Q_DECLARE_METATYPE(aletheia::Model)

#pragma once
// Runs the gradient probe off the GUI thread. After every batch it hands a copy of the
// scores so far to the GUI (queued), so the heatmap fills in live; Stop keeps what was measured.
#include <QObject>
#include <QString>
#include <memory>

#include "core/config/experiment.h"
#include "core/model/model.h"
#include "core/probe/probe_scores.h"
#include "core/text/example.h"

namespace aletheia::ui {

struct ProbeRequest {
    ExperimentConfig config;  // probe.* and data.seed pick the batches, as `aletheia probe` does
    // The Data stage's tokenised examples; null: synthetic tokens.
    std::shared_ptr<const std::vector<text::Example>> examples;
    int32_t padId = 0;
};

class ProbeWorker : public QObject {
    Q_OBJECT
public:
    ProbeWorker(Model model, ProbeRequest request, std::shared_ptr<StopToken> stop);

public slots:
    void run();

signals:
    void batchScored(const aletheia::ProbeScores& scores, int done, int total);
    void failed(const QString& message);
    void finished(bool completed);

private:
    Model model_;
    ProbeRequest request_;
    std::shared_ptr<StopToken> stop_;
};

}  // namespace aletheia::ui

Q_DECLARE_METATYPE(aletheia::ProbeScores)

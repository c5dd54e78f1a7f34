#pragma once
// One finished training run as the Compare stage lists it.
#include <QMetaType>
#include <QString>
#include <cstdint>

#include "core/plan/adapter_plan.h"

namespace aletheia::ui {

struct RunRecord {
    QString name;                  // "run 1", "uniform baseline" ...
    QString planSummary;           // "12 modules, layers 3-7, ranks 16/64"
    bool baseline = false;         // uniform LoRA on every module, same settings
    AdapterPlan plan;
    int64_t trainableParams = 0;
    int64_t steps = 0;
    double meanStepSeconds = 0.0;  // measured, excluding the first (warm-up) step
    double finalTrainLoss = 0.0;
    double finalEvalLoss = 0.0;    // NaN when no evaluation ran
    QString outcome;               // completed | stopped | ...
    QString outputDir;
    QString checkpoint;            // last checkpoint directory, may be empty
};

}  // namespace aletheia::ui

Q_DECLARE_METATYPE(aletheia::ui::RunRecord)

#pragma once
// A JSONL dataset tokenised with the loaded model's tokenizer, as the stages share it: the
// example vectors are immutable and shared, so the probe and the trainer read them from their
// worker threads without copies.
#include <QMetaType>
#include <QString>
#include <memory>
#include <vector>

#include "core/text/dataset.h"
#include "core/text/tokenizer.h"

namespace aletheia::ui {

struct LoadedDataset {
    QString file;
    std::shared_ptr<const std::vector<text::Example>> train, validation;
    std::shared_ptr<const Tokenizer> tokenizer;
    int32_t padId = 0;
    text::Dataset stats;  // shape, counts and bad lines; its example vectors are empty (moved above)
};

}  // namespace aletheia::ui

Q_DECLARE_METATYPE(aletheia::ui::LoadedDataset)

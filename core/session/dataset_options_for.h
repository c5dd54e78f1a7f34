#pragma once
// The experiment's `data:` section as the tokeniser's dataset options: one mapping for CLI and GUI.
// The validation split is left at 0: callers decide (a validation file replaces the split).
#include "core/config/experiment.h"
#include "core/text/dataset.h"

namespace aletheia {

inline text::DatasetOptions datasetOptionsFor(const DataSection& d) {
    text::DatasetOptions o;
    o.shape = text::datasetShapeFromName(d.format);
    if (d.chat_template != "auto") o.chatFormat = d.chat_template;
    o.trainOnPrompt = d.train_on_inputs;
    o.maxSeqLen = d.sequence_len;
    o.pack = d.sample_packing;
    o.seed = static_cast<uint64_t>(d.seed);
    return o;
}

}  // namespace aletheia

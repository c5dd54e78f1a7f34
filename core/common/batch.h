#pragma once
// One batch of token ids, as the probe, the trainer and evaluation consume it.
#include <torch/torch.h>

namespace aletheia {

struct Batch {
    torch::Tensor input_ids;       // [B, T] int64
    torch::Tensor labels;          // [B, T] int64, -100 where no loss is taken (unshifted: the model
                                   //   shifts, as HF does). The probe accepts undefined: labels = ids.
    torch::Tensor attention_mask;  // [B, T] int64/bool, 1 for real tokens; may be undefined
};

}  // namespace aletheia

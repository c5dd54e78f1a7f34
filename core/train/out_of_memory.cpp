#include "core/train/out_of_memory.h"

#include <sstream>

namespace aletheia {

bool isOutOfMemoryMessage(const std::string& what) {
    return what.find("out of memory") != std::string::npos || what.find("can't allocate memory") != std::string::npos;
}

std::string outOfMemoryAdvice(int64_t step, int64_t rows, int64_t tokens, const TrainOptions& o,
                              const std::string& what) {
    std::ostringstream m;
    m << "out of memory at step " << step << " with micro-batches of " << rows << " sequences x " << tokens
      << " tokens (micro_batch " << o.micro_batch << ", max_seq_len " << o.max_seq_len << ", grad_accum "
      << o.grad_accum << ", activation_checkpointing " << (o.activation_checkpointing ? "on" : "off")
      << "). Try a smaller micro_batch (raise grad_accum to keep the effective batch), a shorter max_seq_len"
      << (o.activation_checkpointing ? "" : ", or activation_checkpointing") << ". (" << what.substr(0, 200) << ")";
    return m.str();
}

}  // namespace aletheia

#pragma once
// A frozen linear y = x W^T + b whose backward, besides the input gradient, measures
// ||dL/dW||_F for each logical row block of W, without ever keeping dL/dW:
//   dW = G^T X   with X: [N, in] the layer input, G: [N, out] the output gradient.
// For short batches the Gram identity ||G^T X||_F^2 = sum((X X^T) * (G G^T)) costs N^2 (in + out)
// instead of N in out and needs two [N, N] temporaries; otherwise dW is formed (one weight-sized
// temporary) and dropped at once.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <torch/types.h>

#include "core/model/linear.h"

namespace aletheia {

// Where one linear's backward writes its measurement. Kept on the device (no sync per layer);
// read once per batch.
struct GradNormSink {
    std::vector<LogicalPart> parts;   // row blocks of W (one part covering all rows if unfused)
    torch::Tensor gradSq;             // [parts] fp64 on the weight's device: ||dW_part||_F^2
    int calls = 0;                    // forwards this batch; >1 would make per-call norms not add up

    void reset(const torch::Tensor& like);
};

// y: [..., out]. `anchor` is a scalar that requires grad: it makes y require grad (so backward
// reaches every probed linear) while the frozen base weights and embeddings stay frozen.
torch::Tensor gradNormLinear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                             const torch::Tensor& anchor, GradNormSink* sink);

// ||G^T X||_F^2 per part, by whichever of the Gram or the direct form is cheaper.
// x: [N, in], g: [N, out] -> [parts] fp64.
torch::Tensor weightGradSqNorms(const torch::Tensor& x, const torch::Tensor& g, const std::vector<LogicalPart>& parts);

// The probe's sinks, one per probed Linear (by name), plugged into linear() (core/model/linear.h)
// through ForwardHooks::probes: the probe owns them, the model never holds them.
class GradNormProbes final : public LinearProbes {
public:
    explicit GradNormProbes(torch::Tensor anchor) : anchor_(std::move(anchor)) {}
    // `sink` must outlive every forward and backward that uses this set.
    void add(const Linear& l, GradNormSink* sink);
    torch::Tensor forward(const torch::Tensor& x, const Linear& l) const override;
    bool probes(const Linear& l) const override { return sinks_.count(l.name) != 0; }

private:
    torch::Tensor anchor_;
    std::unordered_map<std::string, GradNormSink*> sinks_;  // Linear::name -> sink
};

}  // namespace aletheia

#pragma once
// loss.png of a training run: the training loss per step and the evaluation loss.
#include <cstdint>
#include <string>
#include <vector>

namespace aletheia {

class TrainCurves {
public:
    void addStep(int64_t step, double loss);
    void addEval(int64_t step, double loss);
    void savePng(const std::string& path, const std::string& title) const;

private:
    std::vector<double> steps_, losses_, evalSteps_, evalLosses_;
};

}  // namespace aletheia

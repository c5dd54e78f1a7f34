#include "core/session/train_curves.h"

#include "core/plot/charts.h"

namespace aletheia {

void TrainCurves::addStep(int64_t step, double loss) {
    steps_.push_back(double(step));
    losses_.push_back(loss);
}

void TrainCurves::addEval(int64_t step, double loss) {
    evalSteps_.push_back(double(step));
    evalLosses_.push_back(loss);
}

void TrainCurves::savePng(const std::string& path, const std::string& title) const {
    std::vector<LineSeries> series = {{"train", steps_, losses_, {31, 119, 180}}};
    if (!evalSteps_.empty()) series.push_back({"eval", evalSteps_, evalLosses_, {214, 39, 40}});
    renderLinePlot(title + " loss", "step", "loss", series).savePng(path);
}

}  // namespace aletheia

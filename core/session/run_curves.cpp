#include "core/session/run_curves.h"

#include <cmath>
#include <filesystem>
#include <map>
#include <utility>

#include "core/session/run_recorder.h"

namespace aletheia {

RunCurves readRunCurves(const std::string& runDir) {
    std::map<int64_t, std::pair<double, double>> train;  // step -> (loss, tokens/s)
    std::map<int64_t, double> eval;
    for (const auto& j : readMetricLines((std::filesystem::path(runDir) / "metrics.jsonl").string())) {
        if (!isLossLine(j)) continue;
        const int64_t step = j["step"].get<int64_t>();
        const double loss = j["loss"].get<double>();
        if (j.value("type", "") == "eval") {
            eval[step] = loss;
            continue;
        }
        const auto tps = j.find("tokens_per_s");
        train[step] = {loss, tps != j.end() && tps->is_number() ? tps->get<double>() : std::nan("")};
    }
    RunCurves c;
    for (const auto& [step, v] : train) {
        c.steps.push_back(double(step));
        c.trainLoss.push_back(v.first);
        c.tokensPerSecond.push_back(v.second);
    }
    for (const auto& [step, loss] : eval) {
        c.evalSteps.push_back(double(step));
        c.evalLoss.push_back(loss);
    }
    return c;
}

}  // namespace aletheia

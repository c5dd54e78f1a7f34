#pragma once
// The curves of a run read back from its metrics.jsonl (the Compare stage overlays them): per
// training step its loss and throughput, per evaluation its loss. A resumed run logs the steps it
// redoes again; the last line of a step wins, as it is the one the run continued from.
#include <string>
#include <vector>

namespace aletheia {

struct RunCurves {
    std::vector<double> steps, trainLoss, tokensPerSecond;  // ascending steps
    std::vector<double> evalSteps, evalLoss;
};

// Lines cut off by a crash, or without a numeric step and loss, are left out; a missing file has none.
RunCurves readRunCurves(const std::string& runDir);

}  // namespace aletheia

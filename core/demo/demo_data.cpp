#include "core/demo/demo_data.h"

#include <filesystem>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "core/common/error.h"

namespace aletheia::demo {

std::string toInstructionJsonl(const SkillExample& e) {
    // The corpus writes "prompt =" / " answer" for raw text; the instruction shape carries the
    // same content without the separator, the Alpaca template adds its own.
    std::string instruction = e.prompt.substr(0, e.prompt.size() - 2);
    std::string output = e.response.substr(1);
    nlohmann::ordered_json j;
    j["instruction"] = instruction;
    j["input"] = "";
    j["output"] = output;
    return j.dump();
}

namespace {
void writeLines(const std::string& path, const std::vector<SkillExample>& examples) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) failIn(path, "cannot write");
        for (const auto& e : examples) out << toInstructionJsonl(e) << "\n";
        if (!out) failIn(path, "write failed");
    }
    std::filesystem::rename(tmp, path);
}
}  // namespace

void writeDemoDatasets(const std::string& dir) {
    std::filesystem::create_directories(dir);
    const auto task = makeExamples({fineTuneSkill()}, kTaskExamples, kTaskSeed);
    const auto general = makeExamples(pretrainingSkills(), kGeneralExamples, kGeneralSeed);
    // Replay must not contain the forgetting set's examples, or it would measure memorisation.
    std::set<std::string> held;
    for (const auto& e : general) held.insert(e.prompt);
    std::vector<SkillExample> replay;
    const int wanted = kTaskTrainExamples * kReplayPerTask;
    for (uint64_t seed = kReplaySeed; int(replay.size()) < wanted; ++seed)
        for (const auto& e : makeExamples(pretrainingSkills(), wanted, seed))
            if (int(replay.size()) < wanted && held.insert(e.prompt).second) replay.push_back(e);
    std::vector<SkillExample> train;
    for (int i = 0; i < kTaskTrainExamples; ++i) {
        train.push_back(task[size_t(i)]);
        for (int k = 0; k < kReplayPerTask; ++k) train.push_back(replay[size_t(i * kReplayPerTask + k)]);
    }
    writeLines(dir + "/task.jsonl", task);
    writeLines(dir + "/general.jsonl", general);
    writeLines(dir + "/replay.jsonl", replay);
    writeLines(dir + "/train.jsonl", train);
    writeLines(dir + "/task_val.jsonl", std::vector<SkillExample>(task.begin() + kTaskTrainExamples, task.end()));
}

}  // namespace aletheia::demo

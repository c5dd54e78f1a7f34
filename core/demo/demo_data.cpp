#include "core/demo/demo_data.h"

#include <filesystem>
#include <fstream>

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
    writeLines(dir + "/task.jsonl", makeExamples({fineTuneSkill()}, kTaskExamples, kTaskSeed));
    writeLines(dir + "/general.jsonl", makeExamples(pretrainingSkills(), kGeneralExamples, kGeneralSeed));
}

}  // namespace aletheia::demo

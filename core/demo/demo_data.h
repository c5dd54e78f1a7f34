#pragma once
// The demo's JSONL datasets (instruction shape), generated from the skill corpus:
//   task.jsonl     the fine-tuning task (a skill the demo model never saw)
//   general.jsonl  held-out examples of the pretraining skills, to measure forgetting
// They are checked into resources/demo/ and regenerated bit-identically by writeDemoDatasets().
#include <string>
#include <vector>

#include "core/demo/skill_corpus.h"

namespace aletheia::demo {

constexpr int kTaskExamples = 600;
constexpr int kGeneralExamples = 300;
constexpr uint64_t kTaskSeed = 2604;       // differs from every pretraining seed
constexpr uint64_t kGeneralSeed = 15351;

// {"instruction": "sort: 3 1 2", "input": "", "output": "1 2 3"}
std::string toInstructionJsonl(const SkillExample& e);

// Writes task.jsonl and general.jsonl into `dir` (created if missing).
void writeDemoDatasets(const std::string& dir);

}  // namespace aletheia::demo

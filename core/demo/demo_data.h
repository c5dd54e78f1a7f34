#pragma once
// The demo's JSONL datasets (instruction shape), generated from the skill corpus:
//   task.jsonl      the fine-tuning task (a skill the demo model never saw)
//   general.jsonl   held-out examples of the pretraining skills, to measure forgetting
//   replay.jsonl    other examples of the pretraining skills (none equal to a general.jsonl one)
//   train.jsonl     what the demo fine-tunes on: the task's first kTaskTrainExamples examples,
//                   each followed by kReplayPerTask replay examples. Rehearsing what the model
//                   knows lets the fine-tune train long enough to learn the task (answer it, not
//                   just lower its loss) with bounded forgetting (docs/BENCHMARKS.md).
//   task_val.jsonl  the task's other examples: its held-out set
// They are checked into resources/demo/ and regenerated bit-identically by writeDemoDatasets().
#include <string>
#include <vector>

#include "core/demo/skill_corpus.h"

namespace aletheia::demo {

constexpr int kTaskExamples = 600;
constexpr int kGeneralExamples = 300;
constexpr uint64_t kTaskSeed = 2604;       // differs from every pretraining seed
constexpr uint64_t kGeneralSeed = 15351;
constexpr int kTaskTrainExamples = 480;
constexpr int kReplayPerTask = 1;
constexpr uint64_t kReplaySeed = 27182;

// {"instruction": "sort: 3 1 2", "input": "", "output": "1 2 3"}
std::string toInstructionJsonl(const SkillExample& e);

// Writes the files above into `dir` (created if missing).
void writeDemoDatasets(const std::string& dir);

}  // namespace aletheia::demo

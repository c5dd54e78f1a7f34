#pragma once
// The built-in demo's data: short synthetic "skills" rendered as text, so a tiny model can
// learn them in minutes on a CPU and a probe on a new skill has something real to measure.
// Every example is a prompt ("sort: 3 1 2 =") and a response (" 1 2 3"); deterministic per seed.
#include <cstdint>
#include <string>
#include <vector>

namespace aletheia::demo {

struct SkillExample {
    std::string skill;     // "copy", "sort", ...
    std::string prompt;    // "sort: 3 1 2 ="
    std::string response;  // " 1 2 3"
};

// Skills the demo model is pretrained on.
const std::vector<std::string>& pretrainingSkills();
// The fine-tuning task: a skill the pretrained model has never seen.
const std::string& fineTuneSkill();

// One example of `skill`; throws aletheia::Error for an unknown skill name.
SkillExample makeExample(const std::string& skill, uint64_t& rngState);

// `count` examples drawn round-robin from `skills`, deterministic in `seed`.
std::vector<SkillExample> makeExamples(const std::vector<std::string>& skills, int count, uint64_t seed);

// Every character any skill can produce (the demo tokenizer's alphabet).
std::string skillAlphabet();

}  // namespace aletheia::demo

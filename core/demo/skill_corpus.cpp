#include "core/demo/skill_corpus.h"

#include <algorithm>
#include <functional>
#include <map>

#include "core/common/error.h"

namespace aletheia::demo {

namespace {

// splitmix64: tiny, portable and bit-identical everywhere (std:: distributions are not).
uint64_t next(uint64_t& s) {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
int uniform(uint64_t& s, int lo, int hi) {  // inclusive
    return lo + static_cast<int>(next(s) % static_cast<uint64_t>(hi - lo + 1));
}

const std::string kLetters = "abcdefghij";

std::string letters(uint64_t& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += kLetters[uniform(s, 0, static_cast<int>(kLetters.size()) - 1)];
    return out;
}
std::vector<int> digits(uint64_t& s, int n) {
    std::vector<int> v(n);
    for (auto& d : v) d = uniform(s, 0, 9);
    return v;
}
std::string join(const std::vector<int>& v) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) out += (i ? " " : "") + std::to_string(v[i]);
    return out;
}

using Maker = std::function<SkillExample(uint64_t&)>;

const std::map<std::string, Maker>& makers() {
    static const std::map<std::string, Maker> m = {
        {"sort", [](uint64_t& s) {
             auto v = digits(s, uniform(s, 3, 6));
             auto sorted = v;
             std::sort(sorted.begin(), sorted.end());
             return SkillExample{"sort", "sort: " + join(v) + " =", " " + join(sorted)};
         }},
        {"count", [](uint64_t& s) {
             auto w = letters(s, uniform(s, 4, 9));
             char c = w[uniform(s, 0, static_cast<int>(w.size()) - 1)];
             auto n = std::count(w.begin(), w.end(), c);
             return SkillExample{"count", "count " + std::string(1, c) + ": " + w + " =", " " + std::to_string(n)};
         }},
        {"add", [](uint64_t& s) {
             int a = uniform(s, 0, 9), b = uniform(s, 0, 9);
             return SkillExample{"add", "add mod 10: " + std::to_string(a) + " " + std::to_string(b) + " =",
                                 " " + std::to_string((a + b) % 10)};
         }},
        {"brackets", [](uint64_t& s) {
             std::string w;
             int n = uniform(s, 2, 8);
             for (int i = 0; i < n; ++i) w += uniform(s, 0, 1) ? '(' : ')';
             int depth = 0;
             bool ok = true;
             for (char c : w) {
                 depth += c == '(' ? 1 : -1;
                 if (depth < 0) ok = false;
             }
             ok = ok && depth == 0;
             return SkillExample{"brackets", "balanced: " + w + " =", ok ? " yes" : " no"};
         }},
        {"first", [](uint64_t& s) {
             auto w = letters(s, uniform(s, 3, 8));
             return SkillExample{"first", "first: " + w + " =", " " + w.substr(0, 1)};
         }},
        {"last", [](uint64_t& s) {
             auto w = letters(s, uniform(s, 3, 8));
             return SkillExample{"last", "last: " + w + " =", " " + w.substr(w.size() - 1)};
         }},
        {"length", [](uint64_t& s) {
             auto w = letters(s, uniform(s, 1, 9));
             return SkillExample{"length", "length: " + w + " =", " " + std::to_string(w.size())};
         }},
        // Held out: the demo model never sees it during pretraining. It needs what sort taught
        // (the order of digits) in a new format, so a small adapter can learn it quickly.
        {"max", [](uint64_t& s) {
             auto v = digits(s, uniform(s, 3, 6));
             return SkillExample{"max", "max: " + join(v) + " =", " " + std::to_string(*std::max_element(v.begin(), v.end()))};
         }},
    };
    return m;
}

}  // namespace

const std::vector<std::string>& pretrainingSkills() {
    static const std::vector<std::string> s = {"sort", "count", "add", "brackets", "first", "last", "length"};
    return s;
}

const std::string& fineTuneSkill() {
    static const std::string s = "max";
    return s;
}

SkillExample makeExample(const std::string& skill, uint64_t& rngState) {
    auto it = makers().find(skill);
    if (it == makers().end()) fail("unknown demo skill '" + skill + "'");
    return it->second(rngState);
}

std::vector<SkillExample> makeExamples(const std::vector<std::string>& skills, int count, uint64_t seed) {
    std::vector<SkillExample> out;
    out.reserve(count);
    uint64_t state = seed;
    for (int i = 0; i < count; ++i) out.push_back(makeExample(skills[i % skills.size()], state));
    return out;
}

std::string skillAlphabet() {
    return " ()=?:0123456789abcdefghijklmnopqrstuvwxyz";
}

}  // namespace aletheia::demo

#pragma once
// The one place where YAML text from outside (experiment files, plan files, --set values) is
// parsed, so every caller gets the same limits: yaml-cpp's parser recurses once per nesting
// level, and aliases let a small file stand for an exponentially large tree ("billion laughs")
// that any walk over the nodes would expand.
#include <string>

#include <yaml-cpp/yaml.h>

namespace aletheia {

// Experiments and plans nest 3 to 5 levels; a bound far above that keeps every recursive walk
// (yaml-cpp's, ours, the emitter's) shallow.
constexpr int kMaxYamlDepth = 64;
// Nodes of the tree with every alias expanded: the largest real plans (MoE, every expert of
// every layer) have some 10^5.
constexpr long kMaxYamlNodes = 1000000;

// Parses `text`; throws aletheia::Error naming `source` and the line for a syntax error, nesting
// deeper than kMaxYamlDepth (checked on the text before yaml-cpp sees it, and on the tree), or
// more than kMaxYamlNodes nodes once aliases are expanded.
YAML::Node parseYaml(const std::string& text, const std::string& source);

}  // namespace aletheia

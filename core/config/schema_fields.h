#pragma once
// Builders for ConfigField entries (used by schema.cpp): each pairs a typed accessor into
// ExperimentConfig with the checks its YAML value must pass.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/config/schema.h"

namespace aletheia::fields {

template <class T>
using Ref = T& (*)(ExperimentConfig&);

// Inclusive bounds unless `lowExclusive` (learning_rate > 0).
struct Range {
    double low;
    double high;
    bool lowExclusive = false;
};

ConfigField integer(const char* section, const char* key, Ref<int> ref, Range r);
ConfigField integer64(const char* section, const char* key, Ref<std::int64_t> ref, Range r);
ConfigField number(const char* section, const char* key, Ref<double> ref, Range r);
ConfigField boolean(const char* section, const char* key, Ref<bool> ref);
ConfigField text(const char* section, const char* key, Ref<std::string> ref);
ConfigField choice(const char* section, const char* key, Ref<std::string> ref,
                   std::vector<std::string> options);
// auto | cpu | cuda | cuda:N
ConfigField device(const char* section, const char* key, Ref<std::string> ref);
ConfigField path(const char* section, const char* key, Ref<std::string> ref);
// A list of strings; a single string is accepted as a one-element list. Non-empty `options`
// restricts the elements.
ConfigField stringList(const char* section, const char* key, Ref<std::vector<std::string>> ref,
                       std::vector<std::string> options = {});
ConfigField intList(const char* section, const char* key, Ref<std::vector<int>> ref, Range r);
ConfigField rankTable(const char* section, const char* key, Ref<std::map<std::string, int>> ref);

}  // namespace aletheia::fields

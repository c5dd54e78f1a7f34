#include "core/probe/module_table.h"

#include <algorithm>
#include <set>

#include "core/model/cell_name.h"

namespace aletheia {

namespace {
// The column order of every heatmap: attention first, then MLP, then MoE plumbing.
const std::vector<std::string>& canonicalRoles() {
    static const std::vector<std::string> order = {"q",    "k",  "v",    "o",      "gate",
                                                   "up",   "down", "router", "shared_gate"};
    return order;
}
}  // namespace

ModuleKind kindOfRole(const std::string& role) {
    if (role == "q" || role == "k" || role == "v" || role == "o") return ModuleKind::Attention;
    if (role == "router" || role == "shared_gate") return ModuleKind::Router;
    return ModuleKind::Mlp;
}

int ModuleTable::find(int layer, const std::string& module) const {
    const std::string pooled = pooledCellName(module);
    for (size_t i = 0; i < modules.size(); ++i)
        if (modules[i].layer == layer && modules[i].module == pooled) return static_cast<int>(i);
    return -1;
}

double ModuleTable::cellShare(int index, const std::string& module) const {
    const auto& m = modules[static_cast<size_t>(index)];
    return isSingleExpertCell(module) && m.count > 0 ? 1.0 / m.count : 1.0;
}

void ModuleTable::collectRoles() {
    std::set<std::string> present;
    for (const auto& m : modules) present.insert(m.roles.begin(), m.roles.end());
    roles.clear();
    for (const auto& r : canonicalRoles())
        if (present.erase(r)) roles.push_back(r);
    roles.insert(roles.end(), present.begin(), present.end());  // std::set: alphabetical
}

int ModuleTable::roleIndex(const std::string& role) const {
    auto it = std::find(roles.begin(), roles.end(), role);
    return it == roles.end() ? -1 : static_cast<int>(it - roles.begin());
}

}  // namespace aletheia

#include "core/plan/plan_table.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "core/common/error.h"
#include "core/model/cell_name.h"

namespace aletheia {

namespace {
std::string cellName(const AdapterCell& c) { return "layer " + std::to_string(c.layer) + " " + c.module; }

std::string fmtNum(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}
}  // namespace

std::int64_t trainableParams(const AdapterPlan& plan, const ModuleTable& table) {
    std::int64_t n = 0;
    for (const auto& c : plan.cells) {
        const int i = table.find(c.layer, c.module);
        if (i >= 0)
            n += std::llround(table.cellShare(i, c.module) * double(table.modules[static_cast<size_t>(i)].loraParams(c.rank)));
    }
    return n;
}

void validatePlan(const AdapterPlan& plan, const ModuleTable& table) {
    std::set<std::pair<int, std::string>> seen;
    for (const auto& c : plan.cells) {
        if (table.find(c.layer, c.module) < 0)
            throw Error("plan cell names no module of this model (layers 0-" + std::to_string(table.numLayers - 1) +
                            ")",
                        {"", cellName(c), -1});
        if (c.rank <= 0) throw Error("rank must be positive", {"", cellName(c), -1});
        if (!(c.alpha > 0)) throw Error("alpha must be positive", {"", cellName(c), -1});
        if (!seen.insert({c.layer, c.module}).second) throw Error("module listed twice", {"", cellName(c), -1});
    }
    if (plan.dropout < 0 || plan.dropout >= 1) fail("lora dropout must be in [0, 1)");
}

PlanTable tabulatePlan(const AdapterPlan& plan, const ModuleTable& table) {
    PlanTable t;
    std::map<std::string, size_t> col;
    for (const auto& m : table.modules) {
        const auto name = m.module;
        if (col.emplace(name, t.columns.size()).second) t.columns.push_back(name);
    }
    t.cells.assign(static_cast<size_t>(table.numLayers), std::vector<PlanTableCell>(t.columns.size()));
    for (const auto& c : plan.cells) {
        const int i = table.find(c.layer, c.module);
        if (i < 0) continue;
        const auto& m = table.modules[static_cast<size_t>(i)];
        auto& cell = t.cells[static_cast<size_t>(c.layer)][col[m.module]];
        const int n = isSingleExpertCell(c.module) ? 1 : m.count;  // one expert, or all of them
        cell.rank = c.rank;
        cell.alpha = c.alpha;
        cell.count += n;
        t.adaptedModules += n;
    }
    t.backwardDepth = plan.lowestLayer();
    t.trainableParams = trainableParams(plan, table);
    return t;
}

std::string formatPlanTable(const PlanTable& t) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> head = {"layer"};
    head.insert(head.end(), t.columns.begin(), t.columns.end());
    rows.push_back(head);
    for (size_t l = 0; l < t.cells.size(); ++l) {
        std::vector<std::string> row = {std::to_string(l)};
        for (const auto& c : t.cells[l]) {
            if (c.count == 0) {
                row.push_back(".");
                continue;
            }
            std::string s = std::to_string(c.rank) + "/" + fmtNum(c.alpha);
            if (c.count > 1) s += "x" + std::to_string(c.count);
            row.push_back(s);
        }
        rows.push_back(row);
    }
    std::vector<size_t> width(head.size(), 0);
    for (const auto& r : rows)
        for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
    std::string out;
    for (size_t k = 0; k < rows.size(); ++k) {
        for (size_t i = 0; i < rows[k].size(); ++i) {
            out += rows[k][i];
            if (i + 1 < rows[k].size()) out += std::string(width[i] - rows[k][i].size() + 2, ' ');
        }
        out += "\n";
    }
    out += "rank/alpha per cell ('.' = frozen). backward depth: " +
           (t.backwardDepth < 0 ? std::string("none") : "layer " + std::to_string(t.backwardDepth)) +
           ", adapted modules: " + std::to_string(t.adaptedModules) +
           ", trainable parameters: " + std::to_string(t.trainableParams) + "\n";
    return out;
}

}  // namespace aletheia

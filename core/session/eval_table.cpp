#include "core/session/eval_table.h"

#include <cmath>
#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/io/json_file.h"

namespace aletheia {

namespace {

struct Metric {
    const char* section;  // eval.json array
    const char* key;      // inside "base" / "adapted"
    bool higherIsBetter;
};
constexpr Metric kMetrics[] = {{"sets", "loss", false},
                               {"multiple_choice", "acc", true},
                               {"multiple_choice", "acc_norm", true},
                               {"exact_match", "strict", true},
                               {"exact_match", "flexible", true}};

double number(const nlohmann::json& side, const char* key, const std::string& file, const std::string& where) {
    if (side.is_null()) return std::nan("");
    if (!side.is_object() || !side.contains(key) || !side[key].is_number())
        failIn(file, std::string("expected a number '") + key + "'", where);
    return side[key].get<double>();
}

EvalTableRow& rowFor(EvalTable& t, const std::string& set, const Metric& m) {
    for (auto& r : t.rows)
        if (r.set == set && r.metric == m.key) return r;
    EvalTableRow r;
    r.set = set;
    r.metric = m.key;
    r.higherIsBetter = m.higherIsBetter;
    r.forgetting = set == "forgetting" && std::string(m.key) == "loss";
    r.runs.assign(t.runs.size(), EvalCell{std::nan(""), std::nan("")});
    t.rows.push_back(std::move(r));
    return t.rows.back();
}

void addRun(EvalTable& t, size_t run, const std::string& file) {
    const nlohmann::json j = readJsonFile(file);
    if (!j.is_object()) failIn(file, "expected a JSON object (an eval.json)");
    for (const Metric& m : kMetrics) {
        if (!j.contains(m.section)) continue;
        const auto& sets = j[m.section];
        if (!sets.is_array()) failIn(file, "expected an array", m.section);
        for (size_t i = 0; i < sets.size(); ++i) {
            const std::string where = std::string(m.section) + "[" + std::to_string(i) + "]";
            const auto& s = sets[i];
            if (!s.is_object() || !s.contains("name") || !s["name"].is_string() || !s.contains("base"))
                failIn(file, "expected an object with 'name' and 'base'", where);
            EvalCell& c = rowFor(t, s["name"].get<std::string>(), m).runs[run];
            c.base = number(s["base"], m.key, file, where + ".base");
            c.adapted = number(s.value("adapted", nlohmann::json()), m.key, file, where + ".adapted");
        }
    }
}

std::string csvField(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char ch : s) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return q + "\"";
}

std::string csvNumber(double v) {
    if (!std::isfinite(v)) return "";
    std::ostringstream o;
    o.precision(9);
    o << v;
    return o.str();
}

}  // namespace

bool EvalCell::present() const { return std::isfinite(base) && std::isfinite(adapted); }

bool EvalTable::exceedsBound(const EvalTableRow& row, size_t run) const {
    return row.forgetting && row.runs[run].present() && row.runs[run].delta() > forgettingBound;
}

EvalTable readEvalTable(const std::vector<RunEvalSource>& runs, double forgettingBound) {
    EvalTable t;
    t.forgettingBound = forgettingBound;
    for (const auto& r : runs) t.runs.push_back(r.name);
    for (size_t i = 0; i < runs.size(); ++i) {
        const std::string file = (std::filesystem::path(runs[i].dir) / "eval.json").string();
        if (std::filesystem::exists(file)) addRun(t, i, file);
    }
    return t;
}

std::string evalTableCsv(const EvalTable& t) {
    std::ostringstream o;
    o << "set,metric,run,base,adapted,delta,within_bound\n";
    for (const auto& row : t.rows)
        for (size_t i = 0; i < t.runs.size(); ++i) {
            const EvalCell& c = row.runs[i];
            if (!std::isfinite(c.base)) continue;
            o << csvField(row.set) << ',' << row.metric << ',' << csvField(t.runs[i]) << ',' << csvNumber(c.base)
              << ',' << csvNumber(c.adapted) << ',' << (c.present() ? csvNumber(c.delta()) : "") << ','
              << (row.forgetting && c.present() ? (t.exceedsBound(row, i) ? "no" : "yes") : "") << '\n';
        }
    return o.str();
}

}  // namespace aletheia

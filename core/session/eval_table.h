#pragma once
// The Compare stage's evaluation table: every run's eval.json (run_evaluation.h, written by
// `aletheia eval` or the Studio) as one row per set and metric, with each run's base and adapted
// value and the delta, and the forgetting set's loss delta judged against a bound.
#include <cstddef>
#include <string>
#include <vector>

namespace aletheia {

struct EvalCell {
    double base, adapted;  // NaN where that run has no such result
    double delta() const { return adapted - base; }
    bool present() const;  // base and adapted both known
};

struct EvalTableRow {
    std::string set;              // "validation", "forgetting", a question file's stem
    std::string metric;           // "loss", "acc", "acc_norm", "strict", "flexible"
    bool higherIsBetter = false;  // accuracy: true; loss: false
    bool forgetting = false;      // the forgetting set's loss: its rise is bounded
    std::vector<EvalCell> runs;   // one per run of the table, in its order
};

struct RunEvalSource {
    std::string name;  // column title
    std::string dir;   // run directory (eval.json there, or none yet)
};

struct EvalTable {
    std::vector<std::string> runs;  // names, in column order
    std::vector<EvalTableRow> rows;
    double forgettingBound = 0.0;   // nats per token the forgetting loss may rise
    // A forgetting row whose rise in run i exceeds the bound.
    bool exceedsBound(const EvalTableRow& row, size_t run) const;
};

// Runs without eval.json get empty cells; a malformed eval.json throws aletheia::Error naming the
// file and key. Rows in first-seen order: loss sets, then multiple choice, then exact match.
EvalTable readEvalTable(const std::vector<RunEvalSource>& runs, double forgettingBound);
// Long form, one line per row and run with a result:
// set,metric,run,base,adapted,delta,within_bound ("" unless a forgetting row).
std::string evalTableCsv(const EvalTable& table);

}  // namespace aletheia

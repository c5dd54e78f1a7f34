#pragma once
// The loop every kind of question set shares: each set on the base model, then (when `attach` is
// given) each set again with the adapter it makes, made once. `score(set, adapters)` scores one
// set (adapters null: the base model). Progress counts set passes; a stop request ends early with
// what is done (adapted scores not reached stay empty).
#include <cstdint>
#include <optional>
#include <vector>

#include "core/eval/evaluate_sets.h"

namespace aletheia {

// Result: an aggregate {name, file, questions, base, adapted}; Set: {name, file, questions}.
template <class Result, class Set, class ScoreFn>
std::vector<Result> evaluateBaseThenAdapted(const Model& model, const std::vector<Set>& sets,
                                            const AttachAdapter& attach, const ScoreFn& score,
                                            const ProgressFn& progress, StopToken* stop) {
    const long passes = long(sets.size()) * (attach ? 2 : 1);
    long done = 0;
    auto stopped = [&] { return stop && stop->stopRequested(); };
    std::vector<Result> out;
    for (const auto& s : sets) {
        if (stopped()) return out;
        out.push_back(Result{s.name, s.file, int64_t(s.questions.size()), score(s, nullptr), std::nullopt});
        if (progress) progress(++done, passes, "base: " + s.name);
    }
    if (!attach) return out;
    const AdapterSet adapters = attach(model);
    for (size_t i = 0; i < sets.size(); ++i) {
        if (stopped()) return out;
        out[i].adapted = score(sets[i], &adapters);
        if (progress) progress(++done, passes, "adapted: " + sets[i].name);
    }
    return out;
}

}  // namespace aletheia

#include "core/session/metrics_tail.h"

#include <filesystem>
#include <fstream>

#include "core/session/run_recorder.h"

namespace aletheia {

namespace fs = std::filesystem;

MetricsTail::MetricsTail(std::string path, bool skipExisting) : path_(std::move(path)) {
    std::error_code ec;
    if (skipExisting) offset_ = fs::file_size(path_, ec);
    if (ec) offset_ = 0;
}

std::vector<nlohmann::json> MetricsTail::poll() {
    std::vector<nlohmann::json> out;
    std::error_code ec;
    const std::uintmax_t size = fs::file_size(path_, ec);
    if (ec) return out;
    if (size < offset_) {  // rewritten from the start (a fresh run in the same directory)
        offset_ = 0;
        partial_.clear();
    }
    if (size == offset_) return out;
    std::ifstream in(path_, std::ios::binary);
    in.seekg(std::streamoff(offset_));
    std::string chunk(size_t(size - offset_), '\0');
    in.read(chunk.data(), std::streamsize(chunk.size()));
    chunk.resize(size_t(in.gcount()));
    offset_ += chunk.size();
    partial_ += chunk;
    size_t start = 0;
    for (size_t nl; (nl = partial_.find('\n', start)) != std::string::npos; start = nl + 1) {
        auto j = nlohmann::json::parse(partial_.begin() + std::ptrdiff_t(start), partial_.begin() + std::ptrdiff_t(nl),
                                       nullptr, /*allow_exceptions=*/false);
        if (j.is_object()) out.push_back(std::move(j));
    }
    partial_.erase(0, start);
    return out;
}

namespace {
template <typename T>
void take(const nlohmann::json& j, const char* key, T& into) {
    const auto it = j.find(key);
    if (it != j.end() && it->is_number()) into = it->get<T>();
}
void take(const nlohmann::json& j, const char* key, std::vector<double>& into) {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_array()) return;
    for (const auto& v : *it) into.push_back(v.is_number() ? v.get<double>() : 0.0);
}
}  // namespace

StepEvent stepEventFromLine(const nlohmann::json& j) {
    StepEvent e;
    take(j, "step", e.step);
    take(j, "total_steps", e.total_steps);
    take(j, "epoch", e.epoch);
    take(j, "loss", e.loss);
    take(j, "lr", e.lr);
    take(j, "grad_norm", e.grad_norm);
    take(j, "tokens_per_s", e.tokens_per_s);
    take(j, "step_time_s", e.step_time_s);
    take(j, "eta_s", e.eta_s);
    take(j, "peak_memory_bytes", e.peak_memory_bytes);
    take(j, "rank_tokens_per_s", e.rank_tokens_per_s);
    take(j, "layer_update_norms", e.layer_update_norms);
    return e;
}

EvalEvent evalEventFromLine(const nlohmann::json& j) {
    EvalEvent e;
    take(j, "step", e.step);
    take(j, "loss", e.loss);
    take(j, "perplexity", e.perplexity);
    take(j, "tokens", e.tokens);
    return e;
}

TrainResult trainResultFromEndLine(const nlohmann::json& j) {
    TrainResult r;
    r.outcome = outcomeFromName(j.value("outcome", "")).value_or(TrainOutcome::NonFinite);
    take(j, "steps", r.steps);
    r.message = j.value("message", "");
    r.last_checkpoint = j.value("checkpoint", "");
    return r;
}

}  // namespace aletheia

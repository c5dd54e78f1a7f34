#include "core/train/adamw.h"

#include <cmath>
#include <map>

#include "core/common/error.h"

namespace aletheia {

AdamW::AdamW(std::vector<Param> params, AdamWOptions opts) : params_(std::move(params)), opts_(opts) {
    for (const auto& p : params_) {
        exp_avg_.push_back(torch::zeros_like(p.tensor, torch::MemoryFormat::Contiguous));
        exp_avg_sq_.push_back(torch::zeros_like(p.tensor, torch::MemoryFormat::Contiguous));
    }
}

std::vector<double> AdamW::step(double lr) {
    torch::NoGradGuard noGrad;
    ++step_;
    const double bc1 = 1.0 - std::pow(opts_.beta1, double(step_));
    const double bc2 = 1.0 - std::pow(opts_.beta2, double(step_));
    std::vector<torch::Tensor> norms(params_.size());
    for (size_t i = 0; i < params_.size(); ++i) {
        auto& p = params_[i].tensor;
        const auto& g = p.grad();
        if (!g.defined()) continue;
        exp_avg_[i].mul_(opts_.beta1).add_(g, 1.0 - opts_.beta1);
        exp_avg_sq_[i].mul_(opts_.beta2).addcmul_(g, g, 1.0 - opts_.beta2);
        auto denom = (exp_avg_sq_[i].sqrt() / std::sqrt(bc2)).add_(opts_.eps);
        // update = lr * (m_hat / (sqrt(v_hat) + eps) + wd * p): decay is decoupled from m, v.
        auto update = (exp_avg_[i] / denom).mul_(lr / bc1);
        if (params_[i].decay && opts_.weight_decay != 0.0) update.add_(p, lr * opts_.weight_decay);
        p.sub_(update);
        norms[i] = update.norm().to(torch::kFloat64);
    }
    // One device->host copy for all norms, not one sync per parameter.
    std::vector<torch::Tensor> present;
    for (const auto& n : norms)
        if (n.defined()) present.push_back(n);
    std::vector<double> updateNorms(params_.size(), 0.0);
    if (present.empty()) return updateNorms;
    auto host = torch::stack(present).cpu();
    auto acc = host.accessor<double, 1>();
    for (size_t i = 0, k = 0; i < params_.size(); ++i)
        if (norms[i].defined()) updateNorms[i] = acc[int64_t(k++)];
    return updateNorms;
}

void AdamW::zeroGrad() {
    for (auto& p : params_)
        if (p.tensor.grad().defined()) p.tensor.mutable_grad() = torch::Tensor();
}

std::vector<std::pair<std::string, torch::Tensor>> AdamW::state() const {
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (size_t i = 0; i < params_.size(); ++i) {
        out.emplace_back(params_[i].name + ".exp_avg", exp_avg_[i]);
        out.emplace_back(params_[i].name + ".exp_avg_sq", exp_avg_sq_[i]);
    }
    return out;
}

void AdamW::loadState(const std::vector<std::pair<std::string, torch::Tensor>>& named, int64_t stepCount) {
    std::map<std::string, torch::Tensor> byName(named.begin(), named.end());
    torch::NoGradGuard noGrad;
    for (size_t i = 0; i < params_.size(); ++i) {
        for (auto* slot : {&exp_avg_[i], &exp_avg_sq_[i]}) {
            const std::string key = params_[i].name + (slot == &exp_avg_[i] ? ".exp_avg" : ".exp_avg_sq");
            auto it = byName.find(key);
            if (it == byName.end()) fail("optimizer state lacks '" + key + "'");
            if (it->second.sizes() != slot->sizes())
                fail("optimizer state '" + key + "' has the wrong shape for its parameter");
            slot->copy_(it->second);
        }
    }
    step_ = stepCount;
}

}  // namespace aletheia

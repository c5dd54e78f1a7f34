// The demo's recipe, measured: pretraining time and per-skill held-out loss of the demo model,
// then the demo fine-tune (probe -> top_pct plan -> LoRA) against uniform LoRA, side by side:
// task loss before/after, forgetting-set loss before/after, wall time of each.
//
//   bench_demo_recipe [dir=/tmp/demo-recipe] [layers=6] [hidden=96] [steps=500] [batch=16] [lr=3e-3]
//                     [skill=max] [ft_steps=150] [ft_lr=3e-3] [top_pct=50] [r=16]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include "core/demo/demo_data.h"
#include "core/demo/demo_model.h"
#include "core/demo/skill_corpus.h"
#include "core/model/model.h"
#include "core/plan/make_plan.h"
#include "core/plan/plan_table.h"
#include "core/probe/probe.h"
#include "core/text/dataset.h"
#include "core/text/tokenizer.h"
#include "core/train/example_batch_source.h"
#include "core/train/trainer.h"

using namespace aletheia;
using Clock = std::chrono::steady_clock;

namespace {

std::map<std::string, std::string> args;
std::string arg(const std::string& k, const std::string& def) { return args.count(k) ? args[k] : def; }
double num(const std::string& k, double def) { return args.count(k) ? std::stod(args[k]) : def; }
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::shared_ptr<std::vector<text::Example>> tokenized(const std::vector<std::string>& skills, int n, uint64_t seed,
                                                      const Tokenizer& tok) {
    auto out = std::make_shared<std::vector<text::Example>>();
    for (const auto& e : demo::makeExamples(skills, n, seed))
        out->push_back(text::tokenizeRecord(demo::toInstructionJsonl(e), text::DatasetShape::Instruction, tok, {}));
    return out;
}

// Mean loss of the model with `adapters` (null: the base model).
double lossOn(const Model& m, std::shared_ptr<std::vector<text::Example>> set, int32_t pad,
              const AdapterSet* adapters = nullptr) {
    ExampleBatchSource src(set, 64, pad, 0, false);
    return evaluate(m, adapters, src, 0).loss;
}

struct FineTune {
    double taskBefore, taskAfter, generalBefore, generalAfter, seconds;
    int64_t trainable;
};

FineTune fineTune(const std::string& modelDir, bool selective, const Tokenizer& tok) {
    const int32_t pad = tok.padId().value_or(0);
    const std::string skill = arg("skill", demo::fineTuneSkill());
    Model model = Model::load(modelDir);
    auto task = tokenized({skill}, demo::kTaskExamples, demo::kTaskSeed, tok);
    auto taskVal = tokenized({skill}, 150, demo::kTaskSeed + 1, tok);
    auto general = tokenized(demo::pretrainingSkills(), demo::kGeneralExamples, demo::kGeneralSeed, tok);
    FineTune r{};
    r.taskBefore = lossOn(model, taskVal, pad);
    r.generalBefore = lossOn(model, general, pad);

    ExampleBatchSource data(task, 16, pad, 7);
    PlanOptions po;
    po.ranks.rank = static_cast<int>(num("r", 16));
    po.dropout = 0;
    ProbeScores scores;
    if (selective) {
        scores = runProbe(model, data.firstBatches(6));
        po.selection.topPct = num("top_pct", 50);
        std::printf("  probe layer scores:");
        double lo = 1e300, hi = 0;
        for (double s : scores.layerScores) {
            std::printf(" %.3g", s);
            lo = std::min(lo, s), hi = std::max(hi, s);
        }
        std::printf("  (max/min %.1f)\n", hi / lo);
    } else {
        scores = unscored(moduleTable(model));
        po.selection.policy = SelectionPolicy::Uniform;
    }
    const AdapterPlan plan = makePlan(scores, po);
    TrainOptions t;
    t.lr = num("ft_lr", 3e-3);
    t.max_steps = static_cast<int64_t>(num("ft_steps", 150));
    t.warmup_steps = 10;
    t.seed = 42;
    TrainObserver obs;
    const auto start = Clock::now();
    auto result = train(model, plan, data, nullptr, t, obs);
    r.seconds = since(start);
    r.trainable = trainableParams(plan, scores.table);
    r.taskAfter = lossOn(model, taskVal, pad, result.adapters.get());
    r.generalAfter = lossOn(model, general, pad, result.adapters.get());
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress lines appear as they happen, even piped
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto eq = a.find('=');
        if (eq != std::string::npos) args[a.substr(0, eq)] = a.substr(eq + 1);
    }
    demo::DemoOptions o;
    o.cacheDir = arg("dir", "/tmp/demo-recipe");
    o.layers = static_cast<int64_t>(num("layers", o.layers));
    o.hidden = static_cast<int64_t>(num("hidden", o.hidden));
    o.pretrainSteps = static_cast<int64_t>(num("steps", o.pretrainSteps));
    o.batchSize = static_cast<int64_t>(num("batch", o.batchSize));
    o.pretrainLr = num("lr", o.pretrainLr);

    demo::DemoObserver obs;
    auto start = Clock::now();
    obs.onStep = [&](const StepEvent& e) {
        if (e.step % static_cast<int64_t>(num("print_every", 50)) == 0 || e.step == e.total_steps)
            std::printf("  pretrain step %lld/%lld loss %.4f  %.0f s\n", static_cast<long long>(e.step),
                        static_cast<long long>(e.total_steps), e.loss, since(start));
        std::fflush(stdout);
    };
    const auto files = demo::ensureDemo(o, obs);
    std::printf("demo model %s: %s, general loss %.4f, %.0f s\n", files.modelDir.c_str(),
                files.built ? "built" : "cached", files.pretrainLoss, since(start));

    const Tokenizer tok = Tokenizer::fromDirectory(files.modelDir);
    const int32_t pad = tok.padId().value_or(0);
    {
        Model model = Model::load(files.modelDir);
        std::printf("per-skill held-out loss:");
        auto skills = demo::pretrainingSkills();
        skills.push_back(arg("skill", demo::fineTuneSkill()));
        for (const auto& s : skills) std::printf(" %s %.3f", s.c_str(), lossOn(model, tokenized({s}, 200, 99, tok), pad));
        std::printf("\n");
    }
    for (bool selective : {true, false}) {
        std::printf("%s LoRA:\n", selective ? "selective (probe, top_pct)" : "uniform");
        auto r = fineTune(files.modelDir, selective, tok);
        std::printf("  task loss %.3f -> %.3f   general loss %.3f -> %.3f (%+.3f)   %lld trainable   %.1f s\n",
                    r.taskBefore, r.taskAfter, r.generalBefore, r.generalAfter, r.generalAfter - r.generalBefore,
                    static_cast<long long>(r.trainable), r.seconds);
    }
    return 0;
}

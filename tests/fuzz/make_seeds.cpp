// Seeds for the formats the fixtures do not hold (PEFT adapter, probe scores, plan, checkpoint
// state), written by the engine's own writers so they follow the formats as they change.
// Usage: make_seeds <corpus root>; writes <root>/<harness>/seed-*.
#include <fstream>
#include <sstream>

#include "core/io/json_file.h"
#include "core/lora/apply_plan.h"
#include "core/lora/peft_export.h"
#include "core/model/model.h"
#include "core/plan/plan_io.h"
#include "core/probe/probe.h"
#include "core/probe/probe_json.h"
#include "core/train/checkpoint.h"
#include "tests/fuzz/fuzz_support.h"

namespace fs = std::filesystem;

static std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    const fs::path root = argv[1];
    const auto model = aletheia::Model::load(fuzz::fixture("models/llama"));

    aletheia::AdapterPlan plan;
    plan.cells = {{0, "q_proj", 2, 4.0}, {1, "v_proj", 4, 16.0}, {1, "down_proj", 2, 4.0}};
    plan.dropout = 0.05;
    fuzz::writeFile(root / "plan" / "seed-plan.yaml", aletheia::planToYaml(plan));

    const fs::path adapter = fuzz::scratch() / "seed-adapter";
    aletheia::exportPeft(model, aletheia::applyPlan(model, plan, 0), plan, adapter.string(), "llama");
    fuzz::writeFile(root / "peft" / "seed-adapter",
                    slurp(adapter / "adapter_config.json") + std::string(fuzz::kSplit) +
                        slurp(adapter / "adapter_model.safetensors"));

    aletheia::ProbeScores s;
    s.batches = 2;
    s.table = aletheia::moduleTable(model);
    s.modules = s.table.roles;
    const size_t L = size_t(s.table.numLayers), M = s.modules.size();
    s.scores.assign(L, std::vector<double>(M, 0.5));
    s.spread.assign(L, std::vector<double>(M, 0.1));
    s.targetScores.assign(s.table.modules.size(), 0.25);
    s.layerScores.assign(L, 1.0);
    fuzz::writeFile(root / "probe_scores" / "seed-probe_scores.json", aletheia::probeScoresToJson(s).dump(1));

    aletheia::CheckpointState st;
    st.step = 3;
    st.micro_index = 6;
    st.optimizer_step = 3;
    st.losses = {2.5, 2.25, 2.0};
    st.params.push_back({"w", torch::ones({2, 2})});
    const auto dir = aletheia::writeCheckpoint((fuzz::scratch() / "seed-ckpt").string(), st, 0);
    fuzz::writeFile(root / "checkpoint_state" / "seed-state.json", slurp(fs::path(dir) / "state.json"));
    fs::remove_all(fuzz::scratch());
    return 0;
}

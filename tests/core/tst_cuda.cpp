// The engine on a CUDA device, against the same engine on CPU: forward logits of every family
// fixture, the probe's scores, and a bf16 LoRA training run that learns. Each case skips with a
// message where libtorch sees no CUDA device (every CI machine here); tools/gpu-check.sh runs
// them on a GPU machine.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include "core/lora/apply_plan.h"
#include "core/model/model.h"
#include "core/probe/probe.h"
#include "core/io/safetensors_reader.h"
#include "core/train/batch_source.h"
#include "core/train/trainer.h"
#include "model_fixtures.h"

using namespace aletheia;

namespace {

#define REQUIRE_CUDA()                                                                              \
    do {                                                                                            \
        if (!torch::cuda::is_available())                                                           \
            QSKIP("no CUDA device visible to libtorch (" TORCH_VERSION "): CUDA cases run on a GPU machine"); \
    } while (0)

torch::Tensor referenceIds(const std::string& dir) {
    return SafetensorsFile::open(dir + "/reference.safetensors")->tensor("input_ids").clone();
}

std::string fixture(const char* family) { return std::string(ALETHEIA_FIXTURES) + "/models/" + family; }

Model load(const std::string& dir, torch::Device device, torch::Dtype dtype) {
    LoadOptions o;
    o.device = device;
    o.dtype = dtype;
    return Model::load(dir, o);
}

}  // namespace

class TstCuda : public QObject {
    Q_OBJECT
private slots:
    void forwardMatchesCpu_data() {
        QTest::addColumn<QString>("family");
        for (const QString& f : fixtureNames()) QTest::newRow(qPrintable(f)) << QString::fromStdString(modelsDir()) + f;
    }
    void forwardMatchesCpu() {
        REQUIRE_CUDA();
        QFETCH(QString, family);
        const std::string dir = family.toStdString();
        const torch::Tensor ids = referenceIds(dir);
        torch::NoGradGuard noGrad;
        const Model cpu = load(dir, torch::kCPU, torch::kFloat32);
        const Model gpu = load(dir, torch::Device(torch::kCUDA, 0), torch::kFloat32);
        const ForwardOutput a = cpu.forward(ids, {}, ids);
        const ForwardOutput b = gpu.forward(ids.cuda(), {}, ids.cuda());
        const double diff = (a.logits - b.logits.cpu()).abs().max().item<double>();
        QVERIFY2(diff < 1e-3, qPrintable(QString("fp32 logits CPU vs CUDA differ by %1").arg(diff)));
        QVERIFY(std::abs(a.loss.item<double>() - b.loss.cpu().item<double>()) < 1e-4);
    }

    void probeScoresMatchCpu() {
        REQUIRE_CUDA();
        const std::string dir = fixture("llama");
        const torch::Tensor ids = referenceIds(dir);
        Model cpu = load(dir, torch::kCPU, torch::kFloat32);
        Model gpu = load(dir, torch::Device(torch::kCUDA, 0), torch::kFloat32);
        ProbeOptions o;
        const ProbeScores a = runProbe(cpu, {Batch{ids, ids, {}}}, o);
        const ProbeScores b = runProbe(gpu, {Batch{ids.cuda(), ids.cuda(), {}}}, o);
        QCOMPARE(a.scores.size(), b.scores.size());
        for (size_t l = 0; l < a.scores.size(); ++l)
            for (size_t m = 0; m < a.scores[l].size(); ++m)
                QVERIFY(std::abs(a.scores[l][m] - b.scores[l][m]) <= 1e-3 * std::max(1.0, std::abs(a.scores[l][m])));
    }

    void bf16LoraTrainingLearns() {
        REQUIRE_CUDA();
        const std::string dir = fixture("llama");
        Model model = load(dir, torch::Device(torch::kCUDA, 0), torch::kBFloat16);
        // A fixed batch: the run must fit it (the loss falls well below its start).
        const torch::Tensor ids = referenceIds(dir).cuda();
        FunctionBatchSource data(1, [&](int64_t, int64_t) { return Batch{ids, ids, {}}; });
        AdapterPlan plan;
        for (int layer = 0; layer < int(model.config().numLayers); ++layer)
            for (const char* m : {"q_proj", "v_proj", "down_proj"}) plan.cells.push_back({layer, m, 8, 16.0});
        TrainOptions o;
        o.max_steps = 40;
        o.lr = 1e-2;
        o.schedule = "constant";
        o.precision = "bf16";
        TrainObserver obs;
        const TrainResult r = train(model, plan, data, nullptr, o, obs);
        QCOMPARE(int(r.outcome), int(TrainOutcome::Completed));
        QVERIFY2(r.losses.back() < 0.7 * r.losses.front(),
                 qPrintable(QString("bf16 loss %1 -> %2").arg(r.losses.front()).arg(r.losses.back())));
    }
};

QTEST_APPLESS_MAIN(TstCuda)
#include "tst_cuda.moc"

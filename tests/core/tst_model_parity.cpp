// Parity of the one decoder with the reference dumps in tests/fixtures/models: logits, causal-LM loss
// and per-weight gradient norms of every fixture folder. The 10 family fixtures were made by hfref (an independent
// re-implementation); the option fixtures (sliding window, ...) by real transformers 4.52.4 through
// tools/fixtures/make_fixtures.py, with the padding mask they were computed with.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include "core/io/safetensors_reader.h"
#include "core/model/family_spec.h"
#include "core/model/model.h"
#include "core/model/model_config.h"
#include "model_fixtures.h"

#include <set>

using namespace aletheia;

namespace {

}  // namespace

class TstModelParity : public QObject {
    Q_OBJECT
private slots:
    // Every fixture folder on disk: a new fixture is tested without editing this list.
    void family_data() {
        QTest::addColumn<QString>("family");
        for (const QString& f : fixtureNames("reference.safetensors")) QTest::newRow(qPrintable(f)) << f;
        QVERIFY(fixtureNames("reference.safetensors").size() >= 20);
    }

    // Each family the engine accepts (familySpecs()) has at least one fixture with its model_type.
    void everyFamilyHasAFixture() {
        std::set<std::string> covered;
        for (const QString& f : fixtureNames("reference.safetensors"))
            covered.insert(ModelConfig::load(modelsDir() + f.toStdString() + "/config.json").modelType);
        for (const FamilySpec& spec : familySpecs())
            QVERIFY2(covered.count(spec.modelType), ("no fixture for model_type " + spec.modelType).c_str());
    }

    void family() {
        QFETCH(QString, family);
        const std::string dir = modelsDir() + family.toStdString();
        Model model = Model::load(dir, LoadOptions{torch::kFloat, torch::kCPU, {}, nullptr});
        auto ref = SafetensorsFile::open(dir + "/reference.safetensors");
        auto ids = ref->tensor("input_ids");
        auto mask = ref->tensor("attention_mask");

        // Plain autograd on every projection weight of the decoder layers.
        for (Linear* l : model.linears()) l->weight.requires_grad_(true);
        ForwardOutput out = model.forward(ids, mask, ids);

        const double logitErr = (out.logits - ref->tensor("logits")).abs().max().item<double>();
        const double lossErr = std::abs(out.loss.item<double>() - ref->tensor("loss").item<double>());
        qInfo("%s: max |logits - ref| = %.3g, |loss - ref| = %.3g", qPrintable(family), logitErr, lossErr);
        QVERIFY2(logitErr <= 1e-4, qPrintable(QString("logits off by %1").arg(logitErr)));
        QVERIFY2(lossErr <= 1e-5, qPrintable(QString("loss off by %1").arg(lossErr)));

        out.loss.backward();
        int refNorms = 0;
        for (const auto& e : ref->entries())
            if (e.name.rfind("grad_norm.", 0) == 0) ++refNorms;
        QCOMPARE(refNorms, int(model.linears().size()));
        double worst = 0;
        for (Linear* l : model.linears()) {
            const std::string key = "grad_norm." + l->name + ".weight";
            QVERIFY2(ref->contains(key), key.c_str());
            QVERIFY2(l->weight.grad().defined(), (l->name + " got no gradient").c_str());
            const double want = ref->tensor(key).item<double>();
            const double got = l->weight.grad().norm().item<double>();
            const double rel = std::abs(got - want) / std::max(want, 1e-12);
            worst = std::max(worst, rel);
            QVERIFY2(rel <= 1e-4, qPrintable(QString("%1: grad norm %2 vs ref %3")
                                                  .arg(QString::fromStdString(l->name)).arg(got).arg(want)));
        }
        qInfo("%s: worst relative grad-norm error %.3g over %d weights", qPrintable(family), worst, refNorms);
    }
};

QTEST_APPLESS_MAIN(TstModelParity)
#include "tst_model_parity.moc"

// The demo builder: a real (tiny) pretraining run that lowers the loss, a loadable HF checkpoint
// with its tokenizer, bitwise determinism per seed, and reuse of the cache.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include <QTemporaryDir>
#include <fstream>
#include <sstream>

#include "core/demo/demo_model.h"
#include "core/model/model.h"
#include "core/text/tokenizer.h"

using namespace aletheia;

namespace {
std::string slurp(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}
demo::DemoOptions tiny(const QTemporaryDir& dir) {
    demo::DemoOptions o;
    o.cacheDir = dir.path().toStdString();
    o.layers = 2;
    o.hidden = 32;
    o.pretrainSteps = 40;
    o.batchSize = 16;
    return o;
}
}  // namespace

class TstDemoModel : public QObject {
    Q_OBJECT
private slots:
    void buildsLearnsAndIsDeterministic() {
        QTemporaryDir a, b;
        std::vector<double> losses;
        demo::DemoObserver obs;
        obs.onStep = [&](const StepEvent& e) { losses.push_back(e.loss); };
        auto fa = demo::ensureDemo(tiny(a), obs);
        QVERIFY(fa.built);
        QCOMPARE(static_cast<int>(losses.size()), 40);
        // Real learning: the last steps' loss is well below the first steps'.
        const double first = (losses[0] + losses[1] + losses[2]) / 3, last = (losses[37] + losses[38] + losses[39]) / 3;
        QVERIFY2(last < 0.7 * first, (std::to_string(first) + " -> " + std::to_string(last)).c_str());

        auto fb = demo::ensureDemo(tiny(b));
        QVERIFY(!slurp(fa.modelDir + "/model.safetensors").empty());
        QVERIFY(slurp(fa.modelDir + "/model.safetensors") == slurp(fb.modelDir + "/model.safetensors"));

        // A real checkpoint: our loader and tokenizer read it back.
        auto model = Model::load(fa.modelDir);
        QCOMPARE(model.numLayers(), 2);
        auto tok = Tokenizer::fromDirectory(fa.modelDir);
        QCOMPARE(static_cast<int64_t>(tok.vocabSize()), model.config().vocabSize);
        QVERIFY(QFile::exists(QString::fromStdString(fa.experiment)));
        QVERIFY(QFile::exists(QString::fromStdString(fa.taskData)));

        // Second call: taken from the cache, not rebuilt.
        auto again = demo::ensureDemo(tiny(a));
        QVERIFY(!again.built);
        QCOMPARE(again.pretrainLoss, fa.pretrainLoss);
    }
};

QTEST_APPLESS_MAIN(TstDemoModel)
#include "tst_demo_model.moc"

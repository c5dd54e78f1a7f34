// The demo builder: a real (tiny) pretraining run that lowers the loss, a loadable HF checkpoint
// with its tokenizer, bitwise determinism per seed, and reuse of the cache; and the shipped
// full-size model: unpacked for the default recipe, a pretrained model (not a random one).
#include <torch/torch.h>
#include <QtTest/QtTest>

#include <QTemporaryDir>
#include <fstream>
#include <sstream>

#include "core/common/error.h"
#include "core/demo/demo_model.h"
#include "core/io/file_lock.h"
#include "core/eval/evaluate_sets.h"
#include "core/text/dataset.h"
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
        QVERIFY(QFile::exists(QString::fromStdString(fa.trainData)));

        // Second call: taken from the cache, not rebuilt.
        auto again = demo::ensureDemo(tiny(a));
        QVERIFY(!again.built);
        QCOMPARE(again.pretrainLoss, fa.pretrainLoss);
    }

    // A second builder on the same cache (a second Ctrl+D, or the CLI while the Studio builds)
    // is refused with a message naming the cache, instead of sharing model.building with the first.
    void secondBuilderOnOneCacheIsRefused() {
        QTemporaryDir dir;
        const std::string root = dir.path().toStdString();
        {
            const FileLock first(root + "/.lock", "test builder");
            try {
                demo::ensureDemo(tiny(dir));
                QFAIL("a second builder ran while the cache was locked");
            } catch (const Error& e) {
                QVERIFY2(std::string(e.what()).find("being prepared in " + root) != std::string::npos, e.what());
            }
            QVERIFY(!QFileInfo::exists(dir.filePath("model")));
        }
        // Released with the first builder: the cache builds now, and is complete.
        const auto f = demo::ensureDemo(tiny(dir));
        for (const char* file : {"/config.json", "/tokenizer.json", "/model.safetensors", "/demo_info.json"})
            QVERIFY2(QFileInfo::exists(QString::fromStdString(f.modelDir + file)), file);
    }

    void defaultRecipeUnpacksTheShippedPretrainedModel() {
        QTemporaryDir dir;
        demo::DemoOptions o;
        o.cacheDir = dir.path().toStdString();
        const auto f = demo::ensureDemo(o);
        QVERIFY(f.shipped && !f.built);
        auto model = Model::load(f.modelDir);
        QCOMPARE(model.numLayers(), static_cast<int>(o.layers));
        QCOMPARE(model.config().hiddenSize, o.hidden);
        const auto tok = Tokenizer::fromDirectory(f.modelDir);

        // Its loss on the forgetting set (held-out examples of its pretraining skills) is far
        // below a random model's ln(vocab), and near what its demo_info.json states.
        text::DatasetOptions d;
        d.shuffle = false;
        auto general = text::loadJsonlDataset(f.generalData, tok, d);
        const auto report = evaluateSets(model, {{"general", f.generalData, general.train}}, {}, {});
        const double loss = report.sets.at(0).base.loss;
        QVERIFY2(loss < 0.25 * std::log(static_cast<double>(tok.vocabSize())), qPrintable(QString::number(loss)));
        QVERIFY2(std::abs(loss - f.pretrainLoss) < 0.1, qPrintable(QString("%1 vs %2").arg(loss).arg(f.pretrainLoss)));

        const auto again = demo::ensureDemo(o);
        QVERIFY(!again.shipped && !again.built);  // from the cache now
    }
};

QTEST_APPLESS_MAIN(TstDemoModel)
#include "tst_demo_model.moc"

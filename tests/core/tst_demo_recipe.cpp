// The built-in demo's promises, checked end to end at full size (the slowest test: minutes):
// `aletheia demo` builds the real demo model, then probe -> plan -> train -> eval on its task.
// The probe must be clearly non-uniform across layers, the fine-tune must cut the task's held-out
// loss at least in half, the forgetting set's loss must rise by less than the stated bound, and the
// story the Studio's Chat tells must hold: with the exported adapter the model answers
// `max: 6 7 1` with 7, without it it does not.
// The model is cached in the build tree, so reruns take seconds plus the fine-tune.
#include <torch/torch.h>

#include "cli_test_support.h"
#include "core/demo/demo_model.h"

using namespace cli_test;

class TstDemoRecipe : public QObject {
    Q_OBJECT
private slots:
    void demoLearnsTheTaskWithinTheForgettingBound() {
        const QString cache = QStringLiteral(ALETHEIA_BUILD_DIR "/test-cache/demo-recipe");
        const Result r = runAletheia({"demo", "--cache", cache}, {}, {}, 40 * 60 * 1000);
        QVERIFY2(r.code == 0, qPrintable(r.err.right(3000)));
        QVERIFY2(r.out.contains("demo forgetting"), qPrintable(r.out));

        const QString run = cache + "/runs/demo-max";
        const auto probe = QJsonDocument::fromJson(readAll(run + "/probe_scores.json")).object();
        double lo = 1e300, hi = 0;
        for (const auto v : probe["layer_scores"].toArray()) lo = std::min(lo, v.toDouble()), hi = std::max(hi, v.toDouble());
        QVERIFY2(lo > 0 && hi / lo > 3, qPrintable(QString("layer score max/min %1").arg(hi / lo)));

        const auto report = QJsonDocument::fromJson(readAll(run + "/eval.json")).object();
        bool sawTask = false, sawForgetting = false;
        for (const auto s : report["sets"].toArray()) {
            const auto set = s.toObject();
            const double before = set["base"].toObject()["loss"].toDouble();
            const double after = set["adapted"].toObject()["loss"].toDouble();
            const QString what = QString("%1: %2 -> %3").arg(set["name"].toString()).arg(before).arg(after);
            if (set["name"] == "validation") {
                sawTask = true;
                QVERIFY2(after < 0.5 * before, qPrintable(what));
            } else if (set["name"] == "forgetting") {
                sawForgetting = true;
                QVERIFY2(after - before < aletheia::demo::kDemoForgettingBound, qPrintable(what));
            }
        }
        QVERIFY(sawTask && sawForgetting);

        Result e = runAletheia({"export", "--config", run + "/config.yaml"});
        QVERIFY2(e.code == 0, qPrintable(e.err));
        const auto answer = [&](bool adapted) {
            QStringList args{"generate", cache + "/model", "--prompt", "max: 6 7 1", "--instruction", "--max-new-tokens", "4"};
            if (adapted) args << "--adapter" << run + "/adapter";
            const Result g = runAletheia(args);
            return g.code == 0 ? g.out.trimmed() : "failed: " + g.err;
        };
        QCOMPARE(answer(true), QString("7"));
        QVERIFY2(answer(false) != "7", qPrintable(answer(false)));
    }
};

QTEST_APPLESS_MAIN(TstDemoRecipe)
#include "tst_demo_recipe.moc"

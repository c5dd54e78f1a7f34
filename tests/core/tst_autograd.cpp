// Smoke test of the toolchain: libtorch autograd gives the analytic gradient, and the
// error type formats its context.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include "core/common/error.h"

class TstAutograd : public QObject {
    Q_OBJECT
private slots:
    void gradientOfQuadratic() {
        // f(w) = sum((X w - y)^2) has gradient 2 X^T (X w - y).
        torch::manual_seed(0);
        auto X = torch::randn({8, 3}, torch::kFloat64);
        auto y = torch::randn({8}, torch::kFloat64);
        auto w = torch::randn({3}, torch::dtype(torch::kFloat64).requires_grad(true));
        (X.matmul(w) - y).pow(2).sum().backward();
        auto expected = 2 * X.t().matmul(X.matmul(w.detach()) - y);
        QVERIFY(torch::allclose(w.grad(), expected, 1e-12, 1e-12));
    }
    void errorNamesFileAndItem() {
        try {
            aletheia::failIn("/m/model.safetensors", "shape mismatch", "lm_head.weight");
            QFAIL("no throw");
        } catch (const aletheia::Error& e) {
            QCOMPARE(QString(e.what()), QString("/m/model.safetensors: 'lm_head.weight': shape mismatch"));
            QCOMPARE(QString::fromStdString(e.problem()), QString("shape mismatch"));
        }
    }
};

QTEST_APPLESS_MAIN(TstAutograd)
#include "tst_autograd.moc"

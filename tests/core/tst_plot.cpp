// Headless plots: the PNG encoder produces a file zlib and the PNG layout agree with, and the
// charts put ink where the data says.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include <fstream>
#include <zlib.h>

#include "core/common/error.h"
#include "core/plot/charts.h"
#include "core/plot/png_writer.h"

using namespace aletheia;

namespace {
uint32_t be32(const std::vector<uint8_t>& b, size_t at) {
    return uint32_t(b[at]) << 24 | uint32_t(b[at + 1]) << 16 | uint32_t(b[at + 2]) << 8 | b[at + 3];
}
bool isInk(Rgb c) { return !(c.r == 255 && c.g == 255 && c.b == 255); }
}  // namespace

class TstPlot : public QObject {
    Q_OBJECT
private slots:
    void pngDecodesToTheSamePixels() {
        // 3x2 image, every pixel different.
        std::vector<uint8_t> rgb;
        for (int i = 0; i < 6; ++i) rgb.insert(rgb.end(), {uint8_t(i * 40), uint8_t(255 - i * 40), uint8_t(i * 7)});
        const auto png = encodePng(3, 2, rgb);
        QCOMPARE(png[1], uint8_t('P'));
        QCOMPARE(be32(png, 16), 3u);  // IHDR width
        QCOMPARE(be32(png, 20), 2u);  // IHDR height
        // IDAT inflates to rows prefixed by filter byte 0.
        const size_t idatLen = be32(png, 33);
        QCOMPARE(std::string(png.begin() + 37, png.begin() + 41), std::string("IDAT"));
        std::vector<uint8_t> raw(2 * (1 + 9));
        uLongf rawLen = raw.size();
        QCOMPARE(uncompress(raw.data(), &rawLen, png.data() + 41, uLong(idatLen)), Z_OK);
        QCOMPARE(int(rawLen), 20);
        QCOMPARE(raw[0], uint8_t(0));
        QCOMPARE(raw[10 + 1], uint8_t(120));  // row 1, pixel 0 = image pixel 3, red
        // Chunk CRCs check out (IEND's is a known constant).
        QCOMPARE(be32(png, png.size() - 4), 0xAE426082u);
        QCOMPARE(raw[10 + 1 + 6], uint8_t(200));  // row 1, pixel 2 = image pixel 5
        QCOMPARE(raw[10 + 1 + 8], uint8_t(35));
        QCOMPARE(be32(png, 29), uint32_t(crc32(0, png.data() + 12, 17)));  // IHDR CRC
    }

    void rejectsMismatchedBuffer() {
        bool threw = false;
        try {
            encodePng(4, 4, std::vector<uint8_t>(10));
        } catch (const aletheia::Error&) {
            threw = true;
        }
        QVERIFY(threw);
    }

    void niceTicks_data() {
        QTest::addColumn<double>("lo");
        QTest::addColumn<double>("hi");
        QTest::addColumn<QList<double>>("ticks");
        QTest::newRow("0..10") << 0.0 << 10.0 << QList<double>{0, 2, 4, 6, 8, 10};
        QTest::newRow("1.3..2.9") << 1.3 << 2.9 << QList<double>{1.5, 2.0, 2.5};
        QTest::newRow("0..1000") << 0.0 << 1000.0 << QList<double>{0, 200, 400, 600, 800, 1000};
    }
    void niceTicks() {
        QFETCH(double, lo);
        QFETCH(double, hi);
        QFETCH(QList<double>, ticks);
        const auto got = aletheia::niceTicks(lo, hi);
        QCOMPARE(int(got.size()), int(ticks.size()));
        for (int i = 0; i < ticks.size(); ++i) QVERIFY(std::abs(got[i] - ticks[i]) < 1e-9);
    }

    void lineGoesWhereTheDataIs() {
        // A falling line: top-left of the plot area has ink, bottom-left has none.
        LineSeries s{"train", {0, 1, 2, 3, 4}, {4, 3, 2, 1, 0}, {200, 0, 0}};
        const Canvas c = renderLinePlot("loss", "step", "loss", {s}, 400, 300);
        auto redNear = [&](int x, int y) {
            for (int dy = -2; dy <= 2; ++dy)
                for (int dx = -2; dx <= 2; ++dx)
                    if (c.at(x + dx, y + dy).r == 200 && c.at(x + dx, y + dy).g == 0) return true;
            return false;
        };
        // plot area: left 70, top 40, width 310, height 210
        QVERIFY(redNear(70, 40));
        QVERIFY(redNear(379, 249));
        QVERIFY(!redNear(72, 245));
        QVERIFY(redNear(70 + 155, 40 + 105));  // the middle point
    }

    void heatmapColoursFollowValues() {
        const Canvas c = renderHeatmap("probe", {{0, 1}, {0.5, 0}}, {"0", "1"}, {"q_proj", "v_proj"});
        const int left = Canvas::textWidth("0") + 16, top = 44;
        const int cellW = 60, cellH = 30;
        auto cell = [&](int i, int j) { return c.at(left + j * cellW + 5, top + i * cellH + 5); };
        const Rgb lo = rampColor(0), hi = rampColor(1), mid = rampColor(0.5);
        QCOMPARE(int(cell(0, 0).r), int(lo.r));
        QCOMPARE(int(cell(0, 1).g), int(hi.g));
        QCOMPARE(int(cell(1, 0).b), int(mid.b));
        QVERIFY(isInk(c.at(5, 5)) == false);
    }

    void writesFile() {
        QTemporaryDir tmp;
        const std::string path = tmp.filePath("x.png").toStdString();
        renderLinePlot("t", "x", "y", {{"a", {0, 1}, {1, 2}}}).savePng(path);
        std::ifstream in(path, std::ios::binary);
        std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        QVERIFY(bytes.size() > 100);
        QCOMPARE(be32(bytes, 16), 800u);
        QCOMPARE(be32(bytes, 20), 480u);
    }
};

QTEST_APPLESS_MAIN(TstPlot)
#include "tst_plot.moc"

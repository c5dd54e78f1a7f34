// The Studio's reusable plots on plain data: the heatmap draws exactly the values given,
// outlines exactly the selected cells, reports clicks on cells and layer labels, and the
// live plot coalesces samples from another thread.
#include <QtTest/QtTest>
#include <cmath>
#include <thread>

#include "ui/widgets/layer_bar_chart.h"
#include "ui/widgets/live_plot.h"
#include "ui/widgets/plot_export.h"
#include "ui/widgets/score_heatmap.h"

using aletheia::ui::LayerBarChart;
using aletheia::ui::LivePlot;
using aletheia::ui::ScoreHeatmap;

namespace {
const QStringList kModules{"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};
}

class TstUiWidgets : public QObject {
    Q_OBJECT
private slots:
    void heatmapHoldsExactValues() {
        ScoreHeatmap map;
        map.resize(700, 500);
        map.setGrid(4, kModules);
        QVERIFY(std::isnan(map.cellValue(0, 0)));  // nothing measured yet
        std::vector<double> v(4 * kModules.size());
        for (size_t i = 0; i < v.size(); ++i) v[i] = 0.125 * double(i) + 1e-3;
        map.setScores(v);
        for (int l = 0; l < 4; ++l)
            for (int m = 0; m < kModules.size(); ++m) QCOMPARE(map.cellValue(l, m), v[size_t(l) * kModules.size() + m]);
        QVERIFY(std::isnan(map.cellValue(4, 0)));
    }

    void heatmapOutlinesSelection() {
        ScoreHeatmap map;
        map.setGrid(3, kModules);
        std::vector<bool> sel(3 * kModules.size(), false);
        sel[0] = sel[kModules.size() + 2] = sel[2 * kModules.size() + 6] = true;
        map.setSelection(sel);
        QCOMPARE(map.outlinedCount(), 3);
        QVERIFY(map.isOutlined(0, 0));
        QVERIFY(map.isOutlined(1, 2));
        QVERIFY(map.isOutlined(2, 6));
        QVERIFY(!map.isOutlined(1, 1));
        map.setSelection(std::vector<bool>(3, true));  // wrong size: ignored
        QCOMPARE(map.outlinedCount(), 3);
    }

    void heatmapClickAndTooltip() {
        ScoreHeatmap map;
        map.resize(800, 600);
        map.setGrid(6, kModules);
        std::vector<double> v(6 * kModules.size(), 0.5);
        v[size_t(3) * kModules.size() + 4] = 2.75;
        map.setScores(v);
        map.show();
        QVERIFY(QTest::qWaitForWindowExposed(&map));
        map.replot();

        QSignalSpy cells(&map, &ScoreHeatmap::cellClicked);
        QSignalSpy layers(&map, &ScoreHeatmap::layerClicked);
        QTest::mouseClick(&map, Qt::LeftButton, {}, map.cellCenter(3, 4));
        QCOMPARE(cells.count(), 1);
        QCOMPARE(cells[0][0].toInt(), 3);
        QCOMPARE(cells[0][1].toInt(), 4);
        QTest::mouseClick(&map, Qt::LeftButton, {}, map.layerLabelPoint(5));
        QCOMPARE(layers.count(), 1);
        QCOMPARE(layers[0][0].toInt(), 5);
        QCOMPARE(cells.count(), 1);

        const QString tip = map.tooltipAt(map.cellCenter(3, 4));
        QVERIFY2(tip.contains("layer 3") && tip.contains("gate_proj") && tip.contains("2.75"), qPrintable(tip));
    }

    void barChartStacksPerLayer() {
        LayerBarChart chart;
        chart.setSeries({"attention", "mlp"}, {Qt::blue, Qt::red});
        chart.setLayers(3);
        chart.setValues(0, {8, 0, 16});
        chart.setValues(1, {4, 4, 0});
        chart.refresh();
        QCOMPARE(chart.value(0, 2), 16.0);
        QCOMPARE(chart.value(1, 1), 4.0);
        QCOMPARE(chart.value(1, 2), 0.0);
        QCOMPARE(chart.xAxis->range().upper, 16.0 * 1.05);
    }

    void livePlotCoalescesSamplesFromAnotherThread() {
        LivePlot plot("loss");
        const int loss = plot.addSeries("train", Qt::blue);
        std::thread producer([&] {
            for (int i = 0; i < 1000; ++i) plot.append(loss, i, 1.0 / (i + 1));
        });
        producer.join();
        QCOMPARE(plot.pointCount(loss), 0);  // not drawn until the timer (or a flush) drains the buffer
        QTRY_COMPARE_WITH_TIMEOUT(plot.pointCount(loss), 1000, 2000);
        QCOMPARE(plot.lastValue(loss), 1.0 / 1000);
    }

    void plotsSaveAsPngAndPdf() {
        QTemporaryDir dir;
        LivePlot plot("lr");
        plot.resize(400, 300);
        plot.append(plot.addSeries("lr", Qt::darkGreen), 0, 1e-3);
        plot.flush();
        QVERIFY(aletheia::ui::savePlot(&plot, dir.filePath("lr.png")));
        QVERIFY(aletheia::ui::savePlot(&plot, dir.filePath("lr.pdf")));
        QVERIFY(QFileInfo(dir.filePath("lr.png")).size() > 1000);
        QVERIFY(QFileInfo(dir.filePath("lr.pdf")).size() > 500);
        QVERIFY(!aletheia::ui::savePlot(&plot, dir.filePath("lr.bmpx")));
    }
};

QTEST_MAIN(TstUiWidgets)
#include "tst_ui_widgets.moc"

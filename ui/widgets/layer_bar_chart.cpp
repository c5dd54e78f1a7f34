#include "ui/widgets/layer_bar_chart.h"

#include "ui/widgets/legend_row.h"
#include "ui/widgets/plot_export.h"

namespace aletheia::ui {

LayerBarChart::LayerBarChart(QWidget* parent) : QCustomPlot(parent) {
    setObjectName("layerBarChart");
    yAxis->setRangeReversed(true);
    yAxis->setLabel("layer");
    yAxis->grid()->setVisible(false);
    yAxis->setSubTicks(false);
    legend->setVisible(false);
    legend->setFont(QFont(font().family(), 8));
    placeLegendAbove(this, 0);
    installPlotExportMenu(this);
}

void LayerBarChart::setSeries(const QStringList& names, const QList<QColor>& colors) {
    for (QCPBars* b : bars_) removePlottable(b);
    bars_.clear();
    QCPBars* below = nullptr;
    for (int i = 0; i < names.size(); ++i) {
        auto* bars = new QCPBars(yAxis, xAxis);  // key axis = layers (vertical), value axis = horizontal
        bars->setName(names[i]);
        const QColor c = colors.value(i, QColor(90, 140, 200));
        bars->setBrush(c);
        bars->setPen(QPen(c.darker(130)));
        bars->setWidth(0.8);
        if (below) bars->moveAbove(below);
        below = bars;
        bars_.push_back(bars);
    }
    legend->setVisible(names.size() > 1);
}

void LayerBarChart::setLayers(int layers) {
    layers_ = layers;
    auto ticker = QSharedPointer<QCPAxisTickerFixed>::create();
    int step = 1;
    for (int s : {1, 2, 4, 5, 10, 20, 25, 50})
        if (layers / s <= 32) { step = s; break; }
    ticker->setTickStep(step);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssNone);
    yAxis->setTicker(ticker);
    yAxis->setRange(-0.5, std::max(1, layers) - 0.5);
    for (QCPBars* b : bars_) b->data()->clear();
}

void LayerBarChart::setValueLabel(const QString& label) { xAxis->setLabel(label); }

void LayerBarChart::setValues(int series, const std::vector<double>& values) {
    if (series < 0 || series >= bars_.size()) return;
    QVector<double> keys, vals;
    for (int l = 0; l < layers_ && l < int(values.size()); ++l) {
        keys << l;
        vals << values[l];
    }
    bars_[series]->setData(keys, vals, true);
}

void LayerBarChart::refresh() {
    double hi = 0;
    for (int l = 0; l < layers_; ++l) {
        double sum = 0;
        for (int s = 0; s < bars_.size(); ++s) sum += std::max(0.0, value(s, l));
        hi = std::max(hi, sum);
    }
    xAxis->setRange(0, hi > 0 ? hi * 1.05 : 1);
    yAxis->setRange(-0.5, std::max(1, layers_) - 0.5);
    replot(QCustomPlot::rpQueuedReplot);
}

double LayerBarChart::value(int series, int layer) const {
    if (series < 0 || series >= bars_.size()) return 0;
    auto it = bars_[series]->data()->findBegin(layer, false);
    if (it == bars_[series]->data()->constEnd() || it->key != layer) return 0;
    return it->value;
}

void LayerBarChart::mouseReleaseEvent(QMouseEvent* event) {
    QCustomPlot::mouseReleaseEvent(event);
    if (event->button() != Qt::LeftButton || layers_ == 0) return;
    const QRect r = axisRect()->rect();
    if (event->pos().y() < r.top() || event->pos().y() > r.bottom()) return;
    const int l = int(std::lround(yAxis->pixelToCoord(event->pos().y())));
    if (l >= 0 && l < layers_) emit layerClicked(l);
}

}  // namespace aletheia::ui

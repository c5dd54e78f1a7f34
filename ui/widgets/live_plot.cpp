#include "ui/widgets/live_plot.h"

#include <algorithm>
#include <cmath>

#include "ui/widgets/legend_row.h"
#include "ui/widgets/plot_export.h"

namespace aletheia::ui {

LivePlot::LivePlot(const QString& title, QWidget* parent) : QCustomPlot(parent) {
    plotLayout()->insertRow(0);
    title_ = new QCPTextElement(this, title, QFont(font().family(), font().pointSize(), QFont::Bold));
    plotLayout()->addElement(0, 0, title_);
    legend->setVisible(false);
    legend->setFont(QFont(font().family(), 8));
    placeLegendAbove(this, 1);  // under the title
    installPlotExportMenu(this);
    timer_.setInterval(100);  // <= 10 Hz repaint
    connect(&timer_, &QTimer::timeout, this, &LivePlot::flush);
    timer_.start();
}

int LivePlot::addSeries(const QString& name, const QColor& color, bool rightAxis) {
    if (rightAxis) yAxis2->setVisible(true);
    auto* g = addGraph(xAxis, rightAxis ? yAxis2 : yAxis);
    g->setName(name);
    g->setPen(QPen(color, 2));
    graphs_.push_back(g);
    legend->setVisible(graphs_.size() > 1);
    return graphs_.size() - 1;
}

void LivePlot::setAxisLabels(const QString& x, const QString& y, const QString& y2) {
    xAxis->setLabel(x);
    yAxis->setLabel(y);
    yAxis2->setLabel(y2);
}

void LivePlot::setLogY(bool log) {
    yAxis->setScaleType(log ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (log) yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
}

void LivePlot::append(int series, double x, double y) {
    QMutexLocker lock(&mutex_);
    pending_.push_back({series, x, y});
}

void LivePlot::clearData() {
    {
        QMutexLocker lock(&mutex_);
        pending_.clear();
    }
    for (QCPGraph* g : graphs_) g->data()->clear();
    replot(QCustomPlot::rpQueuedReplot);
}

void LivePlot::flush() {
    std::vector<Sample> batch;
    {
        QMutexLocker lock(&mutex_);
        batch.swap(pending_);
    }
    if (batch.empty()) return;
    for (const Sample& s : batch)
        if (s.series >= 0 && s.series < graphs_.size()) graphs_[s.series]->addData(s.x, s.y);
    bool first = true;
    for (QCPGraph* g : graphs_) {
        if (g->data()->isEmpty()) continue;
        g->rescaleAxes(!first);
        first = false;
    }
    // Enough significant digits that ticks over a narrow range differ (a learning rate decaying
    // in its sixth digit would otherwise read 0.01, 0.01, 0.01).
    const QCPRange r = yAxis->range();
    const double span = r.size(), scale = std::max(std::abs(r.lower), std::abs(r.upper));
    const int digits = span > 0 && scale > 0 ? int(std::ceil(std::log10(scale / span))) + 2 : 3;
    yAxis->setNumberPrecision(std::clamp(digits, 3, 10));
    replot(QCustomPlot::rpQueuedReplot);
}

int LivePlot::pointCount(int series) const {
    if (series < 0 || series >= graphs_.size()) return 0;
    return graphs_[series]->data()->size();
}

double LivePlot::firstValue(int series) const {
    if (pointCount(series) == 0) return std::numeric_limits<double>::quiet_NaN();
    return graphs_[series]->data()->constBegin()->value;
}

double LivePlot::lastValue(int series) const {
    if (pointCount(series) == 0) return std::numeric_limits<double>::quiet_NaN();
    return (graphs_[series]->data()->constEnd() - 1)->value;
}

}  // namespace aletheia::ui

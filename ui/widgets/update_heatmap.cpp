#include "ui/widgets/update_heatmap.h"

#include "ui/widgets/plot_export.h"

#include <cmath>

namespace aletheia::ui {

namespace {
constexpr int kMaxColumns = 400;  // wider gains nothing on screen and costs redraw time
}

UpdateHeatmap::UpdateHeatmap(QWidget* parent) : QCustomPlot(parent) {
    setObjectName("updateHeatmap");
    map_ = new QCPColorMap(xAxis, yAxis);
    map_->setInterpolate(false);
    auto* scale = new QCPColorScale(this);
    plotLayout()->addElement(0, 1, scale);
    scale->setBarWidth(10);
    scale->axis()->setLabel("update norm");
    map_->setColorScale(scale);
    map_->setGradient(QCPColorGradient::gpHot);
    auto* group = new QCPMarginGroup(this);
    axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, group);
    scale->setMarginGroup(QCP::msBottom | QCP::msTop, group);
    xAxis->setLabel("step");
    yAxis->setLabel("layer");
    yAxis->setRangeReversed(true);
    auto layerTicks = QSharedPointer<QCPAxisTickerFixed>::create();
    layerTicks->setTickStep(1);  // layers are whole numbers
    layerTicks->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    yAxis->setTicker(layerTicks);
    yAxis->setSubTicks(false);
    plotLayout()->insertRow(0);
    plotLayout()->addElement(0, 0, new QCPTextElement(this, "Adapter update per layer",
                                                      QFont(font().family(), font().pointSize(), QFont::Bold)));
    installPlotExportMenu(this);
    timer_.setInterval(100);
    connect(&timer_, &QTimer::timeout, this, &UpdateHeatmap::flush);
    timer_.start();
}

void UpdateHeatmap::reset(int layers) {
    {
        QMutexLocker lock(&mutex_);
        pending_.clear();
    }
    columns_.clear();
    layers_ = layers;
    lastStep_ = 0;
    map_->data()->clear();
    yAxis->setRange(-0.5, std::max(1, layers) - 0.5);
    xAxis->setRange(0.5, 1.5);
    replot(QCustomPlot::rpQueuedReplot);
}

void UpdateHeatmap::addStep(int64_t step, const std::vector<double>& perLayer) {
    QMutexLocker lock(&mutex_);
    pending_.push_back(perLayer);
    lastStep_ = step;
}

double UpdateHeatmap::value(int stepIndex, int layer) const {
    if (stepIndex < 0 || stepIndex >= int(columns_.size()) || layer < 0 || layer >= int(columns_[stepIndex].size()))
        return std::nan("");
    return columns_[size_t(stepIndex)][size_t(layer)];
}

void UpdateHeatmap::flush() {
    int64_t lastStep;
    {
        QMutexLocker lock(&mutex_);
        if (pending_.empty()) return;
        for (auto& c : pending_) columns_.push_back(std::move(c));
        pending_.clear();
        lastStep = lastStep_;
    }
    if (layers_ == 0 && !columns_.empty()) layers_ = int(columns_.front().size());
    // Bin consecutive steps (mean) so the map never exceeds kMaxColumns columns.
    const int n = int(columns_.size());
    const int bin = std::max(1, (n + kMaxColumns - 1) / kMaxColumns);
    const int cols = (n + bin - 1) / bin;
    map_->data()->setSize(cols, std::max(1, layers_));
    const double firstStep = double(lastStep - n + 1);
    map_->data()->setRange(QCPRange(firstStep + (bin - 1) / 2.0, firstStep + (cols - 1) * bin + (bin - 1) / 2.0),
                           QCPRange(0, std::max(1, layers_) - 1));
    for (int c = 0; c < cols; ++c)
        for (int l = 0; l < layers_; ++l) {
            double sum = 0;
            int k = 0;
            for (int s = c * bin; s < std::min(n, (c + 1) * bin); ++s, ++k)
                sum += l < int(columns_[size_t(s)].size()) ? columns_[size_t(s)][size_t(l)] : 0.0;
            map_->data()->setCell(c, l, k ? sum / k : 0.0);
        }
    map_->rescaleDataRange(true);
    xAxis->setRange(firstStep - 0.5 * bin, firstStep + cols * bin - 0.5 * bin);
    yAxis->setRange(-0.5, std::max(1, layers_) - 0.5);
    replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace aletheia::ui

#include "ui/widgets/score_heatmap.h"

#include "ui/widgets/plot_export.h"
#include "ui/widgets/selection_overlay.h"

#include <QToolTip>
#include <cmath>
#include <limits>

namespace aletheia::ui {

ScoreHeatmap::ScoreHeatmap(QWidget* parent) : QCustomPlot(parent) {
    setObjectName("scoreHeatmap");
    setMouseTracking(true);
    map_ = new QCPColorMap(xAxis, yAxis);
    map_->setInterpolate(false);  // one flat colour per module: the grid is the information
    map_->setTightBoundary(false);

    scale_ = new QCPColorScale(this);
    plotLayout()->addElement(0, 1, scale_);
    scale_->setType(QCPAxis::atRight);
    scale_->setBarWidth(14);
    map_->setColorScale(scale_);
    QCPColorGradient gradient(QCPColorGradient::gpThermal);
    gradient.setNanHandling(QCPColorGradient::nhTransparent);  // unmeasured cells stay blank
    map_->setGradient(gradient);

    // Keep the colour bar exactly as tall as the map.
    auto* group = new QCPMarginGroup(this);
    axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, group);
    scale_->setMarginGroup(QCP::msBottom | QCP::msTop, group);

    addLayer("selection", layer("main"), QCustomPlot::limAbove);
    overlay_ = new SelectionOverlay(this, axisRect());

    xAxis->setLabel("module");
    yAxis->setLabel("layer");
    yAxis->setRangeReversed(true);  // layer 0 at the top, as a model is read
    xAxis->grid()->setVisible(false);
    yAxis->grid()->setVisible(false);
    setValueLabel("score");
    installPlotExportMenu(this);
    setGrid(0, {});
}

void ScoreHeatmap::setValueLabel(const QString& label) { scale_->axis()->setLabel(label); }

void ScoreHeatmap::setGrid(int layers, const QStringList& modules) {
    layers_ = layers;
    modules_ = modules;
    const size_t n = size_t(layers) * size_t(modules.size());
    values_.assign(n, std::numeric_limits<double>::quiet_NaN());
    selected_.assign(n, false);
    const int m = std::max<int>(1, modules.size());
    const int l = std::max(1, layers);
    map_->data()->setSize(m, l);
    map_->data()->setRange(QCPRange(0, m - 1), QCPRange(0, l - 1));
    map_->data()->fill(std::numeric_limits<double>::quiet_NaN());
    overlay_->setCells(layers_, modules_.size(), selected_);
    configureAxes();
    replot(QCustomPlot::rpQueuedReplot);
}

void ScoreHeatmap::configureAxes() {
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (int i = 0; i < modules_.size(); ++i) ticker->addTick(i, modules_[i]);
    xAxis->setTicker(ticker);
    xAxis->setTickLabelRotation(modules_.size() > 6 ? 30 : 0);
    xAxis->setRange(-0.5, std::max<int>(1, modules_.size()) - 0.5);

    // Label every layer while they fit; otherwise every 2nd/5th/10th...
    auto layerTicker = QSharedPointer<QCPAxisTickerFixed>::create();
    int step = 1;
    for (int s : {1, 2, 4, 5, 10, 20, 25, 50})
        if (layers_ / s <= 32) { step = s; break; }
    layerTicker->setTickStep(step);
    layerTicker->setScaleStrategy(QCPAxisTickerFixed::ssNone);
    yAxis->setTicker(layerTicker);
    yAxis->setSubTicks(false);
    xAxis->setSubTicks(false);
    yAxis->setRange(-0.5, std::max(1, layers_) - 0.5);
}

void ScoreHeatmap::setScores(const std::vector<double>& values) {
    if (values.size() != values_.size()) return;
    values_ = values;
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (int l = 0; l < layers_; ++l)
        for (int m = 0; m < modules_.size(); ++m) {
            const double v = values_[size_t(l) * modules_.size() + m];
            map_->data()->setCell(m, l, v);
            if (std::isfinite(v)) { lo = std::min(lo, v); hi = std::max(hi, v); }
        }
    if (std::isfinite(lo)) {
        // A log range needs a positive floor: zero scores (untouched modules) sit at the bottom.
        if (logScale_) lo = std::max(lo, hi > 0 ? hi * 1e-6 : 1e-12);
        map_->setDataRange(QCPRange(lo, hi > lo ? hi : lo + 1e-12));
    }
    replot(QCustomPlot::rpQueuedReplot);
}

void ScoreHeatmap::setLogScale(bool on) {
    if (on == logScale_) return;
    logScale_ = on;
    // One layer far above the rest (a typical probe: layer 0 ~50, others ~2) flattens a linear
    // scale to one colour; a logarithmic one keeps the rest apart.
    map_->setDataScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (scale_) scale_->axis()->setTicker(on ? QSharedPointer<QCPAxisTicker>(new QCPAxisTickerLog)
                                             : QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    setScores(std::vector<double>(values_));
}

void ScoreHeatmap::setSelection(const std::vector<bool>& selected) {
    if (selected.size() != selected_.size()) return;
    selected_ = selected;
    overlay_->setCells(layers_, modules_.size(), selected_);
    replot(QCustomPlot::rpQueuedReplot);
}

double ScoreHeatmap::cellValue(int layer, int module) const {
    if (layer < 0 || layer >= layers_ || module < 0 || module >= modules_.size())
        return std::numeric_limits<double>::quiet_NaN();
    return map_->data()->cell(module, layer);  // what is actually drawn, not our copy
}

bool ScoreHeatmap::isOutlined(int layer, int module) const {
    if (layer < 0 || layer >= layers_ || module < 0 || module >= modules_.size()) return false;
    return selected_[size_t(layer) * modules_.size() + module];
}

int ScoreHeatmap::outlinedCount() const { return int(std::count(selected_.begin(), selected_.end(), true)); }

QPoint ScoreHeatmap::cellCenter(int layer, int module) const {
    return QPointF(xAxis->coordToPixel(module), yAxis->coordToPixel(layer)).toPoint();
}

QPoint ScoreHeatmap::layerLabelPoint(int layer) const {
    const QRect r = axisRect()->rect();
    return QPoint(r.left() - 12, int(yAxis->coordToPixel(layer)));
}

std::optional<ScoreHeatmap::Cell> ScoreHeatmap::cellAt(const QPoint& pos) const {
    if (!axisRect()->rect().contains(pos) || layers_ == 0 || modules_.isEmpty()) return std::nullopt;
    const int m = int(std::lround(xAxis->pixelToCoord(pos.x())));
    const int l = int(std::lround(yAxis->pixelToCoord(pos.y())));
    if (m < 0 || m >= modules_.size() || l < 0 || l >= layers_) return std::nullopt;
    return Cell{l, m};
}

std::optional<int> ScoreHeatmap::layerLabelAt(const QPoint& pos) const {
    const QRect r = axisRect()->rect();
    if (pos.x() >= r.left() || pos.x() < r.left() - axisRect()->margins().left()) return std::nullopt;
    if (pos.y() < r.top() || pos.y() > r.bottom() || layers_ == 0) return std::nullopt;
    const int l = int(std::lround(yAxis->pixelToCoord(pos.y())));
    if (l < 0 || l >= layers_) return std::nullopt;
    return l;
}

QString ScoreHeatmap::tooltipAt(const QPoint& pos) const {
    if (auto c = cellAt(pos)) {
        const double v = cellValue(c->layer, c->module);
        const QString score = std::isnan(v) ? QString("not measured yet") : QString::number(v, 'g', 6);
        return QString("layer %1 · %2\n%3: %4%5")
            .arg(c->layer)
            .arg(modules_[c->module])
            .arg(scale_->axis()->label())
            .arg(score)
            .arg(isOutlined(c->layer, c->module) ? "\nin the plan (click to remove)" : "\nclick to add to the plan");
    }
    if (auto l = layerLabelAt(pos)) return QString("layer %1: click to toggle the whole layer").arg(*l);
    return {};
}

void ScoreHeatmap::mouseMoveEvent(QMouseEvent* event) {
    QCustomPlot::mouseMoveEvent(event);
    const QString tip = tooltipAt(event->pos());
    if (tip.isEmpty()) QToolTip::hideText();
    else QToolTip::showText(event->globalPosition().toPoint(), tip, this);
}

void ScoreHeatmap::mouseReleaseEvent(QMouseEvent* event) {
    QCustomPlot::mouseReleaseEvent(event);
    if (event->button() != Qt::LeftButton) return;
    if (auto c = cellAt(event->pos())) emit cellClicked(c->layer, c->module);
    else if (auto l = layerLabelAt(event->pos())) emit layerClicked(*l);
}

}  // namespace aletheia::ui

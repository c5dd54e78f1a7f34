#pragma once
// One horizontal bar per layer (layer 0 at the top, so it lines up with ScoreHeatmap),
// stacked from a few named series: e.g. "in plan" / "not in plan" scores, or attention / MLP ranks.
#include <qcustomplot.h>

#include <vector>

namespace aletheia::ui {

class LayerBarChart : public QCustomPlot {
    Q_OBJECT
public:
    explicit LayerBarChart(QWidget* parent = nullptr);

    // Replaces the series (bottom of the stack first).
    void setSeries(const QStringList& names, const QList<QColor>& colors);
    void setLayers(int layers);
    // One value per layer for series `series`; call refresh() after the last one.
    void setValues(int series, const std::vector<double>& values);
    void setValueLabel(const QString& label);
    void refresh();

    int layers() const { return layers_; }
    double value(int series, int layer) const;

signals:
    void layerClicked(int layer);

protected:
    void mouseReleaseEvent(QMouseEvent* event) override;

private:
    QList<QCPBars*> bars_;
    int layers_ = 0;
};

}  // namespace aletheia::ui

#pragma once
// A layers x modules heatmap of scores (QCPColorMap) with a colour scale, an outline around
// every cell in the current plan, a tooltip with the exact score, and click signals for
// cells and layer labels. It takes plain data: the panels translate engine types.
#include <qcustomplot.h>

#include <optional>
#include <vector>

namespace aletheia::ui {

class SelectionOverlay;

class ScoreHeatmap : public QCustomPlot {
    Q_OBJECT
public:
    struct Cell {
        int layer = -1;
        int module = -1;
    };

    explicit ScoreHeatmap(QWidget* parent = nullptr);

    // Resets to an empty grid (every cell NaN = "not measured yet", drawn transparent).
    void setGrid(int layers, const QStringList& modules);
    // Row-major layers x modules; NaN leaves a cell empty. Rescales the colours.
    void setScores(const std::vector<double>& values);
    // Row-major layers x modules; true = outlined (in the plan).
    void setSelection(const std::vector<bool>& selected);
    void setValueLabel(const QString& label);
    // Colours by log(score) instead of score.
    void setLogScale(bool on);
    bool logScale() const { return logScale_; }

    int layers() const { return layers_; }
    int modules() const { return modules_.size(); }
    const QStringList& moduleNames() const { return modules_; }
    double cellValue(int layer, int module) const;
    bool isOutlined(int layer, int module) const;
    int outlinedCount() const;

    // Geometry, in widget pixels: for the tooltip, clicks and tests.
    QPoint cellCenter(int layer, int module) const;
    QPoint layerLabelPoint(int layer) const;
    std::optional<Cell> cellAt(const QPoint& pos) const;
    std::optional<int> layerLabelAt(const QPoint& pos) const;
    QString tooltipAt(const QPoint& pos) const;

signals:
    void cellClicked(int layer, int module);
    void layerClicked(int layer);

protected:
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;

private:
    void configureAxes();

    QCPColorMap* map_ = nullptr;
    QCPColorScale* scale_ = nullptr;
    SelectionOverlay* overlay_ = nullptr;
    int layers_ = 0;
    bool logScale_ = false;
    QStringList modules_;
    std::vector<double> values_;
    std::vector<bool> selected_;
};

}  // namespace aletheia::ui

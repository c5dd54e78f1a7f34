#pragma once
// Per-layer adapter updates over training: x = optimizer step, y = layer, colour = norm of
// that step's update. Columns arrive per step into a locked buffer; a timer redraws at
// most ~10 times a second. Long runs are binned so the map stays a few hundred columns wide.
#include <qcustomplot.h>

#include <QMutex>
#include <QTimer>
#include <vector>

namespace aletheia::ui {

class UpdateHeatmap : public QCustomPlot {
    Q_OBJECT
public:
    explicit UpdateHeatmap(QWidget* parent = nullptr);

    void reset(int layers);
    // Thread-safe. One value per layer for optimizer step `step`.
    void addStep(int64_t step, const std::vector<double>& perLayer);
    int steps() const { return int(columns_.size()); }
    double value(int stepIndex, int layer) const;
    void flush();

private:
    QCPColorMap* map_ = nullptr;
    QTimer timer_;
    QMutex mutex_;
    std::vector<std::vector<double>> pending_;
    std::vector<std::vector<double>> columns_;
    int64_t lastStep_ = 0;
    int layers_ = 0;
};

}  // namespace aletheia::ui

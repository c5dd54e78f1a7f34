#pragma once
// A streaming line plot: samples go into a locked buffer from any thread, and a timer
// drains it and repaints at most ~10 times a second, however fast samples arrive
// (the PlotJuggler pattern: coalesce many samples into one repaint).
#include <qcustomplot.h>

#include <QMutex>
#include <QTimer>
#include <vector>

namespace aletheia::ui {

class LivePlot : public QCustomPlot {
    Q_OBJECT
public:
    explicit LivePlot(const QString& title, QWidget* parent = nullptr);

    // Returns the series id. `rightAxis` puts it on a second scale (e.g. LR next to loss).
    int addSeries(const QString& name, const QColor& color, bool rightAxis = false);
    void setAxisLabels(const QString& x, const QString& y, const QString& y2 = {});
    void setLogY(bool log);

    // Thread-safe.
    void append(int series, double x, double y);
    void clearData();

    // Points already drawn (after the last flush) for a series.
    int pointCount(int series) const;
    double firstValue(int series) const;
    double lastValue(int series) const;
    // Moves buffered samples into the graphs and repaints now (tests, screenshots).
    void flush();

private:
    struct Sample {
        int series;
        double x, y;
    };

    QTimer timer_;
    mutable QMutex mutex_;
    std::vector<Sample> pending_;
    QList<QCPGraph*> graphs_;
    QCPTextElement* title_ = nullptr;
};

}  // namespace aletheia::ui

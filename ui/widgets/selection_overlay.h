#pragma once
// Draws an outline around each selected cell of a ScoreHeatmap in one paint pass
// (hundreds of QCPItemRects would make the threshold slider lag).
#include <qcustomplot.h>

#include <vector>

namespace aletheia::ui {

class SelectionOverlay : public QCPLayerable {
    Q_OBJECT
public:
    SelectionOverlay(QCustomPlot* plot, QCPAxisRect* rect);

    // Row-major layers x modules.
    void setCells(int layers, int modules, const std::vector<bool>& selected);

protected:
    void applyDefaultAntialiasingHint(QCPPainter* painter) const override;
    QRect clipRect() const override;
    void draw(QCPPainter* painter) override;

private:
    QCPAxisRect* rect_;
    int layers_ = 0;
    int modules_ = 0;
    std::vector<bool> selected_;
};

}  // namespace aletheia::ui

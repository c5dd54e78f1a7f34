#include "ui/widgets/selection_overlay.h"

namespace aletheia::ui {

SelectionOverlay::SelectionOverlay(QCustomPlot* plot, QCPAxisRect* rect)
    : QCPLayerable(plot, "selection"), rect_(rect) {}

void SelectionOverlay::setCells(int layers, int modules, const std::vector<bool>& selected) {
    layers_ = layers;
    modules_ = modules;
    selected_ = selected;
}

void SelectionOverlay::applyDefaultAntialiasingHint(QCPPainter* painter) const {
    applyAntialiasingHint(painter, false, QCP::aeOther);
}

QRect SelectionOverlay::clipRect() const { return rect_->rect(); }

void SelectionOverlay::draw(QCPPainter* painter) {
    if (selected_.size() != size_t(layers_) * size_t(modules_)) return;
    QCPAxis* x = rect_->axis(QCPAxis::atBottom);
    QCPAxis* y = rect_->axis(QCPAxis::atLeft);
    // A dark outer and a light inner line: visible on every colour of the gradient.
    const QPen outer(QColor(20, 20, 20), 3);
    const QPen inner(QColor(255, 255, 255), 1.5);
    painter->setBrush(Qt::NoBrush);
    for (int l = 0; l < layers_; ++l)
        for (int m = 0; m < modules_; ++m) {
            if (!selected_[size_t(l) * modules_ + m]) continue;
            const QPointF a(x->coordToPixel(m - 0.5), y->coordToPixel(l - 0.5));
            const QPointF b(x->coordToPixel(m + 0.5), y->coordToPixel(l + 0.5));
            const QRectF r = QRectF(a, b).normalized().adjusted(2, 2, -2, -2);
            painter->setPen(outer);
            painter->drawRect(r);
            painter->setPen(inner);
            painter->drawRect(r);
        }
}

}  // namespace aletheia::ui

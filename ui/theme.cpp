#include "ui/theme.h"

#include <QApplication>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>

namespace aletheia::ui {

void applyTheme(bool dark) {
    QApplication::setStyle(QStyleFactory::create("Fusion"));
    QPalette p;
    if (dark) {
        const QColor window(37, 40, 46), base(28, 30, 35), text(226, 228, 232), accent(64, 140, 220);
        p.setColor(QPalette::Window, window);
        p.setColor(QPalette::WindowText, text);
        p.setColor(QPalette::Base, base);
        p.setColor(QPalette::AlternateBase, window);
        p.setColor(QPalette::ToolTipBase, QColor(50, 54, 62));
        p.setColor(QPalette::ToolTipText, text);
        p.setColor(QPalette::Text, text);
        p.setColor(QPalette::Button, QColor(48, 52, 60));
        p.setColor(QPalette::ButtonText, text);
        p.setColor(QPalette::BrightText, Qt::white);
        p.setColor(QPalette::Highlight, accent);
        p.setColor(QPalette::HighlightedText, Qt::white);
        p.setColor(QPalette::Link, accent.lighter(130));
        p.setColor(QPalette::PlaceholderText, QColor(140, 145, 155));
        p.setColor(QPalette::Disabled, QPalette::Text, QColor(120, 124, 132));
        p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(120, 124, 132));
        p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(120, 124, 132));
    } else {
        p = QApplication::style()->standardPalette();
        p.setColor(QPalette::Highlight, QColor(40, 110, 200));
    }
    QApplication::setPalette(p);
}

}  // namespace aletheia::ui

#include <qcustomplot.h>

namespace aletheia::ui {

void applyPlotTheme(QWidget* root, bool dark) {
    const QColor bg = dark ? QColor(28, 30, 35) : Qt::white;
    const QColor fg = dark ? QColor(210, 212, 218) : QColor(30, 30, 30);
    const QColor grid = dark ? QColor(70, 74, 82) : QColor(220, 220, 220);
    for (QCustomPlot* plot : root->findChildren<QCustomPlot*>()) {
        plot->setBackground(bg);
        for (QCPAxisRect* rect : plot->axisRects())
            for (QCPAxis* axis : rect->axes()) {
                axis->setBasePen(QPen(fg));
                axis->setTickPen(QPen(fg));
                axis->setSubTickPen(QPen(fg));
                axis->setTickLabelColor(fg);
                axis->setLabelColor(fg);
                axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
            }
        for (int i = 0; i < plot->plotLayout()->elementCount(); ++i) {
            if (auto* t = qobject_cast<QCPTextElement*>(plot->plotLayout()->elementAt(i))) t->setTextColor(fg);
            if (auto* s = qobject_cast<QCPColorScale*>(plot->plotLayout()->elementAt(i))) {
                s->axis()->setBasePen(QPen(fg));
                s->axis()->setTickPen(QPen(fg));
                s->axis()->setTickLabelColor(fg);
                s->axis()->setLabelColor(fg);
            }
        }
        plot->legend->setBrush(QBrush(dark ? QColor(40, 44, 50, 220) : QColor(255, 255, 255, 220)));
        plot->legend->setTextColor(fg);
        plot->legend->setBorderPen(QPen(grid));
        plot->replot(QCustomPlot::rpQueuedReplot);
    }
}

}  // namespace aletheia::ui

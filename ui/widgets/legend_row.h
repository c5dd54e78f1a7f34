#pragma once
// A plot's legend in a row of its own above the axes, entries side by side: inside the axis
// rect it covers data (the newest points of a live curve, the last layer's bar).
#include <qcustomplot.h>

namespace aletheia::ui {

inline void placeLegendAbove(QCustomPlot* plot, int row) {
    plot->axisRect()->insetLayout()->take(plot->legend);
    plot->plotLayout()->insertRow(row);
    plot->plotLayout()->addElement(row, 0, plot->legend);
    plot->plotLayout()->setRowStretchFactor(row, 0.001);
    plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
    plot->legend->setBorderPen(Qt::NoPen);
}

}  // namespace aletheia::ui

#include "ui/widgets/plot_export.h"

#include <qcustomplot.h>

#include <QFileDialog>
#include <QMenu>

namespace aletheia::ui {

bool savePlot(QCustomPlot* plot, const QString& path) {
    if (path.endsWith(".png", Qt::CaseInsensitive)) return plot->savePng(path, 0, 0, 2.0);  // 2x: crisp on slides
    if (path.endsWith(".pdf", Qt::CaseInsensitive)) return plot->savePdf(path);
    return false;
}

void installPlotExportMenu(QCustomPlot* plot) {
    plot->setContextMenuPolicy(Qt::CustomContextMenu);
    QObject::connect(plot, &QWidget::customContextMenuRequested, plot, [plot](const QPoint& pos) {
        QMenu menu(plot);
        menu.addAction("Save plot as PNG or PDF…", plot, [plot] {
            const QString path = QFileDialog::getSaveFileName(plot, "Save plot", plot->objectName() + ".png",
                                                              "PNG image (*.png);;PDF document (*.pdf)");
            if (!path.isEmpty()) savePlot(plot, path);
        });
        menu.exec(plot->mapToGlobal(pos));
    });
}

}  // namespace aletheia::ui

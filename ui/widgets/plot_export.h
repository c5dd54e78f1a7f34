#pragma once
// Every plot in the Studio can be saved as PNG or PDF from its context menu.
class QCustomPlot;
class QString;

namespace aletheia::ui {

void installPlotExportMenu(QCustomPlot* plot);
// Saves by extension (.png or .pdf); returns false on an unknown extension or a write error.
bool savePlot(QCustomPlot* plot, const QString& path);

}  // namespace aletheia::ui

#pragma once
// Light and dark palettes (Fusion style) readable in offices and on projectors.
class QApplication;

namespace aletheia::ui {

void applyTheme(bool dark);

}  // namespace aletheia::ui

class QWidget;
namespace aletheia::ui {
// Recolours every QCustomPlot under `root` (plots paint their own background).
void applyPlotTheme(QWidget* root, bool dark);
}  // namespace aletheia::ui

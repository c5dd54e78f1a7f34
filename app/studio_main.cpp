// `aletheia-studio`: creates the application and the main window; everything else is in ui/.
//   aletheia-studio [--demo] [--model DIR] [--experiment FILE.yaml] [--screenshot-dir DIR]
// torch first: Qt's `slots` macro breaks torch headers parsed after it.
#include <ATen/Parallel.h>

#include "ui/main_window.h"
#include "ui/panels/model_panel.h"
#include "ui/screenshot_tour.h"

#include <QApplication>
#include <QCommandLineParser>
#include <thread>

int main(int argc, char** argv) {
    QCoreApplication::setApplicationName("Aletheia Studio");
    QCoreApplication::setOrganizationName("Aletheia");
    QCoreApplication::setApplicationVersion("0.1.0");

    QCommandLineParser args;
    args.setApplicationDescription("Selective, asymmetric-rank LoRA fine-tuning studio");
    args.addHelpOption();
    args.addVersionOption();
    args.addOption({"demo", "Open the built-in demo model and task."});
    args.addOption({"model", "Load this checkpoint folder at start.", "dir"});
    args.addOption({"experiment", "Open this experiment YAML at start.", "file"});
    args.addOption({"screenshot-dir", "Drive every stage on --demo or --model and save a PNG per stage here, then quit.", "dir"});
    args.addOption({"steps", "Training steps for --screenshot-dir (default 60).", "n", "60"});
    // --help and --version print and exit before the GUI exists: they need no display. (Other
    // arguments wait for QApplication, which takes its own, e.g. -platform, out first.)
    for (int i = 1; i < argc; ++i) {
        const QByteArray a(argv[i]);
        if (a == "-h" || a == "--help" || a == "--help-all" || a == "-v" || a == "--version") {
            QCoreApplication info(argc, argv);
            args.process(info);
        }
    }

    QApplication app(argc, argv);
    QApplication::setWindowIcon(QIcon(":/icons/aletheia.svg"));
    args.process(app);  // unknown options end here, with a message; --demo and the rest are read below

    // Leave one core to the GUI thread so it stays responsive while a worker computes.
    const int cores = int(std::thread::hardware_concurrency());
    if (cores > 1) at::set_num_threads(cores - 1);

    aletheia::ui::MainWindow window;
    window.show();
    if (args.isSet("screenshot-dir")) {
        window.resize(1600, 1000);
        const bool demo = args.isSet("demo");
        auto* tour = new aletheia::ui::ScreenshotTour(&window, demo ? QString() : args.value("model"),
                                                      args.value("screenshot-dir"),
                                                      args.isSet("steps") || !demo ? args.value("steps").toInt() : 0);
        QObject::connect(tour, &aletheia::ui::ScreenshotTour::done, &app, [] { QApplication::quit(); });
        tour->start();
    } else if (args.isSet("demo")) {
        window.openDemo();
    } else if (args.isSet("experiment")) {
        window.openExperiment(args.value("experiment"));
    } else if (args.isSet("model")) {
        window.modelPanel()->load(args.value("model"));
    }
    return app.exec();
}

#include "ui/main_window.h"

#include "ui/demo_launcher.h"

#include "core/config/experiment_io.h"
#include "ui/panels/chat_panel.h"
#include "ui/panels/compare_panel.h"
#include "ui/panels/data_panel.h"
#include "ui/panels/model_panel.h"
#include "ui/panels/plan_panel.h"
#include "ui/panels/probe_panel.h"
#include "ui/panels/train_panel.h"
#include "ui/recent_list.h"
#include "core/session/experiment_data.h"
#include "ui/studio_session.h"
#include "ui/theme.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QScreen>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <exception>

namespace aletheia::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setObjectName("mainWindow");
    setWindowTitle("Aletheia Studio");
    setWindowIcon(QIcon(":/icons/aletheia.svg"));
    session_ = new StudioSession(this);
    stages_ = new QTabWidget(this);
    stages_->setObjectName("stages");
    stages_->setDocumentMode(true);
    model_ = new ModelPanel(session_);
    data_ = new DataPanel(session_);
    probe_ = new ProbePanel(session_);
    plan_ = new PlanPanel(session_);
    train_ = new TrainPanel(session_);
    compare_ = new ComparePanel(session_);
    chat_ = new ChatPanel(session_);
    stages_->addTab(model_, "Model");
    stages_->addTab(data_, "Data");
    stages_->addTab(probe_, "Probe");
    stages_->addTab(plan_, "Plan");
    stages_->addTab(train_, "Train");
    stages_->addTab(compare_, "Compare && Export");
    stages_->addTab(chat_, "Chat");
    const QStringList tips{"Load a checkpoint", "Choose the fine-tuning data", "Score every layer and module",
                           "Choose where LoRA goes and with which ranks", "Train and watch it live",
                           "Compare runs, export adapters and models",
                           "Ask the base model and the fine-tuned one the same question"};
    for (int i = 0; i < tips.size(); ++i) stages_->setTabToolTip(i, QString("%1 (Alt+%2)").arg(tips[i]).arg(i + 1));
    // A one-line banner above the stages (the demo explains itself there); hidden otherwise.
    banner_ = new QLabel;
    banner_->setObjectName("demoBanner");
    banner_->setWordWrap(true);
    banner_->setContentsMargins(10, 6, 10, 6);
    banner_->hide();
    auto* central = new QWidget;
    auto* column = new QVBoxLayout(central);
    column->setContentsMargins(0, 4, 0, 0);
    column->addWidget(banner_);
    column->addWidget(stages_, 1);
    setCentralWidget(central);

    eta_ = new QLabel;
    eta_->setObjectName("etaLabel");
    statusBar()->addPermanentWidget(eta_);
    demoProgress_ = new QProgressBar;
    demoProgress_->setObjectName("demoProgress");
    demoProgress_->setMaximumWidth(260);
    demoProgress_->hide();
    demoCancel_ = new QPushButton("Cancel");
    demoCancel_->setObjectName("demoCancel");
    demoCancel_->setToolTip("Stop preparing the demo model");
    demoCancel_->hide();
    connect(demoCancel_, &QPushButton::clicked, this, &MainWindow::cancelDemo);
    statusBar()->addPermanentWidget(demoProgress_);
    statusBar()->addPermanentWidget(demoCancel_);
    statusBar()->showMessage("Open a checkpoint to begin (Ctrl+O), or the demo (Ctrl+D)");

    // The window's only job: wiring panels to each other and to the status bar.
    for (QObject* p : {(QObject*)model_, (QObject*)data_, (QObject*)probe_, (QObject*)plan_, (QObject*)train_,
                       (QObject*)compare_})
        connect(p, SIGNAL(statusMessage(QString)), statusBar(), SLOT(showMessage(QString)));
    connect(train_, &TrainPanel::etaChanged, eta_, &QLabel::setText);
    connect(compare_, &ComparePanel::baselineRequested, this, [this] {
        stages_->setCurrentWidget(train_);
        train_->startBaseline();
    });
    connect(compare_, &ComparePanel::resumeRequested, this, [this](const QString& dir) {
        stages_->setCurrentWidget(train_);
        train_->resumeRun(dir);
    });
    connect(train_, &TrainPanel::runningChanged, compare_, &ComparePanel::setTrainingActive);
    // A run owns the model, the data and the experiment until it ends: no reload, no re-probe.
    connect(train_, &TrainPanel::runningChanged, this, [this](bool running) {
        for (QWidget* w : {(QWidget*)probe_, (QWidget*)model_, (QWidget*)data_}) w->setEnabled(!running);
        for (QAction* a : experimentActions_) a->setEnabled(!running);
    });
    connect(train_, &TrainPanel::runFinished, this, [this] {
        if (closeAfterStop_) close();
    });
    connect(session_, &StudioSession::modelChanged, this, [this] {
        setWindowTitle(QString("Aletheia Studio — %1").arg(QFileInfo(session_->modelDir()).fileName()));
        // The experiment names the model it ran on; sequences longer than the model's positions
        // would fail late, at the first batch: cut them to fit now, and say so.
        const int positions = int(session_->model().config().maxPositions);
        bool tooLong = false;
        session_->editConfig([&](ExperimentConfig& e) {
            e.model.path = session_->modelDir().toStdString();
            e.model.device = model_->device().toStdString();
            e.model.dtype = model_->dtype().toStdString();
            tooLong = fitSequenceLengths(e, positions);  // as the CLI does (core/session)
        });
        if (tooLong) {
            DataSection d = session_->data();
            session_->setData(d);  // re-tokenise at the new length
            statusBar()->showMessage(QString("This model has %1 positions: sequence length set to %1").arg(positions));
        }
    });

    buildMenus();
    QSettings settings;
    // The first window fits the screen it opens on (1366x768 laptops included); a remembered
    // geometry from a screen that is gone is not restored off-screen.
    const QRect available = QGuiApplication::primaryScreen() ? QGuiApplication::primaryScreen()->availableGeometry()
                                                             : QRect(0, 0, 1366, 768);
    const bool restored = restoreGeometry(settings.value("window/geometry").toByteArray());
    const QScreen* onScreen = QGuiApplication::screenAt(frameGeometry().center());
    if (!restored || !onScreen) {
        resize(std::min(1366, available.width()), std::min(800, available.height() - 40));
        move(available.center() - rect().center());
    }
    restoreState(settings.value("window/state").toByteArray());
    const bool dark = settings.value("window/dark", false).toBool();
    setDarkPalette(dark);
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu("&File");
    experimentActions_ << file->addAction("&New experiment", QKeySequence::New, this, &MainWindow::newExperiment);
    experimentActions_ << file->addAction("&Open experiment…", QKeySequence("Ctrl+Shift+O"), this, [this] {
        const QString p = QFileDialog::getOpenFileName(this, "Open experiment", {}, "Experiment (*.yaml *.yml)");
        if (!p.isEmpty()) openExperiment(p);
    });
    QMenu* recent = file->addMenu("Recent experiments");
    connect(recent, &QMenu::aboutToShow, this, [this, recent] {
        recent->clear();
        for (const QString& p : QSettings().value("recentExperiments").toStringList())
            recent->addAction(p, this, [this, p] { openExperiment(p); });
    });
    file->addAction("&Save experiment", QKeySequence::Save, this, [this] {
        QString p = experimentPath_;
        if (p.isEmpty()) p = QFileDialog::getSaveFileName(this, "Save experiment", "experiment.yaml", "Experiment (*.yaml)");
        if (!p.isEmpty()) saveExperiment(p);
    });
    file->addAction("Save experiment &as…", QKeySequence::SaveAs, this, [this] {
        const QString p = QFileDialog::getSaveFileName(this, "Save experiment", "experiment.yaml", "Experiment (*.yaml)");
        if (!p.isEmpty()) saveExperiment(p);
    });
    file->addSeparator();
    experimentActions_ << file->addAction("Open &model…", QKeySequence::Open, model_, &ModelPanel::browse);
    experimentActions_ << file->addAction("Open &demo", QKeySequence("Ctrl+D"), this, &MainWindow::openDemo);
    file->addSeparator();
    file->addAction("&Quit", QKeySequence::Quit, this, &QWidget::close);

    QMenu* run = menuBar()->addMenu("&Run");
    run->addAction("Run &probe", QKeySequence("Ctrl+R"), probe_, &ProbePanel::run);
    run->addAction("Start &training", QKeySequence("Ctrl+T"), train_, &TrainPanel::start);
    run->addAction("&Pause / resume training", QKeySequence("Ctrl+P"), train_, &TrainPanel::togglePause);
    run->addAction("&Stop", QKeySequence("Ctrl+."), this, [this] {
        probe_->stop();
        train_->stop();
    });
    run->addAction("Run uniform &baseline", QKeySequence("Ctrl+B"), train_, &TrainPanel::startBaseline);

    QMenu* view = menuBar()->addMenu("&View");
    for (int i = 0; i < stages_->count(); ++i)
        view->addAction(stages_->tabText(i), QKeySequence(QString("Alt+%1").arg(i + 1)), this,
                        [this, i] { stages_->setCurrentIndex(i); });
    view->addSeparator();
    QAction* dark = view->addAction("&Dark palette");
    dark->setObjectName("darkPaletteAction");
    dark->setCheckable(true);
    dark->setChecked(QSettings().value("window/dark", false).toBool());
    connect(dark, &QAction::toggled, this, &MainWindow::setDarkPalette);

    QMenu* help = menuBar()->addMenu("&Help");
    help->addAction("&About Aletheia Studio", this, [this] {
        QMessageBox::about(this, "Aletheia Studio",
                           "<h3>Aletheia Studio</h3><p>Selective, asymmetric-rank LoRA: a gradient probe scores "
                           "every layer and module, LoRA goes only where it matters.</p>");
    });
}

void MainWindow::setDarkPalette(bool dark) {
    applyTheme(dark);
    applyPlotTheme(this, dark);
    // A style-sheeted label keeps the colours it was polished with: restate them per palette.
    banner_->setStyleSheet(QString("QLabel#demoBanner { background: rgba(42, 130, 218, 0.18); border-radius: 4px; "
                                   "color: %1; }")
                               .arg(QApplication::palette().color(QPalette::WindowText).name()));
    QSettings().setValue("window/dark", dark);
}

void MainWindow::newExperiment() {
    experimentPath_.clear();
    session_->setConfig(ExperimentConfig{});
    statusBar()->showMessage("New experiment");
}

bool MainWindow::openExperiment(const QString& path) {
    try {
        ExperimentLoadOptions options;
        options.checkFiles = false;  // an experiment still being written opens too
        const ExperimentConfig cfg = loadExperiment(path.toStdString(), options);
        experimentPath_ = path;
        // The whole experiment, as the file says: each panel shows the keys it edits.
        session_->setConfig(cfg);
        model_->setChoices(QString::fromStdString(cfg.model.path), QString::fromStdString(cfg.model.device),
                           QString::fromStdString(cfg.model.dtype));
        if (!cfg.model.path.empty()) model_->load(QString::fromStdString(cfg.model.path));
        rememberRecentExperiment(path);
        statusBar()->showMessage("Opened " + path);
        return true;
    } catch (const std::exception& e) {
        QMessageBox::warning(this, "Cannot open experiment", QString::fromStdString(e.what()));
        return false;
    }
}

bool MainWindow::saveExperiment(const QString& path) {
    try {
        // Exactly the session's experiment: keys no panel shows are written back unchanged.
        aletheia::saveExperiment(session_->config(), path.toStdString());
        experimentPath_ = path;
        rememberRecentExperiment(path);
        statusBar()->showMessage("Saved " + path);
        return true;
    } catch (const std::exception& e) {
        QMessageBox::warning(this, "Cannot save experiment", QString::fromStdString(e.what()));
        return false;
    }
}

void MainWindow::rememberRecentExperiment(const QString& path) { rememberRecent("recentExperiments", path); }

void MainWindow::openDemo() {
    // One preparation at a time: a second one would build into the same cache (core/demo also
    // refuses it, across processes, with a lock).
    if (demoLauncher_) {
        statusBar()->showMessage("The demo is already being prepared: see the progress bar below.");
        return;
    }
    // The first launch may pretrain the demo model in a worker (minutes); later ones are instant.
    demoLauncher_ = new DemoLauncher(this);
    demoClock_.start();
    connect(demoLauncher_, &DemoLauncher::message, this, [this](const QString& m) { statusBar()->showMessage(m); });
    connect(demoLauncher_, &DemoLauncher::progress, this, [this](int step, int total, double loss) {
        demoProgress_->setRange(0, std::max(1, total));
        demoProgress_->setValue(step);
        const double perStep = step > 0 ? demoClock_.elapsed() / 1000.0 / step : 0;
        const int eta = int(std::lround(perStep * (total - step)));
        demoProgress_->setFormat(QString("demo model %p% · ETA %1:%2").arg(eta / 60).arg(eta % 60, 2, 10, QChar('0')));
        demoProgress_->setToolTip(QString("Pretraining the demo model (once): step %1/%2, loss %3")
                                      .arg(step).arg(total).arg(loss, 0, 'f', 3));
        demoProgress_->show();
        demoCancel_->show();
    });
    auto done = [this] {
        demoProgress_->hide();
        demoCancel_->hide();
        demoLauncher_->deleteLater();
        demoLauncher_ = nullptr;
    };
    connect(demoLauncher_, &DemoLauncher::ready, this, [this, done](const QString& experiment, const QString& banner) {
        done();
        openExperiment(experiment);
        banner_->setText(banner);
        banner_->show();
    });
    connect(demoLauncher_, &DemoLauncher::failed, this, [this, done](const QString& error) {
        const bool cancelled = demoCancelled_;
        demoCancelled_ = false;
        done();
        statusBar()->showMessage(cancelled ? "Demo preparation cancelled" : "Demo unavailable: " + error);
    });
    statusBar()->showMessage("Preparing the built-in demo…");
    demoLauncher_->start();
}

void MainWindow::cancelDemo() {
    if (!demoLauncher_) return;
    demoCancelled_ = true;
    demoLauncher_->stop();
    statusBar()->showMessage("Cancelling the demo preparation after the current step…");
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (demoLauncher_) {
        const auto answer = QMessageBox::question(this, "The demo is being prepared",
                                                  "Stop preparing the demo model and quit? It starts over next time.",
                                                  QMessageBox::Yes | QMessageBox::Cancel);
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
        cancelDemo();  // ~DemoLauncher joins its thread, which ends after the current step
    }
    if (train_->isRunning()) {
        if (!closeAfterStop_) {
            const auto answer = QMessageBox::question(
                this, "Training is running",
                "Stop training, write a checkpoint and quit?", QMessageBox::Yes | QMessageBox::Cancel);
            if (answer != QMessageBox::Yes) {
                event->ignore();
                return;
            }
            closeAfterStop_ = true;
            train_->stop();
            statusBar()->showMessage("Stopping: writing a checkpoint before closing…");
        }
        event->ignore();  // closes itself once the worker has finished (runFinished)
        return;
    }
    probe_->stop();
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState());
    event->accept();
}

}  // namespace aletheia::ui

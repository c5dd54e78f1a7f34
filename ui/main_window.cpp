#include "ui/main_window.h"

#include "ui/demo_launcher.h"

#include "core/config/experiment_io.h"
#include "ui/experiment_mapping.h"
#include "ui/panels/compare_panel.h"
#include "ui/panels/data_panel.h"
#include "ui/panels/model_panel.h"
#include "ui/panels/plan_panel.h"
#include "ui/panels/probe_panel.h"
#include "ui/panels/train_panel.h"
#include "ui/recent_list.h"
#include "ui/studio_session.h"
#include "ui/theme.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QVBoxLayout>
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
    stages_->addTab(model_, "Model");
    stages_->addTab(data_, "Data");
    stages_->addTab(probe_, "Probe");
    stages_->addTab(plan_, "Plan");
    stages_->addTab(train_, "Train");
    stages_->addTab(compare_, "Compare && Export");
    const QStringList tips{"Load a checkpoint", "Choose the fine-tuning data", "Score every layer and module",
                           "Choose where LoRA goes and with which ranks", "Train and watch it live",
                           "Compare runs, export adapters and models"};
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
    connect(train_, &TrainPanel::runningChanged, compare_, &ComparePanel::setTrainingActive);
    connect(train_, &TrainPanel::runningChanged, probe_, [this](bool running) { probe_->setEnabled(!running); });
    connect(train_, &TrainPanel::runFinished, this, [this] {
        if (closeAfterStop_) close();
    });
    connect(session_, &StudioSession::modelChanged, this, [this] {
        plan_->setStepShape(train_->options().micro_batch, train_->sequenceLength());
        setWindowTitle(QString("Aletheia Studio — %1").arg(QFileInfo(session_->modelDir()).fileName()));
    });

    buildMenus();
    QSettings settings;
    if (!restoreGeometry(settings.value("window/geometry").toByteArray())) resize(1366, 800);
    restoreState(settings.value("window/state").toByteArray());
    const bool dark = settings.value("window/dark", false).toBool();
    setDarkPalette(dark);
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu("&File");
    file->addAction("&New experiment", QKeySequence::New, this, &MainWindow::newExperiment);
    file->addAction("&Open experiment…", QKeySequence("Ctrl+Shift+O"), this, [this] {
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
    file->addAction("Open &model…", QKeySequence::Open, model_, &ModelPanel::browse);
    file->addAction("Open &demo", QKeySequence("Ctrl+D"), this, &MainWindow::openDemo);
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
    const ExperimentConfig cfg;
    plan_->setOptions(planOptionsFrom(cfg));
    train_->setOptions(trainOptionsFrom(cfg));
    probe_->setSettings(cfg.probe.batches, cfg.probe.micro_batch_size, cfg.data.sequence_len,
                        QString::fromStdString(cfg.probe.score));
    statusBar()->showMessage("New experiment");
}

bool MainWindow::openExperiment(const QString& path) {
    try {
        ExperimentLoadOptions options;
        options.checkFiles = false;  // an experiment still being written opens too
        const ExperimentConfig cfg = loadExperiment(path.toStdString(), options);
        experimentPath_ = path;
        probe_->setSettings(cfg.probe.batches, cfg.probe.micro_batch_size,
                            cfg.probe.sequence_len > 0 ? cfg.probe.sequence_len : cfg.data.sequence_len,
                            QString::fromStdString(cfg.probe.score));
        train_->setOptions(trainOptionsFrom(cfg));
        plan_->setOptions(planOptionsFrom(cfg));
        session_->setData(cfg.data);
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
        ExperimentConfig cfg;
        cfg.name = QFileInfo(path).completeBaseName().toStdString();
        cfg.model.path = model_->checkpointDir().toStdString();
        cfg.model.device = model_->device().toStdString();
        cfg.model.dtype = model_->dtype().toStdString();
        cfg.data = session_->data();
        cfg.probe.batches = probe_->batches();
        cfg.probe.micro_batch_size = probe_->microBatch();
        cfg.probe.sequence_len = probe_->sequenceLength();
        cfg.probe.score = probe_->scoringRule().toStdString();
        storeTrainOptions(train_->options(), cfg);
        storePlanOptions(plan_->options(), cfg);
        aletheia::saveExperiment(cfg, path.toStdString());
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
    // The first launch pretrains the demo model in a worker (minutes); later ones are instant.
    auto* launcher = new DemoLauncher(this);
    connect(launcher, &DemoLauncher::message, this, [this](const QString& m) { statusBar()->showMessage(m); });
    connect(launcher, &DemoLauncher::progress, this, [this](int step, int total, double loss) {
        statusBar()->showMessage(QString("Preparing the demo model (once): pretraining step %1/%2, loss %3")
                                     .arg(step).arg(total).arg(loss, 0, 'f', 3));
    });
    connect(launcher, &DemoLauncher::ready, this, [this, launcher](const QString& experiment, const QString& banner) {
        openExperiment(experiment);
        banner_->setText(banner);
        banner_->show();
        launcher->deleteLater();
    });
    connect(launcher, &DemoLauncher::failed, this, [this, launcher](const QString& error) {
        statusBar()->showMessage("Demo unavailable: " + error);
        launcher->deleteLater();
    });
    statusBar()->showMessage("Preparing the built-in demo…");
    launcher->start();
}

void MainWindow::closeEvent(QCloseEvent* event) {
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

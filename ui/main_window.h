#pragma once
// The Studio's main window: a left-to-right workflow of panels (Model, Data, Probe, Plan,
// Train, Compare & Export). Each panel is its own class; the window only wires them,
// owns the menus (experiments as YAML, palettes) and remembers its state (QSettings).
#include <QElapsedTimer>
#include <QMainWindow>

class QAction;
class QLabel;
class QProgressBar;
class QPushButton;
class QTabWidget;

namespace aletheia::ui {

class ChatPanel;
class ComparePanel;
class DemoLauncher;
class DataPanel;
class ModelPanel;
class PlanPanel;
class ProbePanel;
class StudioSession;
class TrainPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);

    StudioSession* session() const { return session_; }
    ModelPanel* modelPanel() const { return model_; }
    DataPanel* dataPanel() const { return data_; }
    ProbePanel* probePanel() const { return probe_; }
    PlanPanel* planPanel() const { return plan_; }
    TrainPanel* trainPanel() const { return train_; }
    ComparePanel* comparePanel() const { return compare_; }
    ChatPanel* chatPanel() const { return chat_; }
    QTabWidget* stages() const { return stages_; }

    // Experiments: the same YAML the CLI runs. Return false (and say why) on failure.
    bool openExperiment(const QString& path);
    bool saveExperiment(const QString& path);
    // Opens the built-in demo model and task (hook for core/demo).
    void openDemo();
    void setDarkPalette(bool dark);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildMenus();
    void newExperiment();
    void cancelDemo();
    void rememberRecentExperiment(const QString& path);

    StudioSession* session_ = nullptr;
    QTabWidget* stages_ = nullptr;
    ModelPanel* model_ = nullptr;
    DataPanel* data_ = nullptr;
    ProbePanel* probe_ = nullptr;
    PlanPanel* plan_ = nullptr;
    TrainPanel* train_ = nullptr;
    ComparePanel* compare_ = nullptr;
    ChatPanel* chat_ = nullptr;
    QLabel* banner_ = nullptr;
    QLabel* eta_ = nullptr;
    QString experimentPath_;
    QList<QAction*> experimentActions_;  // disabled while a run owns the experiment
    DemoLauncher* demoLauncher_ = nullptr;  // non-null while the demo is being prepared
    QElapsedTimer demoClock_;
    QProgressBar* demoProgress_ = nullptr;
    QPushButton* demoCancel_ = nullptr;
    bool demoCancelled_ = false;
    bool closeAfterStop_ = false;
};

}  // namespace aletheia::ui

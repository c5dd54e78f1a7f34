#include "ui/panels/data_panel.h"

#include "ui/studio_session.h"

#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <nlohmann/json.hpp>

namespace aletheia::ui {

namespace {
// A preview only: the JSONL shapes the trainer accepts, told apart by their keys.
struct Example {
    QString prompt, response;
};
QString formatOf(const nlohmann::json& j) {
    if (j.contains("messages") || j.contains("conversations")) return "chat";
    if (j.contains("instruction") || j.contains("prompt")) return "instruction";
    if (j.contains("text")) return "text";
    return {};
}
Example exampleOf(const nlohmann::json& j, const QString& format) {
    auto str = [](const nlohmann::json& v) { return v.is_string() ? QString::fromStdString(v.get<std::string>()) : QString(); };
    Example e;
    if (format == "text") {
        e.response = str(j["text"]);
    } else if (format == "instruction") {
        e.prompt = str(j.value("instruction", nlohmann::json(""))) + str(j.value("prompt", nlohmann::json("")));
        if (j.contains("input") && !str(j["input"]).isEmpty()) e.prompt += "\n" + str(j["input"]);
        e.response = str(j.value("output", nlohmann::json(""))) + str(j.value("response", nlohmann::json("")));
    } else {
        const auto& msgs = j.contains("messages") ? j["messages"] : j["conversations"];
        for (const auto& m : msgs) {
            const QString role = str(m.value("role", m.value("from", nlohmann::json(""))));
            const QString text = str(m.value("content", m.value("value", nlohmann::json(""))));
            if (role == "assistant" || role == "gpt") e.response += text + "\n";
            else e.prompt += QString("[%1] %2\n").arg(role, text);
        }
    }
    return e;
}
}  // namespace

DataPanel::DataPanel(StudioSession* session, QWidget* parent) : QWidget(parent), session_(session) {
    setObjectName("dataPanel");
    auto* pick = new QGroupBox("Training data");
    auto* row = new QHBoxLayout(pick);
    path_ = new QLineEdit;
    path_->setObjectName("dataPath");
    path_->setPlaceholderText("JSONL file: {\"text\"}, {\"instruction\",\"output\"} or {\"messages\": [...]}");
    path_->setToolTip("One JSON example per line; the format is detected from the keys");
    auto* browse = new QPushButton("Browse…");
    browse->setToolTip("Choose a JSONL dataset");
    auto* clearButton = new QPushButton("Use synthetic tokens");
    clearButton->setToolTip("No dataset: probe and train on synthetic token batches (a smoke test)");
    connect(browse, &QPushButton::clicked, this, &DataPanel::browse);
    connect(clearButton, &QPushButton::clicked, this, &DataPanel::clear);
    connect(path_, &QLineEdit::returnPressed, this, [this] { openFile(path_->text()); });
    row->addWidget(path_, 1);
    row->addWidget(browse);
    row->addWidget(clearButton);

    auto* info = new QGroupBox("Detected");
    auto* form = new QFormLayout(info);
    format_ = new QLabel("—");
    format_->setObjectName("dataFormat");
    counts_ = new QLabel("—");
    counts_->setObjectName("dataCounts");
    form->addRow("Format", format_);
    form->addRow("Examples", counts_);

    preview_ = new QTextBrowser;
    preview_->setObjectName("dataPreview");
    preview_->setToolTip("Grey: prompt tokens (no loss). Highlighted: response tokens the model learns");

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(pick);
    layout->addWidget(info);
    layout->addWidget(new QLabel("Preview — <span style='background:rgba(128,128,128,0.3)'>prompt (masked)</span> · "
                                 "<span style='background:#2a7; color:white'>&nbsp;response (loss)&nbsp;</span>"));
    layout->addWidget(preview_, 1);
    clear();
}

void DataPanel::browse() {
    const QString p = QFileDialog::getOpenFileName(this, "Open dataset", path_->text(), "JSON Lines (*.jsonl *.json)");
    if (!p.isEmpty()) openFile(p);
}

void DataPanel::clear() {
    path_->clear();
    format_->setText("synthetic tokens (no dataset chosen)");
    counts_->setText("generated on the fly: repeated random motifs, learnable by any model");
    preview_->setHtml("<p>No dataset: the probe and the trainer use deterministic synthetic token batches. "
                      "Choose a JSONL file to fine-tune on real examples.</p>");
    session_->setDataFile({});
}

void DataPanel::openFile(const QString& path) {
    QFile f(path);
    path_->setText(path);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) {
        format_->setText("cannot open " + path);
        return;
    }
    int good = 0, bad = 0, lineNo = 0, firstBad = 0;
    QString format;
    QString html;
    while (!f.atEnd()) {
        const QByteArray line = f.readLine().trimmed();
        ++lineNo;
        if (line.isEmpty()) continue;
        try {
            const auto j = nlohmann::json::parse(line.toStdString());
            const QString fmt = formatOf(j);
            if (fmt.isEmpty() || (!format.isEmpty() && fmt != format)) throw std::runtime_error("shape");
            format = fmt;
            if (good < 5) {
                const Example e = exampleOf(j, fmt);
                html += QString("<p style='margin:6px 0'><span style='background:rgba(128,128,128,0.3)'>%1</span>"
                                "<span style='background:#2a7; color:white'>%2</span></p><hr/>")
                            .arg(e.prompt.toHtmlEscaped().replace("\n", "<br/>"),
                                 e.response.toHtmlEscaped().replace("\n", "<br/>"));
            }
            ++good;
        } catch (const std::exception&) {
            if (!bad) firstBad = lineNo;
            ++bad;
        }
    }
    format_->setText(format.isEmpty() ? "unknown" : format);
    counts_->setText(QString("%1 examples · %2 bad line%3%4")
                         .arg(good)
                         .arg(bad)
                         .arg(bad == 1 ? "" : "s")
                         .arg(bad ? QString(" (first at line %1)").arg(firstBad) : QString()));
    preview_->setHtml(html);
    session_->setDataFile(path);
    emit statusMessage(QString("Dataset: %1 %2 examples").arg(good).arg(format));
}

}  // namespace aletheia::ui

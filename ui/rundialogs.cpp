#include "ui/rundialogs.h"

#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QLineEdit>
#include <QLineSeries>
#include <QPainter>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableWidget>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <set>

namespace gw::ui {

using namespace gw::activelearning;
using namespace gw::datasets;

namespace {

/// KEY=VALUE lines (blank lines and # comments skipped) into pairs; fails naming the line.
Result<std::vector<std::pair<std::string, std::string>>> readLines(const QString &text, const char *what)
{
    std::vector<std::pair<std::string, std::string>> out;
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i) {
        const QString line = lines[i].trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const qsizetype eq = line.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return fail(Error::invalid(std::string(what) + ", line " + std::to_string(i + 1) + ": expected NAME=VALUE, got \"" +
                                       line.toStdString() + "\""));
        out.emplace_back(line.left(eq).trimmed().toStdString(), line.mid(eq + 1).trimmed().toStdString());
    }
    return out;
}

} // namespace

LaunchRunDialog::LaunchRunDialog(const std::vector<DatasetVersion> &versions, QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("New Training Run"));
    auto *layout = new QVBoxLayout(this);
    auto *top = new QFormLayout;
    m_version = new QComboBox;
    for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
        json::Value settings;
        json::parse(it->settings, settings);
        const QString format = settings.find("format") ? QString::fromStdString(settings.find("format")->toString()) : QString();
        m_version->addItem(tr("Version %1 — %2, %3 items, %4")
                               .arg(it->id)
                               .arg(format)
                               .arg(it->items)
                               .arg(QDateTime::fromMSecsSinceEpoch(it->createdUs / 1000).toString(QStringLiteral("yyyy-MM-dd hh:mm"))),
                           qint64(it->id));
    }
    top->addRow(tr("Dataset version:"), m_version);
    m_trainer = new QComboBox;
    m_trainer->addItem(tr("Built-in classifier (image or text, from the version's job)"));
    m_trainer->addItem(tr("Training script, SageMaker's way"));
    top->addRow(tr("Trainer:"), m_trainer);
    layout->addLayout(top);

    m_pages = new QStackedWidget;
    // Built-in: hyperparameters and an optional search.
    auto *builtIn = new QWidget;
    auto *builtInLayout = new QVBoxLayout(builtIn);
    builtInLayout->setContentsMargins(0, 0, 0, 0);
    auto *hps = new QGroupBox(tr("Hyperparameters"));
    auto *form = new QFormLayout(hps);
    auto spin = [](int lo, int hi, int value) {
        auto *s = new QSpinBox;
        s->setRange(lo, hi);
        s->setValue(value);
        return s;
    };
    m_epochs = spin(1, 1000, 30);
    m_batch = spin(1, 4096, 64);
    m_patience = spin(1, 1000, 4);
    m_seed = spin(0, 1000000, 1);
    m_imageSize = spin(8, 512, 28);
    m_learningRate = new QDoubleSpinBox;
    m_learningRate->setDecimals(5);
    m_learningRate->setRange(0, 1);
    m_learningRate->setSingleStep(0.0005);
    m_learningRate->setSpecialValueText(tr("the model's default"));
    form->addRow(tr("Epochs at most:"), m_epochs);
    form->addRow(tr("Early stopping patience:"), m_patience);
    form->addRow(tr("Batch size:"), m_batch);
    form->addRow(tr("Learning rate:"), m_learningRate);
    form->addRow(tr("Image size (pixels):"), m_imageSize);
    form->addRow(tr("Seed:"), m_seed);
    builtInLayout->addWidget(hps);
    m_search = new QGroupBox(tr("Hyperparameter search"));
    m_search->setCheckable(true);
    m_search->setChecked(false);
    auto *searchForm = new QFormLayout(m_search);
    m_method = new QComboBox;
    m_method->addItem(tr("Random"), QStringLiteral("random"));
    m_method->addItem(tr("Grid"), QStringLiteral("grid"));
    m_trials = spin(1, 200, 6);
    m_ranges = new QPlainTextEdit(QStringLiteral("learning_rate=log:0.0005:0.01\nbatch_size=choice:32,64,128"));
    m_ranges->setToolTip(tr("One range per line: NAME=log:MIN:MAX, linear:MIN:MAX, int:MIN:MAX or choice:A,B,..."));
    m_ranges->setFixedHeight(72);
    searchForm->addRow(tr("Method:"), m_method);
    searchForm->addRow(tr("Trials:"), m_trials);
    searchForm->addRow(tr("Ranges:"), m_ranges);
    auto *rule = new QLabel(tr("Trials whose best validation accuracy falls below the median of the completed "
                               "trials are stopped early (median stopping rule)."));
    rule->setWordWrap(true);
    searchForm->addRow(rule);
    builtInLayout->addWidget(m_search);
    m_pages->addWidget(builtIn);

    // Script: command, hyperparameters, metric definitions.
    auto *script = new QWidget;
    auto *scriptForm = new QFormLayout(script);
    scriptForm->setContentsMargins(0, 0, 0, 0);
    m_command = new QLineEdit;
    m_command->setPlaceholderText(tr("python3 train.py   (runs in the run directory, SageMaker's /opt/ml layout)"));
    m_hyperparameters = new QPlainTextEdit;
    m_hyperparameters->setPlaceholderText(QStringLiteral("epochs=10\nlearning_rate=0.001"));
    m_hyperparameters->setFixedHeight(80);
    m_metrics = new QPlainTextEdit;
    m_metrics->setPlaceholderText(QStringLiteral("validation:accuracy=val_acc=([0-9.]+)"));
    m_metrics->setFixedHeight(80);
    scriptForm->addRow(tr("Command:"), m_command);
    scriptForm->addRow(tr("Hyperparameters:"), m_hyperparameters);
    scriptForm->addRow(tr("Metrics (name=regex):"), m_metrics);
    auto *note = new QLabel(tr("The version's manifest is the train channel (SM_CHANNEL_TRAIN). The script reads "
                               "input/config/hyperparameters.json, writes its model to SM_MODEL_DIR, and reports a "
                               "failure in output/failure."));
    note->setWordWrap(true);
    scriptForm->addRow(note);
    m_pages->addWidget(script);
    layout->addWidget(m_pages);
    connect(m_trainer, &QComboBox::currentIndexChanged, m_pages, &QStackedWidget::setCurrentIndex);

    m_error = new QLabel;
    m_error->setStyleSheet(QStringLiteral("color: #b00020"));
    m_error->setWordWrap(true);
    m_error->hide();
    layout->addWidget(m_error);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Start Run"));
    buttons->button(QDialogButtonBox::Ok)->setEnabled(m_version->count() > 0);
    if (m_version->count() == 0) {
        m_error->setText(tr("The project has no dataset version yet: export the dataset first (File ▸ Export)."));
        m_error->show();
    }
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(560, sizeHint().height());
}

Result<RunRequest> LaunchRunDialog::request() const
{
    RunRequest r;
    r.versionId = m_version->currentData().toLongLong();
    if (m_trainer->currentIndex() == 1) {
        r.kind = "script";
        r.command = m_command->text().trimmed().toStdString();
        if (r.command.empty())
            return fail(Error::invalid("the command is empty"));
        auto hps = readLines(m_hyperparameters->toPlainText(), "hyperparameters");
        if (!hps)
            return fail(hps.error());
        for (auto &[k, v] : *hps)
            r.hyperparameters[k] = v;
        auto metrics = readLines(m_metrics->toPlainText(), "metrics");
        if (!metrics)
            return fail(metrics.error());
        r.metricDefinitions = *metrics;
        return r;
    }
    r.kind = "train";
    r.hyperparameters["epochs"] = std::to_string(m_epochs->value());
    r.hyperparameters["patience"] = std::to_string(m_patience->value());
    r.hyperparameters["batch_size"] = std::to_string(m_batch->value());
    r.hyperparameters["seed"] = std::to_string(m_seed->value());
    r.hyperparameters["image_size"] = std::to_string(m_imageSize->value());
    if (m_learningRate->value() > 0)
        r.hyperparameters["learning_rate"] = QString::number(m_learningRate->value(), 'g', 6).toStdString();
    if (m_search->isChecked()) {
        r.kind = "search";
        r.method = m_method->currentData().toString().toStdString();
        r.trials = m_trials->value();
        auto ranges = readLines(m_ranges->toPlainText(), "ranges");
        if (!ranges)
            return fail(ranges.error());
        for (auto &[k, v] : *ranges) {
            r.ranges[k] = v;
            r.hyperparameters.erase(k); // searched, not fixed
        }
        if (auto trials = searchTrials(r, 1); !trials)
            return fail(trials.error());
    }
    return r;
}

void LaunchRunDialog::accept()
{
    if (auto r = request(); !r) {
        m_error->setText(QString::fromStdString(r.error().message));
        m_error->show();
        return;
    }
    QDialog::accept();
}

void LaunchRunDialog::setVersion(int64_t versionId)
{
    m_version->setCurrentIndex(std::max(0, m_version->findData(qint64(versionId))));
}

void LaunchRunDialog::setScript(const QString &command, const QString &metrics)
{
    m_trainer->setCurrentIndex(1);
    m_command->setText(command);
    m_metrics->setPlainText(metrics);
}

void LaunchRunDialog::setSearch(bool on, const QString &ranges)
{
    m_trainer->setCurrentIndex(0);
    m_search->setChecked(on);
    if (!ranges.isEmpty())
        m_ranges->setPlainText(ranges);
}

void LaunchRunDialog::setEpochs(int epochs) { m_epochs->setValue(epochs); }

// ---- comparison ----

CompareRunsDialog::CompareRunsDialog(const std::vector<Run> &runs, QWidget *parent) : QDialog(parent), m_runs(runs)
{
    setWindowTitle(tr("Compare Runs"));
    auto *layout = new QVBoxLayout(this);
    const auto rows = compareRuns(runs);
    m_table = new QTableWidget(int(rows.size()), int(runs.size()));
    QStringList headers;
    for (const Run &r : runs)
        headers << tr("Run %1").arg(r.id);
    m_table->setHorizontalHeaderLabels(headers);
    QStringList fields;
    for (int i = 0; i < int(rows.size()); ++i) {
        fields << QString::fromStdString(rows[size_t(i)].field);
        // Values that differ between the runs stand out.
        std::set<std::string> distinct(rows[size_t(i)].values.begin(), rows[size_t(i)].values.end());
        for (int c = 0; c < int(runs.size()); ++c) {
            auto *cell = new QTableWidgetItem(QString::fromStdString(rows[size_t(i)].values[size_t(c)]));
            cell->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
            if (distinct.size() > 1) {
                QFont f = cell->font();
                f.setBold(true);
                cell->setFont(f);
            }
            m_table->setItem(i, c, cell);
        }
    }
    m_table->setVerticalHeaderLabels(fields);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_table);
    auto *curves = new QWidget;
    auto *curvesLayout = new QVBoxLayout(curves);
    curvesLayout->setContentsMargins(0, 0, 0, 0);
    auto *pick = new QHBoxLayout;
    pick->addWidget(new QLabel(tr("Curves of:")));
    m_metric = new QComboBox;
    std::set<std::string> names;
    for (const Run &r : runs)
        for (const MetricPoint &p : readMetrics(r.dir))
            names.insert(p.name);
    for (const std::string &n : names)
        m_metric->addItem(QString::fromStdString(n));
    pick->addWidget(m_metric, 1);
    curvesLayout->addLayout(pick);
    m_chartView = new QChartView;
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setMinimumHeight(260);
    curvesLayout->addWidget(m_chartView);
    split->addWidget(curves);
    split->setSizes({340, 380});
    layout->addWidget(split);
    auto *close = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(close);
    connect(m_metric, &QComboBox::currentTextChanged, this, &CompareRunsDialog::showMetric);
    const int preferred = m_metric->findText(QStringLiteral("validation_accuracy"));
    if (preferred >= 0)
        m_metric->setCurrentIndex(preferred);
    showMetric(m_metric->currentText());
    resize(900, 720);
}

QChart *CompareRunsDialog::chart() const { return m_chartView->chart(); }

void CompareRunsDialog::showMetric(const QString &metric)
{
    auto *chart = new QChart;
    chart->setTitle(metric);
    auto *x = new QValueAxis;
    x->setTitleText(tr("step (epoch)"));
    x->setLabelFormat(QStringLiteral("%d"));
    auto *y = new QValueAxis;
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    double lo = INFINITY, hi = -INFINITY;
    int steps = 1;
    for (const Run &r : m_runs) {
        auto *s = new QLineSeries;
        s->setName(tr("run %1").arg(r.id));
        for (const MetricPoint &p : readMetrics(r.dir))
            if (QString::fromStdString(p.name) == metric) {
                s->append(p.step, p.value);
                lo = std::min(lo, p.value);
                hi = std::max(hi, p.value);
                steps = std::max(steps, p.step);
            }
        s->setPointsVisible(s->count() < 40);
        chart->addSeries(s);
        s->attachAxis(x);
        s->attachAxis(y);
    }
    x->setRange(1, std::max(2, steps));
    x->setTickType(QValueAxis::TicksDynamic);
    x->setTickAnchor(0);
    x->setTickInterval(std::max(1, (steps + 9) / 10)); // whole epochs
    y->setLabelFormat(QStringLiteral("%.3g"));
    if (std::isfinite(lo))
        y->setRange(lo - 0.05 * std::max(1e-9, hi - lo), hi + 0.05 * std::max(1e-9, hi - lo));
    chart->legend()->setAlignment(Qt::AlignBottom);
    QChart *old = m_chartView->chart();
    m_chartView->setChart(chart);
    delete old;
}

// ---- confusion matrix ----

ConfusionMatrixView::ConfusionMatrixView(QWidget *parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void ConfusionMatrixView::setReport(const std::optional<ClassificationReport> &report)
{
    m_report = report;
    update();
}

void ConfusionMatrixView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    p.setRenderHint(QPainter::Antialiasing);
    if (!m_report || m_report->classes.empty()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
                   tr("No test evaluation: the run has not finished, or its dataset version has no test split."));
        return;
    }
    const int n = int(m_report->classes.size());
    const QFontMetrics fm(font());
    int labelWidth = fm.horizontalAdvance(tr("true"));
    for (const ClassScore &c : m_report->classes)
        labelWidth = std::max(labelWidth, fm.horizontalAdvance(QString::fromStdString(c.name)));
    labelWidth = std::min(labelWidth + 12, width() / 3);
    const int top = fm.height() * 2 + 8, left = labelWidth + fm.height() + 6;
    const int side = std::max(4, std::min((width() - left - 8) / n, (height() - top - 8) / n));
    p.setPen(palette().color(QPalette::Text));
    p.drawText(QRect(left, 0, side * n, fm.height()), Qt::AlignCenter, tr("predicted"));
    p.save();
    p.translate(fm.height() - 2, top + side * n / 2);
    p.rotate(-90);
    p.drawText(QRect(-side * n / 2, -fm.height(), side * n, fm.height()), Qt::AlignCenter, tr("true"));
    p.restore();
    for (int i = 0; i < n; ++i) {
        const QString name = fm.elidedText(QString::fromStdString(m_report->classes[size_t(i)].name), Qt::ElideRight,
                                           std::max(side, labelWidth) - 4);
        p.drawText(QRect(left + i * side, fm.height() + 4, side, fm.height()), Qt::AlignCenter,
                   fm.elidedText(QString::fromStdString(m_report->classes[size_t(i)].name), Qt::ElideRight, side - 2));
        p.drawText(QRect(fm.height() + 4, top + i * side, labelWidth - 6, side), Qt::AlignRight | Qt::AlignVCenter, name);
    }
    const QColor hot(31, 119, 180), wrong(214, 39, 40);
    for (int t = 0; t < n; ++t) {
        int64_t rowTotal = 0;
        for (int64_t c : m_report->confusion[size_t(t)])
            rowTotal += c;
        for (int q = 0; q < n; ++q) {
            const int64_t count = m_report->confusion[size_t(t)][size_t(q)];
            const double share = rowTotal ? double(count) / double(rowTotal) : 0;
            const QRect cell(left + q * side, top + t * side, side, side);
            QColor c = t == q ? hot : wrong;
            c.setAlphaF(float(0.08 + 0.92 * share));
            p.fillRect(cell, count ? c : palette().color(QPalette::AlternateBase));
            p.setPen(palette().color(QPalette::Mid));
            p.drawRect(cell);
            if (count && side >= fm.height()) {
                p.setPen(share > 0.55 ? Qt::white : palette().color(QPalette::Text));
                p.drawText(cell, Qt::AlignCenter, QString::number(count));
            }
        }
    }
}

} // namespace gw::ui

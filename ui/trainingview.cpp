#include "ui/plural.h"
#include "ui/trainingview.h"

#include "ui/rundialogs.h"

#include <QChart>
#include <QChartView>
#include <QDesktopServices>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QLineSeries>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QUrl>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace gw::ui {

using namespace gw::activelearning;
using namespace gw::datasets;

namespace {

enum Column { RunColumn, KindColumn, StatusColumn, VersionColumn, SettingsColumn, ValidationColumn, TestColumn,
              DurationColumn, ColumnCount };

QString duration(double seconds)
{
    if (seconds < 60)
        return QStringLiteral("%1 s").arg(seconds, 0, 'f', 1);
    const int s = int(seconds);
    return s < 3600 ? QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60)
                    : QStringLiteral("%1 h %2 min").arg(s / 3600).arg(s % 3600 / 60);
}

QColor statusColor(const std::string &status)
{
    if (status == "running" || status == "queued")
        return QColor(31, 119, 180);
    if (status == "failed")
        return QColor(176, 0, 32);
    if (status == "stopped" || status == "stopped-early")
        return QColor(140, 110, 0);
    return QColor(30, 130, 60);
}

bool isAccuracyLike(const std::string &name)
{
    return name.find("acc") != std::string::npos || name.find("f1") != std::string::npos ||
           name.find("precision") != std::string::npos || name.find("recall") != std::string::npos;
}

} // namespace

TrainingView::TrainingView(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    auto *buttons = new QHBoxLayout;
    m_new = new QPushButton(tr("New Run…"));
    m_new->setToolTip(tr("Train the built-in classifier, search hyperparameters or run a training script on a dataset version"));
    m_stop = new QPushButton(tr("Stop"));
    m_stop->setToolTip(tr("Stop the selected run and every process it started; a training keeps its best epoch so far "
                          "(press again to stop at once)"));
    m_compare = new QPushButton(tr("Compare"));
    m_compare->setToolTip(tr("Select two or more runs to see their settings, metrics and curves side by side"));
    m_use = new QPushButton(tr("Use for Automated Labeling"));
    m_use->setToolTip(tr("Automated labeling of the run's job starts every round from this run's model"));
    auto *folder = new QPushButton(tr("Open Folder"));
    folder->setToolTip(tr("The run directory: log, metrics, model"));
    for (QPushButton *b : {m_new, m_stop, m_compare, m_use, folder})
        buttons->addWidget(b);
    buttons->addStretch(1);
    layout->addLayout(buttons);

    auto *split = new QSplitter(Qt::Vertical);
    m_table = new QTableWidget(0, ColumnCount);
    m_table->setHorizontalHeaderLabels({tr("Run"), tr("Kind"), tr("Status"), tr("Version"), tr("Settings"),
                                        tr("Validation acc."), tr("Test acc."), tr("Duration")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(SettingsColumn, QHeaderView::Stretch);
    m_table->setAlternatingRowColors(true);
    split->addWidget(m_table);

    m_tabs = new QTabWidget;
    m_log = new QPlainTextEdit;
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(20000);
    m_log->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_log->setFont(QFont(QStringLiteral("monospace")));
    m_tabs->addTab(m_log, tr("Log"));
    m_chartView = new QChartView;
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_tabs->addTab(m_chartView, tr("Curves"));
    auto *evaluation = new QSplitter(Qt::Horizontal);
    m_confusion = new ConfusionMatrixView;
    m_classes = new QTableWidget(0, 4);
    m_classes->setHorizontalHeaderLabels({tr("Precision"), tr("Recall"), tr("F1"), tr("Support")});
    m_classes->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_classes->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    evaluation->addWidget(m_confusion);
    evaluation->addWidget(m_classes);
    evaluation->setStretchFactor(0, 3);
    evaluation->setStretchFactor(1, 2);
    m_tabs->addTab(evaluation, tr("Evaluation"));
    m_details = new QPlainTextEdit;
    m_details->setReadOnly(true);
    m_tabs->addTab(m_details, tr("Details"));
    split->addWidget(m_tabs);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    layout->addWidget(split, 1);
    m_status = new QLabel;
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    resetChart();

    connect(m_new, &QPushButton::clicked, this, &TrainingView::newRun);
    connect(m_stop, &QPushButton::clicked, this, &TrainingView::stopSelected);
    connect(m_compare, &QPushButton::clicked, this, &TrainingView::compareSelected);
    connect(m_use, &QPushButton::clicked, this, &TrainingView::useSelectedForAutoLabeling);
    connect(folder, &QPushButton::clicked, this, [this] {
        for (const Run &r : m_runs)
            if (r.id == selectedRun())
                QDesktopServices::openUrl(QUrl::fromLocalFile(QString::fromStdString(r.dir)));
    });
    connect(m_table, &QTableWidget::itemSelectionChanged, this, [this] {
        if (selectedRun() != m_shown)
            showRun(selectedRun());
        updateButtons();
    });
    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, &TrainingView::refresh);
    updateButtons();
}

TrainingView::~TrainingView() = default;

void TrainingView::setProject(const QString &storePath, const QString &job)
{
    m_job = job;
    m_runs.clear();
    m_signature.clear();
    m_shown = 0;
    auto store = ProjectStore::open(storePath.toStdString(), ProjectStore::OpenMode::OpenExisting);
    if (!store) {
        m_store.reset();
        m_status->setText(QString::fromStdString(store.error().message));
        m_timer.stop();
        return;
    }
    m_store = std::move(*store);
    refresh();
    if (isVisible())
        m_timer.start();
}

// Polling only while someone looks: a hidden Training window costs nothing.
void TrainingView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_store) {
        refresh();
        m_timer.start();
    }
}

void TrainingView::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_timer.stop();
}

void TrainingView::refresh()
{
    if (!m_store)
        return;
    reloadRuns(false);
    // A run of this host whose process died since the last look is marked failed (refreshRuns reads the
    // runs again, so only when the list just read has one).
    const bool dead = std::any_of(m_runs.begin(), m_runs.end(), [](const Run &r) {
        return (r.status == "running" || r.status == "queued") && r.pid > 0 && r.host == hostName() &&
               !runProcessAlive(r);
    });
    if (dead && refreshRuns(*m_store).value_or(0) > 0)
        reloadRuns(false);
    follow();
}

void TrainingView::reloadRuns(bool force)
{
    auto all = m_store->runs(0);
    if (!all)
        return;
    std::vector<Run> runs;
    std::string signature;
    for (auto it = all->rbegin(); it != all->rend(); ++it) {
        if (it->kind == "autolabel")
            continue; // the automated-labeling panel shows those
        signature += std::to_string(it->id) + ':' + it->status + ':' + std::to_string(it->finishedUs) + ';';
        runs.push_back(*it);
    }
    const bool changed = force || signature != m_signature;
    // Durations of running runs tick on without the list changing.
    for (int row = 0; row < m_table->rowCount() && !changed; ++row)
        if (size_t(row) < m_runs.size() && (m_runs[size_t(row)].status == "running"))
            m_table->item(row, DurationColumn)->setText(duration(runSeconds(m_runs[size_t(row)])));
    if (!changed)
        return;
    m_signature = signature;
    const int64_t selected = selectedRun();
    QList<int64_t> multi;
    for (const QModelIndex &i : m_table->selectionModel()->selectedRows())
        multi << m_table->item(i.row(), RunColumn)->data(Qt::UserRole).toLongLong();
    m_runs = std::move(runs);
    const QSignalBlocker block(m_table);
    m_table->setRowCount(int(m_runs.size()));
    for (int row = 0; row < int(m_runs.size()); ++row) {
        const Run &r = m_runs[size_t(row)];
        const auto request = requestOf(r);
        QString kind = r.kind == "train" ? tr("built-in") : r.kind == "search" ? tr("search") : tr("script");
        if (r.parent)
            kind = tr("trial of %1").arg(r.parent);
        QString settings;
        if (request) {
            if (r.kind == "script")
                settings = QString::fromStdString(request->command);
            for (const auto &[k, v] : request->hyperparameters)
                if (r.kind == "script" || k == "epochs" || k == "batch_size" || (k == "learning_rate" && v != "default"))
                    settings += (settings.isEmpty() ? QString() : QStringLiteral("  ")) + QString::fromStdString(k + "=" + v);
            for (const auto &[k, v] : request->ranges)
                settings += (settings.isEmpty() ? QString() : QStringLiteral("  ")) + QString::fromStdString(k + "∈" + v);
        }
        const std::string failure = runMetricText(r, "failure");
        const QStringList cells = {QString::number(r.id), kind,
                                   QString::fromStdString(r.status),
                                   request && request->versionId ? QString::number(request->versionId) : QString(),
                                   settings,
                                   QString::fromStdString(runMetricText(r, "validation_accuracy")),
                                   QString::fromStdString(runMetricText(r, "test_accuracy")),
                                   duration(runSeconds(r))};
        for (int c = 0; c < ColumnCount; ++c) {
            auto *item = new QTableWidgetItem(cells[c]);
            if (c == RunColumn)
                item->setData(Qt::UserRole, qint64(r.id));
            if (c == StatusColumn) {
                item->setForeground(statusColor(r.status));
                if (!failure.empty())
                    item->setToolTip(QString::fromStdString(failure));
            }
            if (c == SettingsColumn)
                item->setToolTip(cells[c]);
            m_table->setItem(row, c, item);
        }
    }
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const int64_t id = m_runs[size_t(row)].id;
        if (multi.contains(id) || id == selected)
            m_table->selectionModel()->select(m_table->model()->index(row, 0),
                                              QItemSelectionModel::Select | QItemSelectionModel::Rows);
    }
    if (selected == 0 && !m_runs.empty()) {
        m_table->selectRow(0);
    }
    // The shown run changed state (finished, failed): its evaluation and details are new.
    const int64_t now = selectedRun();
    auto shown = std::find_if(m_runs.begin(), m_runs.end(), [&](const Run &r) { return r.id == now; });
    if (now != m_shown || (shown != m_runs.end() && shown->status != m_shownStatus))
        showRun(now);
    updateButtons();
    updateStatus();
}

int64_t TrainingView::selectedRun() const
{
    const auto rows = m_table->selectionModel()->selectedRows();
    const int row = m_table->currentRow() >= 0 && m_table->selectionModel()->isRowSelected(m_table->currentRow())
                        ? m_table->currentRow()
                        : (rows.isEmpty() ? -1 : rows.front().row());
    return row >= 0 && m_table->item(row, RunColumn) ? m_table->item(row, RunColumn)->data(Qt::UserRole).toLongLong() : 0;
}

void TrainingView::selectRun(int64_t runId)
{
    for (int row = 0; row < m_table->rowCount(); ++row)
        if (m_table->item(row, RunColumn)->data(Qt::UserRole).toLongLong() == runId) {
            m_table->selectRow(row);
            return;
        }
}

void TrainingView::showRun(int64_t runId)
{
    m_shown = runId;
    m_log->clear();
    resetChart();
    m_confusion->setReport(std::nullopt);
    m_classes->setRowCount(0);
    m_details->clear();
    auto it = std::find_if(m_runs.begin(), m_runs.end(), [&](const Run &r) { return r.id == runId; });
    if (it == m_runs.end()) {
        m_follower = RunFollower();
        m_shownStatus.clear();
        return;
    }
    const Run &r = *it;
    m_shownStatus = r.status;
    m_follower = RunFollower(r.dir);
    follow();
    // Evaluation on the test split.
    json::Value metrics;
    json::parse(r.metrics, metrics);
    std::optional<ClassificationReport> report;
    if (const json::Value *test = metrics.find("test"))
        report = classificationReportFromJson(*test);
    m_confusion->setReport(report);
    if (report) {
        m_classes->setRowCount(int(report->classes.size()));
        QStringList names;
        for (int i = 0; i < int(report->classes.size()); ++i) {
            const ClassScore &c = report->classes[size_t(i)];
            names << QString::fromStdString(c.name);
            const QStringList cells = {QString::number(c.precision, 'f', 3), QString::number(c.recall, 'f', 3),
                                       QString::number(c.f1, 'f', 3), QString::number(c.support)};
            for (int col = 0; col < 4; ++col) {
                auto *item = new QTableWidgetItem(cells[col]);
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
                m_classes->setItem(i, col, item);
            }
        }
        m_classes->setVerticalHeaderLabels(names);
    }
    // Details: what was run, where, and what it left.
    QString text = tr("Run %1 (%2), %3\n").arg(r.id).arg(QString::fromStdString(r.kind), QString::fromStdString(r.status));
    if (!r.host.empty())
        text += tr("Process %1 on %2\n").arg(r.pid).arg(QString::fromStdString(r.host));
    text += tr("Directory: %1\n").arg(QString::fromStdString(r.dir));
    text += tr("Duration: %1\n").arg(duration(runSeconds(r)));
    if (report)
        text += tr("Test: accuracy %1, macro F1 %2 on %3 items\n")
                    .arg(report->accuracy, 0, 'f', 4)
                    .arg(report->macroF1, 0, 'f', 4)
                    .arg(report->items);
    const std::string failure = runMetricText(r, "failure");
    if (!failure.empty())
        text += tr("Failure: %1\n").arg(QString::fromStdString(failure));
    text += tr("\nParameters:\n%1\n\nMetrics:\n%2\n").arg(QString::fromStdString(r.params), QString::fromStdString(r.metrics));
    m_details->setPlainText(text);
}

void TrainingView::follow()
{
    std::vector<std::string> lines;
    std::vector<MetricPoint> points;
    m_follower.read(lines, points);
    if (!lines.empty()) {
        QScrollBar *bar = m_log->verticalScrollBar();
        const bool atEnd = bar->value() >= bar->maximum() - 2;
        QString text;
        for (const std::string &l : lines)
            text += QString::fromStdString(l) + QLatin1Char('\n');
        text.chop(1);
        m_log->appendPlainText(text);
        if (atEnd)
            bar->setValue(bar->maximum());
    }
    if (!points.empty())
        addPoints(points);
}

QChart *TrainingView::curvesChart() const { return m_chartView->chart(); }

void TrainingView::resetChart()
{
    auto *chart = new QChart;
    chart->setTitle(tr("Metrics by epoch"));
    m_x = new QValueAxis;
    m_x->setTitleText(tr("epoch (step)"));
    m_x->setLabelFormat(QStringLiteral("%d"));
    m_x->setTickType(QValueAxis::TicksDynamic);
    m_x->setTickAnchor(0);
    m_x->setTickInterval(1);
    m_x->setRange(1, 2);
    m_loss = new QValueAxis;
    m_loss->setTitleText(tr("loss"));
    m_loss->setRange(0, 1);
    m_accuracy = new QValueAxis;
    m_accuracy->setTitleText(tr("accuracy"));
    m_accuracy->setRange(0, 1);
    chart->addAxis(m_x, Qt::AlignBottom);
    chart->addAxis(m_loss, Qt::AlignLeft);
    chart->addAxis(m_accuracy, Qt::AlignRight);
    chart->legend()->setAlignment(Qt::AlignBottom);
    QChart *old = m_chartView->chart();
    m_chartView->setChart(chart);
    delete old;
    m_series.clear();
    m_maxStep = 1;
    m_lossMax = 0;
}

void TrainingView::addPoints(const std::vector<MetricPoint> &points)
{
    QChart *chart = m_chartView->chart();
    for (const MetricPoint &p : points) {
        QLineSeries *&s = m_series[p.name];
        const bool accuracy = isAccuracyLike(p.name);
        if (!s) {
            s = new QLineSeries;
            s->setName(QString::fromStdString(p.name));
            s->setPointsVisible(true);
            chart->addSeries(s);
            s->attachAxis(m_x);
            s->attachAxis(accuracy ? m_accuracy : m_loss);
        }
        s->append(p.step, p.value);
        m_maxStep = std::max(m_maxStep, p.step);
        if (!accuracy)
            m_lossMax = std::max(m_lossMax, p.value);
    }
    m_x->setRange(1, std::max(2, m_maxStep));
    m_x->setTickInterval(std::max(1, (m_maxStep + 9) / 10)); // whole epochs
    m_loss->setRange(0, m_lossMax > 0 ? m_lossMax * 1.05 : 1);
    m_loss->applyNiceNumbers();
}

void TrainingView::updateButtons()
{
    const int64_t id = selectedRun();
    auto it = std::find_if(m_runs.begin(), m_runs.end(), [&](const Run &r) { return r.id == id; });
    const bool any = it != m_runs.end();
    m_new->setEnabled(m_store != nullptr);
    m_stop->setEnabled(any && (it->status == "running" || it->status == "queued"));
    m_use->setEnabled(any && it->kind == "train" &&
                      (it->status == "done" || it->status == "stopped" || it->status == "stopped-early") &&
                      QFileInfo::exists(QString::fromStdString(it->dir + "/model/model.pt")));
    m_compare->setEnabled(m_table->selectionModel()->selectedRows().size() >= 2);
}

QString TrainingView::jobName(int64_t jobId) const
{
    if (!m_store)
        return {};
    if (auto jobs = m_store->jobs())
        for (const Job &j : *jobs)
            if (j.id == jobId)
                return QString::fromStdString(j.name);
    return {};
}

void TrainingView::updateStatus()
{
    if (!m_store)
        return;
    QStringList parts;
    int running = 0;
    for (const Run &r : m_runs)
        running += r.status == "running" || r.status == "queued";
    parts << (running ? tr("%1 in progress; they go on when this window or the app closes.")
                            .arg(plural(running, tr("%1 run"), tr("%1 runs")))
                      : tr("No run in progress."));
    if (auto jobs = m_store->jobs())
        for (const Job &j : *jobs)
            if (auto chosen = startModelRun(*m_store, j.name); chosen && *chosen)
                parts << tr("Automated labeling of “%1” starts from run %2's model.").arg(QString::fromStdString(j.name)).arg(*chosen);
    m_status->setText(parts.join(QLatin1Char(' ')));
}

Result<int64_t> TrainingView::launch(const RunRequest &request)
{
    if (!m_store)
        return fail(Error::invalid("no project is open"));
    auto run = createRun(*m_store, request);
    if (!run)
        return fail(run.error());
    if (auto pid = launchRun(*m_store, run->id, gwProgram()); !pid) {
        json::Object metrics;
        metrics.set("failure", pid.error().message);
        run->status = "failed";
        run->metrics = json::toString(json::Value(std::move(metrics)));
        run->finishedUs = nowUs();
        (void)m_store->updateRun(*run);
        reloadRuns(true);
        return fail(pid.error());
    }
    reloadRuns(true);
    selectRun(run->id);
    return run->id;
}

void TrainingView::newRun()
{
    if (!m_store)
        return;
    auto versions = m_store->datasetVersions();
    LaunchRunDialog dialog(versions ? *versions : std::vector<DatasetVersion>{}, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    auto request = dialog.request();
    if (!request)
        return;
    if (auto id = launch(*request); !id)
        QMessageBox::warning(this, tr("Run not started"), QString::fromStdString(id.error().message));
}

void TrainingView::stopSelected()
{
    if (!m_store)
        return;
    for (const QModelIndex &i : m_table->selectionModel()->selectedRows()) {
        const int64_t id = m_table->item(i.row(), RunColumn)->data(Qt::UserRole).toLongLong();
        if (auto r = stopRun(*m_store, id); !r)
            m_status->setText(QString::fromStdString(r.error().message));
        else
            m_status->setText(tr("Stopping run %1…").arg(id));
    }
}

void TrainingView::compareSelected()
{
    std::vector<Run> runs;
    for (const QModelIndex &i : m_table->selectionModel()->selectedRows())
        runs.push_back(m_runs[size_t(i.row())]);
    if (runs.size() < 2)
        return;
    std::sort(runs.begin(), runs.end(), [](const Run &a, const Run &b) { return a.id < b.id; });
    auto *dialog = new CompareRunsDialog(runs, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void TrainingView::useSelectedForAutoLabeling()
{
    const int64_t id = selectedRun();
    auto it = std::find_if(m_runs.begin(), m_runs.end(), [&](const Run &r) { return r.id == id; });
    if (!m_store || it == m_runs.end())
        return;
    const QString job = it->jobId ? jobName(it->jobId) : m_job;
    if (auto r = setStartModelRun(*m_store, job.toStdString(), id); !r) {
        QMessageBox::warning(this, tr("Model not used"), QString::fromStdString(r.error().message));
        return;
    }
    updateStatus();
    Q_EMIT startModelChanged(job, id);
}

} // namespace gw::ui

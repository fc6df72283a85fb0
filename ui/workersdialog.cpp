#include "ui/workersdialog.h"

#include "datasets/workpool.h"

#include <QDateTime>
#include <QDialogButtonBox>
#include <QFutureWatcher>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPointer>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <memory>

namespace gw::ui {

using namespace gw::datasets;

namespace {

QTableWidgetItem *number(const QString &text)
{
    auto *item = new QTableWidgetItem(text);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

QString percent(const std::optional<double> &v)
{
    return v ? QLocale().toString(*v * 100.0, 'f', 1) + QLatin1Char('%') : QStringLiteral("–");
}

} // namespace

WorkersDialog::WorkersDialog(const QString &projectPath, const Job &job, const QString &me, QWidget *parent)
    : QDialog(parent), m_path(projectPath), m_job(job), m_me(me)
{
    setObjectName(QStringLiteral("workersDialog"));
    setWindowTitle(tr("Workers — %1").arg(QString::fromStdString(job.name)));
    m_summary = new QLabel(tr("Counting the answers…"));
    m_summary->setWordWrap(true);
    m_table = new QTableWidget(0, 7);
    m_table->setObjectName(QStringLiteral("workersTable"));
    m_table->setHorizontalHeaderLabels({tr("Worker"), tr("Answered"), tr("In queue"), tr("Per hour"),
                                        tr("Median time"), tr("Est. accuracy"), tr("Agreement")});
    m_table->horizontalHeaderItem(3)->setToolTip(tr("Answers per hour in which the worker answered"));
    m_table->horizontalHeaderItem(4)->setToolTip(tr("Median time spent per answer, where it was recorded"));
    m_table->horizontalHeaderItem(5)->setToolTip(
        tr("How often the worker is right, estimated from all answers (Dawid-Skene, as Ground Truth consolidates); "
           "only for items someone else answered too"));
    m_table->horizontalHeaderItem(6)->setToolTip(
        tr("Share of the worker's answers that match the consolidated label, on items two or more workers answered"));
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    for (int c = 1; c < 7; ++c)
        m_table->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    m_refresh = buttons->addButton(tr("&Refresh"), QDialogButtonBox::ActionRole);
    connect(m_refresh, &QPushButton::clicked, this, &WorkersDialog::refresh);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_table, 1);
    layout->addWidget(buttons);
    resize(820, 420);
    refresh();
}

void WorkersDialog::refresh()
{
    if (m_busy)
        return;
    m_busy = true;
    m_refresh->setEnabled(false);
    using Outcome = std::shared_ptr<Result<WorkersReport>>;
    auto *watcher = new QFutureWatcher<Outcome>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        m_busy = false;
        m_refresh->setEnabled(true);
        showReport(*watcher->result());
        Q_EMIT refreshed();
    });
    watcher->setFuture(QtConcurrent::run(workPool(), [path = m_path.toStdString(), job = m_job]() -> Outcome {
        auto store = ProjectStore::open(path, ProjectStore::OpenMode::OpenExisting);
        if (!store)
            return std::make_shared<Result<WorkersReport>>(fail(store.error()));
        return std::make_shared<Result<WorkersReport>>(workersOf(**store, job));
    }));
}

QString WorkersDialog::summary() const
{
    return m_summary->text();
}

void WorkersDialog::showReport(const Result<WorkersReport> &report)
{
    if (!report) {
        m_summary->setText(tr("Cannot read the workers: %1").arg(QString::fromStdString(report.error().message)));
        return;
    }
    const WorkProgress &p = report->progress;
    const QLocale loc;
    QString text = report->annotators == 1
                       ? tr("Each item is labeled by one person. %1 of %2 items are labeled by people")
                             .arg(loc.toString(p.complete), loc.toString(p.items))
                       : tr("Each item is labeled by %1 people. %2 of %3 items have all their answers, %4 some of them")
                             .arg(report->annotators)
                             .arg(loc.toString(p.complete), loc.toString(p.items), loc.toString(p.partial));
    if (p.otherwise > 0)
        text += tr("; %1 are labeled automatically or were imported").arg(loc.toString(p.otherwise));
    text += tr(". %1 items are in someone's queue now.").arg(loc.toString(p.leased));
    if (report->workers.empty())
        text += QLatin1Char(' ') + tr("No one has answered yet: choose \u201cMy queue\u201d (Ctrl+M) above the item list "
                                      "to take work.");
    m_summary->setText(text);
    m_table->setRowCount(int(report->workers.size()));
    for (int r = 0; r < int(report->workers.size()); ++r) {
        const WorkerRow &w = report->workers[size_t(r)];
        const QString name = QString::fromStdString(w.worker);
        auto *who = new QTableWidgetItem(name == m_me ? tr("%1 (you)").arg(name) : name);
        if (w.lastUs > 0)
            who->setToolTip(tr("Last answer: %1").arg(
                loc.toString(QDateTime::fromMSecsSinceEpoch(w.lastUs / 1000), QLocale::ShortFormat)));
        if (name == m_me) {
            QFont f = who->font();
            f.setBold(true);
            who->setFont(f);
        }
        m_table->setItem(r, 0, who);
        m_table->setItem(r, 1, number(loc.toString(w.answers)));
        m_table->setItem(r, 2, number(loc.toString(w.queued)));
        m_table->setItem(r, 3, number(w.perHour > 0 ? loc.toString(w.perHour, 'f', 0) : QStringLiteral("–")));
        m_table->setItem(r, 4, number(w.medianSeconds > 0 ? tr("%1 s").arg(loc.toString(w.medianSeconds, 'f', 1))
                                                          : QStringLiteral("–")));
        m_table->setItem(r, 5, number(percent(w.accuracy)));
        m_table->setItem(r, 6, number(percent(w.agreement)));
    }
}

} // namespace gw::ui

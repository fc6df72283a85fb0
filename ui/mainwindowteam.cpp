// MainWindow's team side: the worker's own queue ("My queue" above the item list): items handed to them by
// the store (ProjectStore::takeWork) so that each item gets the job's annotators per item and no more, topped
// up as they answer, given back when they leave the job, the project or the window; and the workers table
// (Job › Workers…). (The window itself: mainwindow.cpp.)

#include "ui/mainwindow.h"

#include "labeling/labelingsession.h"
#include "ui/gallerymodel.h"
#include "ui/itemtablemodel.h"
#include "ui/labelingpane.h"
#include "ui/workersdialog.h"

#include "datasets/workeranswers.h"
#include "datasets/workpackage.h"
#include "ui/filedialogs.h"
#include "ui/plural.h"

#include "datasets/workpool.h"

#include <QComboBox>
#include <QEventLoop>
#include <QFileInfo>
#include <QMessageBox>
#include <QProgressDialog>
#include <QFutureWatcher>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>
#include <QDateTime>
#include <QLabel>
#include <QLocale>
#include <QStatusBar>

#include <algorithm>
#include <unordered_set>

namespace gw::ui {

using namespace gw::datasets;

namespace {

constexpr int kMyQueueSize = 20;                        ///< items held at a time
constexpr int64_t kLeaseUs = 30LL * 60 * 1000 * 1000;   ///< renewed with every answer

/// A lease that runs far longer than the app's: the worker holds the item in a work package (gw package), to
/// label there; the app neither lists it nor gives it back.
bool inPackage(const Lease &l)
{
    return l.untilUs - nowUs() > 4 * kLeaseUs;
}

/// The worker's work in the app: kMyQueueSize items besides those they hold in work packages.
Result<std::vector<Lease>> takeMine(ProjectStore &store, int64_t job, const std::string &worker)
{
    auto taken = store.takeWork(job, worker, kMyQueueSize, kLeaseUs);
    if (!taken)
        return taken;
    const auto packaged = std::count_if(taken->begin(), taken->end(), inPackage);
    if (packaged == 0)
        return taken;
    taken = store.takeWork(job, worker, kMyQueueSize + int(packaged), kLeaseUs);
    if (taken)
        taken->erase(std::remove_if(taken->begin(), taken->end(), inPackage), taken->end());
    return taken;
}

} // namespace

int64_t MainWindow::workJobId(int64_t shownJob) const
{
    return m_reviewJob ? m_reviewJob->id : shownJob;
}

bool MainWindow::showingMine() const
{
    return GalleryModel::Filter(m_filterCombo->currentData().toInt()) == GalleryModel::Filter::Mine;
}

void MainWindow::showMyQueue()
{
    m_filterCombo->setCurrentIndex(m_filterCombo->findData(int(GalleryModel::Filter::Mine)));
}

void MainWindow::loadMyQueue()
{
    m_myQueue.clear();
    m_myQueueJob = 0;
    const Job &job = m_reviewJob ? *m_reviewJob : m_pane->job();
    if (!m_store || job.id == 0) {
        m_gallery->setMine({});
        return;
    }
    auto taken = takeMine(*m_store, job.id, worker().toStdString());
    if (!taken) {
        statusBar()->showMessage(tr("Cannot hand out work: %1").arg(QString::fromStdString(taken.error().message)), 10000);
        m_gallery->setMine({});
        return;
    }
    for (const Lease &l : *taken)
        m_myQueue.push_back(l.itemId);
    m_myQueueJob = job.id;
    m_gallery->setMine(m_myQueue);
    if (m_myQueue.empty())
        return; // the canvas says why (showFirstMatch)
    const int n = std::max(job.annotatorsPerItem, 1);
    const QString until = QLocale().toString(QDateTime::fromMSecsSinceEpoch(taken->front().untilUs / 1000).time(),
                                             QLocale::ShortFormat);
    statusBar()->showMessage(
        (n == 1 ? tr("%1 items are yours to label until %2 (kept while you work; more come as you answer).")
                : tr("%1 items are yours to label until %2 (kept while you work; more come as you answer). Each item "
                     "is labeled by %3 people; the others do not see your answers.")
                      .arg(QStringLiteral("%1"), QStringLiteral("%2"))
                      .arg(n))
            .arg(taken->size())
            .arg(until),
        10000);
}

void MainWindow::topUpMyQueue()
{
    if (!showingMine() || !m_store || m_myQueueJob == 0 || m_myQueueJob != workJobId(m_pane->job().id))
        return;
    auto taken = takeMine(*m_store, m_myQueueJob, worker().toStdString());
    if (!taken) {
        statusBar()->showMessage(tr("Cannot hand out more work: %1").arg(QString::fromStdString(taken.error().message)),
                                 10000);
        return;
    }
    const std::unordered_set<int64_t> listed(m_myQueue.begin(), m_myQueue.end());
    std::vector<int64_t> added;
    for (const Lease &l : *taken)
        if (!listed.count(l.itemId))
            added.push_back(l.itemId);
    if (added.empty())
        return;
    m_myQueue.insert(m_myQueue.end(), added.begin(), added.end());
    if (m_textJob)
        m_table->appendToQueue(added);
    else
        m_gallery->appendMine(added);
    m_count->setText(itemCount(qint64(m_myQueue.size())));
}

void MainWindow::giveBackMyQueue()
{
    // Items not answered go back at once rather than when their leases run out (answered ones hold nothing).
    if (m_store && m_myQueueJob != 0 && !m_myQueue.empty())
        (void)m_store->returnWork(m_myQueueJob, worker().toStdString(), m_myQueue);
    m_myQueue.clear();
    m_myQueueJob = 0;
}

void MainWindow::applyOwnAnswers()
{
    // Answering alongside others, each sees only their own answers until the answers are consolidated.
    const bool own = showingMine() && m_pane->job().annotatorsPerItem > 1 && !m_reviewJob; // a reviewer sees the label
    const std::optional<std::string> who = own ? std::optional<std::string>(worker().toStdString()) : std::nullopt;
    m_gallery->setAnswersOf(who);
    m_table->setAnswersOf(who);
    if (labeling::LabelingSession *session = m_pane->session(); session && session->ownAnswers() != own) {
        session->setOwnAnswers(own);
        if (const int64_t item = m_pane->currentItem())
            m_pane->openItem(item);
    }
}

void MainWindow::scheduleConsolidation()
{
    // As answers arrive: a while after the last one, the job's answers are consolidated again in the
    // background (jobs with several annotators per item).
    const Job &job = m_pane->job();
    // A reviewer's fix is not an answer to consolidate; on a team server, consolidating is the lead's (and the
    // server refuses an annotator's consolidated labels).
    if (!m_store || job.annotatorsPerItem < 2 || m_reviewJob || m_serverRole == QStringLiteral("annotator"))
        return;
    if (!m_consolidateTimer) {
        m_consolidateTimer = new QTimer(this);
        m_consolidateTimer->setSingleShot(true);
        m_consolidateTimer->setInterval(3000);
        connect(m_consolidateTimer, &QTimer::timeout, this, &MainWindow::consolidateNow);
    }
    m_consolidateTimer->start();
}

void MainWindow::consolidateNow()
{
    if (!m_store)
        return;
    if (m_consolidating) {
        m_consolidateTimer->start(); // again once the running one is done
        return;
    }
    m_consolidating = true;
    using Outcome = std::shared_ptr<Result<ConsolidationReport>>;
    auto *watcher = new QFutureWatcher<Outcome>(this);
    const QString path = QString::fromStdString(m_store->path());
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, path] {
        watcher->deleteLater();
        m_consolidating = false;
        const Outcome r = watcher->result();
        if (!m_store || QString::fromStdString(m_store->path()) != path)
            return; // another project meanwhile
        if (!*r) {
            statusBar()->showMessage(tr("The answers could not be consolidated: %1")
                                         .arg(QString::fromStdString((*r).error().message)),
                                     10000);
            return;
        }
        if ((*r)->written == 0)
            return;
        if (!m_textJob)
            m_gallery->refreshLabels();
        else
            Q_EMIT m_table->dataChanged(m_table->index(0, ItemTableModel::LabelColumn),
                                        m_table->index(m_table->rowCount() - 1, ItemTableModel::LabelColumn));
        statusBar()->showMessage(tr("Answers consolidated: %1 items have a consolidated label.").arg((*r)->items), 6000);
    });
    watcher->setFuture(QtConcurrent::run(workPool(), [path = path.toStdString(), job = m_pane->job(),
                                                      author = worker().toStdString()]() -> Outcome {
        auto store = ProjectStore::open(path, ProjectStore::OpenMode::OpenExisting);
        if (!store)
            return std::make_shared<Result<ConsolidationReport>>(fail(store.error()));
        return std::make_shared<Result<ConsolidationReport>>(
            consolidateJob(**store, job, ConsolidationMethod::DawidSkene, author));
    }));
}

void MainWindow::chooseWorkPackage()
{
    if (!m_store) {
        statusBar()->showMessage(tr("Open the project the package was made from first."), 5000);
        return;
    }
    const QString path = filedialogs::openFile(this, tr("Merge a Work Package"), QString(),
                                               tr("Work packages (*.gwproj)"));
    if (!path.isEmpty())
        mergeWorkPackage(path);
}

bool MainWindow::mergeWorkPackage(const QString &path)
{
    if (!m_store)
        return false;
    // On the thread pool with a connection of its own; the window waits, busy, and stays drawn.
    QProgressDialog busy(tr("Merging %1…").arg(QFileInfo(path).fileName()), QString(), 0, 0, this);
    busy.setWindowModality(Qt::WindowModal);
    busy.setMinimumDuration(300);
    QFutureWatcher<std::shared_ptr<Result<MergeReport>>> watcher;
    QEventLoop loop;
    connect(&watcher, &QFutureWatcherBase::finished, &loop, &QEventLoop::quit);
    watcher.setFuture(QtConcurrent::run(workPool(), [project = m_store->path(), package = path.toStdString()] {
        auto store = ProjectStore::open(project, ProjectStore::OpenMode::OpenExisting);
        if (!store)
            return std::make_shared<Result<MergeReport>>(fail(store.error()));
        return std::make_shared<Result<MergeReport>>(mergePackage(**store, package));
    }));
    loop.exec();
    busy.close();
    const auto r = watcher.result();
    if (!*r) {
        QMessageBox::warning(this, tr("Cannot merge the work package"), QString::fromStdString((*r).error().message));
        return false;
    }
    const MergeReport &m = **r;
    if (!m_textJob)
        m_gallery->refreshLabels();
    else if (m_table->rowCount() > 0)
        Q_EMIT m_table->dataChanged(m_table->index(0, ItemTableModel::LabelColumn),
                                    m_table->index(m_table->rowCount() - 1, ItemTableModel::LabelColumn));
    if (m_pane->currentItem())
        m_pane->openItem(m_pane->currentItem());
    countProgress();
    statusBar()->showMessage(m.added == 0 ? tr("%1's package: nothing new (%2 answers merged before).")
                                                .arg(QString::fromStdString(m.worker))
                                                .arg(m.already)
                                          : tr("%1's package: %2 merged into job %3.")
                                                .arg(QString::fromStdString(m.worker),
                                                     plural(m.added, tr("%1 answer"), tr("%1 answers")),
                                                     QString::fromStdString(m.job)),
                             10000);
    if (m.added > 0)
        scheduleConsolidation();
    return true;
}

QString MainWindow::emptyQueueText() const
{
    if (m_reviewJob)
        return tr("Nothing left for you to review in this job: every label has its verdict, or someone else is "
                  "reviewing it now.\nChoose \u201cAll items\u201d above the list to look through them.");
    const int n = std::max(m_pane->job().annotatorsPerItem, 1);
    return n == 1 ? tr("Nothing left for you to label in this job: every item is labeled, or someone else is labeling "
                       "it now.\nChoose \u201cAll items\u201d above the list to look through them.")
                  : tr("Nothing left for you to label in this job: every item has its %1 answers, or others are "
                       "answering it now.\nChoose \u201cAll items\u201d above the list to look through them.")
                        .arg(n);
}

WorkersDialog *MainWindow::showWorkers()
{
    if (!m_store || m_pane->job().id == 0) {
        statusBar()->showMessage(tr("Choose a job first: workers answer a job's items."), 5000);
        return nullptr;
    }
    if (m_workers)
        m_workers->close();
    m_workers = new WorkersDialog(QString::fromStdString(m_store->path()), m_reviewJob ? *m_reviewJob : m_pane->job(),
                                  worker(), this);
    m_workers->setAttribute(Qt::WA_DeleteOnClose);
    m_workers->show();
    return m_workers;
}

} // namespace gw::ui

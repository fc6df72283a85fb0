#include "ui/folderindexer.h"

#include "datasets/projectstore.h"

#include <QFutureWatcher>
#include <QPromise>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

namespace gw::ui {

using namespace gw::datasets;

FolderIndexer::FolderIndexer(const QString &projectPath, const QString &folder, ChunkHook hook, QObject *parent)
    : QObject(parent), m_folder(folder), m_shared(std::make_shared<Shared>()), m_thread(new QThreadPool(this)),
      m_watcher(new QFutureWatcher<Step>(this))
{
    m_thread->setMaxThreadCount(1);
    connect(m_watcher, &QFutureWatcher<Step>::resultsReadyAt, this, &FolderIndexer::onSteps);
    connect(m_watcher, &QFutureWatcher<Step>::finished, this, [this] {
        if (m_shared->report.files >= 0) {
            m_done = m_shared->report.done;
            m_total = m_shared->report.files;
        }
        Q_EMIT finished();
    });
    // The worker owns a share of the state: nothing it touches goes away before it ends.
    m_watcher->setFuture(QtConcurrent::run(
        m_thread,
        [shared = m_shared, project = projectPath.toStdString(), dir = folder.toStdString(),
         hook = std::move(hook)](QPromise<Step> &promise) {
            if (shared->cancel)
                return; // cancelled before it started (or run by a waiting thread): nothing to do
            auto store = ProjectStore::open(project, ProjectStore::OpenMode::OpenExisting);
            if (!store) {
                shared->error = store.error().message;
                return;
            }
            FolderIndexOptions options;
            options.cancelled = [&] { return shared->cancel.load(); };
            options.committed = [&](int64_t done, int64_t total) {
                promise.addResult(Step{done, total});
                if (hook)
                    hook(done, total);
            };
            auto r = indexFolder(**store, dir, options);
            if (r)
                shared->report = std::move(*r);
            else
                shared->error = r.error().message;
        }));
}

FolderIndexer::~FolderIndexer()
{
    m_watcher->disconnect(this);
    stopAndWait();
}

void FolderIndexer::stopAndWait()
{
    cancel();
    m_watcher->waitForFinished();
}

void FolderIndexer::cancel()
{
    m_shared->cancel = true;
}

bool FolderIndexer::isRunning() const
{
    return m_watcher->isRunning();
}

void FolderIndexer::onSteps(int begin, int end)
{
    // Steps arrive in order; the last one says where indexing is.
    const Step step = m_watcher->resultAt(end - 1);
    (void)begin;
    m_done = step.done;
    m_total = step.total;
    Q_EMIT committed(m_done, m_total);
}

} // namespace gw::ui

#pragma once

// A folder indexed into its project in the background, for opening a folder as a project: the first images
// land within a moment, the rest chunk by chunk while the window is in use (datasets::indexFolder on the work
// pool, on a store connection of its own).

#include "datasets/importers.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>

template<typename T>
class QFutureWatcher;
class QThreadPool;

namespace gw::ui {

class FolderIndexer : public QObject
{
    Q_OBJECT
public:
    /// Called on the indexing thread after each committed chunk, before the next one is read (for tests).
    using ChunkHook = std::function<void(int64_t done, int64_t total)>;

    /// Starts indexing folder into the project at projectPath.
    FolderIndexer(const QString &projectPath, const QString &folder, ChunkHook hook = {}, QObject *parent = nullptr);
    /// Cancels and waits for the chunk at hand, which lands whole or not at all.
    ~FolderIndexer() override;

    /// Stops after the chunk at hand; finished() follows.
    void cancel();
    /// Cancels and waits for the chunk at hand; report() then says how far indexing got.
    void stopAndWait();
    bool isRunning() const;
    bool isCancelled() const { return m_shared->cancel.load(); }
    const QString &folder() const { return m_folder; }
    /// The folder's images in the project (a prefix in natural order), as of the last committed chunk.
    int64_t done() const { return m_done; }
    /// The images in the folder; -1 while it is being listed.
    int64_t total() const { return m_total; }
    /// After finished(): what was indexed, and the error that stopped it, if any.
    const datasets::FolderIndexReport &report() const { return m_shared->report; }
    QString error() const { return QString::fromStdString(m_shared->error); }

Q_SIGNALS:
    /// A chunk is in the project.
    void committed(int64_t done, int64_t total);
    void finished();

private:
    struct Step
    {
        int64_t done = 0, total = -1;
    };
    struct Shared
    {
        std::atomic<bool> cancel{false};
        datasets::FolderIndexReport report; ///< written by the worker before it finishes
        std::string error;
    };

    void onSteps(int begin, int end);

    QString m_folder;
    std::shared_ptr<Shared> m_shared;
    QThreadPool *m_thread; ///< its own, so that gw::workPool() reads headers meanwhile
    QFutureWatcher<Step> *m_watcher;
    int64_t m_done = 0, m_total = -1;
};

} // namespace gw::ui

#pragma once

// Live updates of a team project: what others change (labels, jobs and classes, items, settings, runs) as the server
// announces it at each commit (LISTEN/NOTIFY on a connection of the feed's own), delivered as Qt signals on the thread
// that made the feed. No polling: the feed sleeps on the connection's socket. When the server goes away the feed says
// so, tries again every few seconds, and says when it is back (then callers read again what they show: changes made
// meanwhile were not announced to it).

#include "datasets/result.h"

#include <QObject>
#include <QString>

#include <memory>
#include <string>

class QSocketNotifier;
class QTimer;

namespace gw::datasets {

namespace pg {
class Connection;
}

struct ProjectChange
{
    enum class Kind {
        Label,    ///< a label version of (jobId, itemId) by author
        Jobs,     ///< jobs or their classes
        Items,    ///< items added, flagged or put in splits
        Settings, ///< project settings
        Run,      ///< a run (runId, of jobId) started or changed status
    };
    Kind kind = Kind::Label;
    int64_t jobId = 0, itemId = 0, runId = 0;
    std::string author, status;
};

/// Reads one notification's payload; nullopt for one this program does not know.
std::optional<ProjectChange> parseProjectChange(std::string_view payload);

class ChangeFeed : public QObject
{
    Q_OBJECT

public:
    /// Watches a team project (postgresql:// URL); nullptr with no error for a project file, which has no server
    /// to announce changes.
    static Result<std::unique_ptr<ChangeFeed>> watch(const std::string &location, QObject *parent = nullptr);
    ~ChangeFeed() override;
    bool connected() const;

Q_SIGNALS:
    void changed(const gw::datasets::ProjectChange &change);
    /// The server went away (message says why) or is back.
    void connectionChanged(bool connected, const QString &message);

private:
    ChangeFeed(std::string url, QObject *parent);
    Result<> listen();
    void onReadable();
    void lost(const QString &why);
    void tryAgain();

    std::string m_url;
    std::shared_ptr<pg::Connection> m_conn;
    QSocketNotifier *m_notifier = nullptr;
    QTimer *m_retry = nullptr;
    bool m_connecting = false;
};

} // namespace gw::datasets

Q_DECLARE_METATYPE(gw::datasets::ProjectChange)

#include "datasets/changefeed.h"

#include "datasets/pg.h"

#include <QFutureWatcher>
#include <QSocketNotifier>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <libpq-fe.h>

#include <charconv>

namespace gw::datasets {

namespace {

constexpr int kRetryMs = 2000;

/// The next space-separated word of text, or the rest.
std::string_view word(std::string_view &text, bool rest = false)
{
    const size_t space = rest ? std::string_view::npos : text.find(' ');
    std::string_view w = text.substr(0, space);
    text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
    return w;
}

int64_t number(std::string_view text)
{
    int64_t v = 0;
    std::from_chars(text.data(), text.data() + text.size(), v);
    return v;
}

} // namespace

std::optional<ProjectChange> parseProjectChange(std::string_view payload)
{
    ProjectChange c;
    const std::string_view kind = word(payload);
    if (kind == "label") {
        c.kind = ProjectChange::Kind::Label;
        c.jobId = number(word(payload));
        c.itemId = number(word(payload));
        c.author = std::string(word(payload, true));
    } else if (kind == "run") {
        c.kind = ProjectChange::Kind::Run;
        c.runId = number(word(payload));
        c.jobId = number(word(payload));
        c.status = std::string(word(payload, true));
    } else if (kind == "jobs") {
        c.kind = ProjectChange::Kind::Jobs;
    } else if (kind == "items") {
        c.kind = ProjectChange::Kind::Items;
    } else if (kind == "settings") {
        c.kind = ProjectChange::Kind::Settings;
    } else {
        return std::nullopt;
    }
    return c;
}

ChangeFeed::ChangeFeed(std::string url, QObject *parent) : QObject(parent), m_url(std::move(url))
{
    qRegisterMetaType<gw::datasets::ProjectChange>();
    m_retry = new QTimer(this);
    m_retry->setInterval(kRetryMs);
    m_retry->setSingleShot(true);
    connect(m_retry, &QTimer::timeout, this, &ChangeFeed::tryAgain);
}

ChangeFeed::~ChangeFeed() = default;

Result<std::unique_ptr<ChangeFeed>> ChangeFeed::watch(const std::string &location, QObject *parent)
{
    if (!pg::isServerUrl(location))
        return std::unique_ptr<ChangeFeed>();
    std::unique_ptr<ChangeFeed> feed(new ChangeFeed(location, parent));
    feed->m_conn = std::make_shared<pg::Connection>();
    if (auto r = feed->m_conn->open(location); !r)
        return fail(r.error());
    if (auto r = feed->listen(); !r)
        return fail(r.error());
    return feed;
}

bool ChangeFeed::connected() const
{
    return m_conn && !m_conn->broken() && m_notifier;
}

Result<> ChangeFeed::listen()
{
    if (auto r = m_conn->script("LISTEN gw_changes"); !r)
        return r;
    delete m_notifier;
    m_notifier = new QSocketNotifier(PQsocket(m_conn->raw()), QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &ChangeFeed::onReadable);
    return {};
}

void ChangeFeed::onReadable()
{
    pg_conn *c = m_conn->raw();
    if (!PQconsumeInput(c) || PQstatus(c) != CONNECTION_OK) {
        lost(QString::fromUtf8(PQerrorMessage(c)).trimmed());
        return;
    }
    while (PGnotify *n = PQnotifies(c)) {
        const std::string payload = n->extra ? n->extra : "";
        PQfreemem(n);
        if (auto change = parseProjectChange(payload))
            Q_EMIT changed(*change);
    }
}

void ChangeFeed::lost(const QString &why)
{
    delete m_notifier;
    m_notifier = nullptr;
    Q_EMIT connectionChanged(false, why.isEmpty() ? tr("the connection to the team server was lost") : why);
    m_retry->start();
}

void ChangeFeed::tryAgain()
{
    if (m_connecting)
        return;
    m_connecting = true;
    // Connecting may take as long as the server's timeout: on the thread pool, never on the caller's thread.
    auto *watcher = new QFutureWatcher<std::shared_ptr<pg::Connection>>(this);
    connect(watcher, &QFutureWatcher<std::shared_ptr<pg::Connection>>::finished, this, [this, watcher] {
        watcher->deleteLater();
        m_connecting = false;
        std::shared_ptr<pg::Connection> fresh = watcher->result();
        if (!fresh) {
            m_retry->start();
            return;
        }
        m_conn = std::move(fresh);
        if (auto r = listen(); !r) {
            m_retry->start();
            return;
        }
        Q_EMIT connectionChanged(true, tr("the team server is back"));
    });
    const std::string url = m_url;
    watcher->setFuture(QtConcurrent::run([url]() -> std::shared_ptr<pg::Connection> {
        auto c = std::make_shared<pg::Connection>();
        if (!c->open(url))
            return nullptr;
        return c;
    }));
}

} // namespace gw::datasets

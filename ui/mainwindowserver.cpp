// MainWindow and a team project on a PostgreSQL server: connecting (File › Connect to a Team Server…), others'
// labels, class changes, new items and finished rounds shown as the server announces them, and what the window says
// and does while the server is away (edits are kept and saved when it is back).

#include "ui/mainwindow.h"

#include "datasets/changefeed.h"
#include "datasets/pg.h"
#include "datasets/teamserver.h"
#include "labeling/labelingsession.h"
#include "ui/gallerymodel.h"
#include "ui/labelingpane.h"
#include "ui/plural.h"
#include "ui/teamserverdialog.h"

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QMessageBox>
#include <QStatusBar>
#include <QTimer>

#include <algorithm>

namespace gw::ui {

using namespace gw::datasets;

void MainWindow::connectToServer()
{
    TeamServerDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    openProject(dialog.url());
}

void MainWindow::watchProject()
{
    delete m_feed;
    m_feed = nullptr;
    m_remote = {};
    m_serverUser.clear();
    m_serverRole.clear();
    if (m_serverState)
        m_serverState->hide();
    if (!m_store || !pg::isServerUrl(m_store->path()))
        return;
    m_serverUser = QString::fromStdString(teamserver::userOf(*m_store));
    if (auto role = teamserver::roleOf(*m_store))
        m_serverRole = QString::fromUtf8(teamserver::roleName(*role).data(), qsizetype(teamserver::roleName(*role).size()));
    if (!m_serverState) {
        m_serverState = new QLabel(this);
        statusBar()->addPermanentWidget(m_serverState);
    }
    m_serverState->setText(tr("Team project · %1 (%2)").arg(m_serverUser, m_serverRole));
    m_serverState->setToolTip(QString::fromStdString(m_store->path()));
    m_serverState->show();
    auto feed = ChangeFeed::watch(m_store->path(), this);
    if (!feed) {
        onServerConnection(false, QString::fromStdString(feed.error().message));
        return;
    }
    m_feed = feed->release();
    connect(m_feed, &ChangeFeed::changed, this, &MainWindow::onProjectChange);
    connect(m_feed, &ChangeFeed::connectionChanged, this, &MainWindow::onServerConnection);
    if (!m_remoteTimer) {
        // Changes come in bursts (an import, a round of automated labeling): the window takes them in together.
        m_remoteTimer = new QTimer(this);
        m_remoteTimer->setSingleShot(true);
        m_remoteTimer->setInterval(100);
        connect(m_remoteTimer, &QTimer::timeout, this, &MainWindow::applyProjectChanges);
    }
}

void MainWindow::onProjectChange(const ProjectChange &change)
{
    switch (change.kind) {
    case ProjectChange::Kind::Label:
        if (change.author == m_serverUser.toStdString())
            return; // this window's own (or this person's other windows': they saw it there)
        m_remote.labels[change.jobId].insert(change.itemId);
        m_remote.authors.insert(change.author);
        break;
    case ProjectChange::Kind::Jobs: m_remote.jobs = true; break;
    case ProjectChange::Kind::Items: m_remote.items = true; break;
    case ProjectChange::Kind::Run: m_remote.runDone = m_remote.runDone || change.status == "done"; break;
    case ProjectChange::Kind::Settings: return;
    }
    if (!m_remoteTimer->isActive())
        m_remoteTimer->start();
}

void MainWindow::applyProjectChanges()
{
    RemoteChanges remote = std::exchange(m_remote, RemoteChanges{});
    if (!m_store || m_pane->job().id == 0)
        return;
    const Job shown = m_pane->job();
    if (remote.jobs) {
        // A new job, or classes renamed, added or removed by the lead.
        std::vector<std::string> names;
        if (auto all = m_store->jobs())
            for (const Job &j : *all)
                names.push_back(j.name);
        std::vector<std::string> listed;
        for (int i = 0; i < m_jobCombo->count(); ++i)
            listed.push_back(m_jobCombo->itemData(i).toString().toStdString());
        auto same = [](const std::vector<LabelClass> &a, const std::vector<LabelClass> &b) {
            return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const LabelClass &x, const LabelClass &y) {
                return x.id == y.id && x.name == y.name && x.color == y.color && x.shortcut == y.shortcut;
            });
        };
        if (auto fresh = m_store->job(shown.name); fresh && !same(fresh->classes, shown.classes)) {
            onClassesEdited(*fresh, true);
            statusBar()->showMessage(tr("The classes of %1 were changed on the team server.")
                                         .arg(QString::fromStdString(shown.name)),
                                     8000);
        }
        if (!std::is_permutation(names.begin(), names.end(), listed.begin(), listed.end()))
            reloadJobs(QString::fromStdString(shown.name));
    }
    if (remote.items) {
        m_gallery->itemsAdded();
        countProgress();
    }
    if (remote.runDone) {
        m_gallery->refreshLabels();
        countProgress();
        statusBar()->showMessage(tr("A round of automated labeling finished on the team server."), 8000);
    }
    const auto it = remote.labels.find(shown.id);
    if (it != remote.labels.end()) {
        for (int64_t item : it->second) {
            m_gallery->refreshItem(item);
            m_pane->reloadIfShown(item);
        }
        countProgress();
        m_pane->refreshCounts();
        QStringList who;
        for (const std::string &a : remote.authors)
            who << QString::fromStdString(a);
        statusBar()->showMessage(tr("%1 labeled %2")
                                     .arg(who.join(QStringLiteral(", ")),
                                          plural(qint64(it->second.size()), tr("%1 item"), tr("%1 items"))),
                                 5000);
    }
}

void MainWindow::onServerConnection(bool connected, const QString &message)
{
    if (!m_serverState)
        return;
    if (!connected) {
        m_serverState->setText(tr("Team server away — edits are kept"));
        m_serverState->setToolTip(message);
        m_pane->notify(tr("The team server cannot be reached (%1). Keep labeling: your edits are kept here and saved "
                          "as soon as it is back.")
                           .arg(message));
        return;
    }
    m_serverState->setText(tr("Team project · %1 (%2)").arg(m_serverUser, m_serverRole));
    m_serverState->setToolTip(QString::fromStdString(m_store ? m_store->path() : std::string()));
    // Back: what was kept is saved, and what others did meanwhile (not announced to this window) is read again.
    m_pane->savePending();
    m_remote.jobs = m_remote.items = m_remote.runDone = true;
    applyProjectChanges();
    m_gallery->refreshLabels();
    statusBar()->showMessage(tr("The team server is back."), 5000);
}

} // namespace gw::ui

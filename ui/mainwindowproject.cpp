// MainWindow's projects and media: opening and creating projects, the recent list, adding media, and a
// folder opened as a project and indexed in the background. (The window itself: mainwindow.cpp.)

#include "ui/mainwindow.h"

#include "datasets/pg.h"
#include "ui/keyring.h"

#include "ui/plural.h"
#include "datasets/workpool.h"

#include "datasets/importers.h"
#include "datasets/projectstore.h"
#include "labeling/labelingsession.h"
#include "ui/autolabelpanel.h"
#include "ui/cheatsheet.h"
#include "ui/datasetdialogs.h"
#include "ui/edaview.h"
#include "ui/filedialogs.h"
#include "ui/gallerymodel.h"
#include "ui/galleryview.h"
#include "ui/imagecanvas.h"
#include "ui/itemtablemodel.h"
#include "ui/labelingpane.h"
#include "ui/newjobdialog.h"
#include "ui/shortcutsdialog.h"
#include "ui/textimportdialog.h"
#include "ui/textlabelview.h"
#include "ui/trainingview.h"
#include "ui/welcomepage.h"

#include <QAbstractSpinBox>
#include <QActionGroup>
#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHeaderView>
#include <QInputDialog>
#include <QKeyEvent>
#include <QKeySequenceEdit>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QProgressDialog>
#include <QPushButton>
#include <QSettings>
#include <QSlider>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
#include <QTextEdit>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <cstdlib>

namespace gw::ui {

using namespace gw::datasets;

namespace {

/// Problems with media, one a line: the first 30, and how many more.
QString problemList(const std::vector<std::string> &problems)
{
    QStringList lines;
    for (size_t i = 0; i < problems.size() && i < 30; ++i)
        lines << QString::fromStdString(problems[i]);
    if (problems.size() > 30)
        lines << MainWindow::tr("… and %1 more").arg(problems.size() - 30);
    return lines.join(QLatin1Char('\n'));
}

} // namespace

// ---- project ----

bool MainWindow::openProject(const QString &path)
{
    // A team project opened by its address alone (Open Recent): the desktop keyring may keep its password.
    if (pg::isServerUrl(path.toStdString()) && pg::redacted(path.toStdString()) == path.toStdString())
        if (auto kept = keyring::lookup(path))
            pg::rememberPassword(path.toStdString(), kept->toStdString());
    auto store = ProjectStore::open(path.toStdString(), ProjectStore::OpenMode::OpenExisting);
    if (!store) {
        QMessageBox::warning(this, tr("Cannot open project"), QString::fromStdString(store.error().message));
        return false;
    }
    stopIndexing(false); // another project (or this one again): its folder is indexed anew when asked
    giveBackMyQueue();
    m_gallery->setStore(nullptr, nullptr);
    m_table->setStore(nullptr, nullptr);
    m_pane->setProject(nullptr, {});
    m_store = std::move(*store);
    // On a team server labels are recorded under the login the server checks (watchProject learns it).
    watchProject();
    // A work package is labelled by the worker it was made for, whoever's computer it is on.
    m_packageWorker = QString::fromStdString(m_store->setting("package.worker").value_or(std::string()));
    if (QAction *a = action(QStringLiteral("app.worker"))) {
        a->setText(m_serverUser.isEmpty() ? tr("Working as %1…").arg(worker())
                                          : tr("Working as %1 (your team server login)").arg(worker()));
        a->setEnabled(m_packageWorker.isEmpty() && m_serverUser.isEmpty());
    }
    m_pane->setProject(m_store.get(), worker().toStdString());
    // The group follows the current job's stack: each job keeps its own undo history.
    connect(m_pane->session()->undoGroup(), &QUndoGroup::canUndoChanged, action(QStringLiteral("edit.undo")), &QAction::setEnabled);
    connect(m_pane->session()->undoGroup(), &QUndoGroup::canRedoChanged, action(QStringLiteral("edit.redo")), &QAction::setEnabled);
    const bool onServer = pg::isServerUrl(path.toStdString());
    // A team project is named by its address without the password (kept in this program's memory only).
    const QString shown = onServer ? QString::fromStdString(m_store->path()) : QFileInfo(path).absoluteFilePath();
    setWindowTitle(tr("%1 — Groundwork")
                       .arg(onServer ? tr("%1 (team server)").arg(QString::fromStdString(m_store->path()).section(QLatin1Char('/'), 3).section(QLatin1Char('?'), 0, 0))
                                     : QFileInfo(path).fileName()));
    m_central->setCurrentWidget(m_pane);
    m_itemsDock->show();
    m_toolBar->show();
    rememberRecent(shown);
    reloadJobs();
    if (m_trainingWindow && m_trainingWindow->isVisible())
        training(); // the Training window follows the open project
    if (!m_packageWorker.isEmpty())
        statusBar()->showMessage(tr("A work package for %1: labels are recorded as %1. Merge it into its project "
                                    "when done (File › Merge Work Package… there).")
                                     .arg(m_packageWorker),
                                 15000);
    else
        statusBar()->showMessage(tr("Opened %1").arg(path), 4000);
    return true;
}

bool MainWindow::showingWelcome() const
{
    return m_central->currentWidget() == m_welcome;
}

bool MainWindow::newProject(const QString &path)
{
    QString file = path;
    if (!file.endsWith(QStringLiteral(".gwproj")))
        file += QStringLiteral(".gwproj");
    auto store = ProjectStore::open(file.toStdString(), ProjectStore::OpenMode::Create);
    if (!store) {
        QMessageBox::warning(this, tr("Cannot create project"), QString::fromStdString(store.error().message));
        return false;
    }
    store->reset();
    return openProject(file);
}

void MainWindow::chooseProject()
{
    const QString path = filedialogs::openFile(this, tr("Open Project"), QString(), tr("Groundwork projects (*.gwproj)"));
    if (!path.isEmpty())
        openProject(path);
}

void MainWindow::chooseNewProject()
{
    const QString path = filedialogs::saveFile(this, tr("New Project"), QString(), tr("Groundwork projects (*.gwproj)"));
    if (!path.isEmpty())
        newProject(path);
}

void MainWindow::chooseMedia(bool folder)
{
    if (!m_store)
        return;
    QStringList paths;
    if (folder) {
        const QString dir = filedialogs::folder(this, tr("Add a Folder of Images"));
        if (!dir.isEmpty())
            paths << dir;
    } else {
        paths = filedialogs::openFiles(this, tr("Add Images, Manifests or Texts"), QString(),
                                       tr("Media (*.jpg *.jpeg *.png *.bmp *.tif *.tiff *.webp *.manifest "
                                                 "*.jsonl *.txt *.csv *.tsv);;All files (*)"));
    }
    // Texts are read the way the user chooses in a preview; images and manifests go straight in.
    QStringList direct;
    for (const QString &p : std::as_const(paths)) {
        const QString ext = QFileInfo(p).suffix().toLower();
        if (ext == QStringLiteral("txt") || ext == QStringLiteral("csv") || ext == QStringLiteral("tsv")
            || ext == QStringLiteral("jsonl"))
            addTexts(p);
        else
            direct << p;
    }
    if (!direct.isEmpty())
        addPaths(direct);
}

bool MainWindow::addTexts(const QString &path)
{
    TextImportDialog dialog(path, this);
    if (dialog.exec() != QDialog::Accepted)
        return false;
    return addPaths({path}, dialog.options());
}

bool MainWindow::addPaths(const QStringList &paths, const SourceOptions &options)
{
    if (!m_store)
        return false;
    // One writer of new items at a time, so that nothing is added twice.
    stopIndexing(true);
    // The import runs on a thread with its own connection; the window stays live and shows progress.
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    auto permille = std::make_shared<std::atomic<int>>(0);
    const std::string project = m_store->path();
    QProgressDialog dialog(tr("Adding media…"), tr("Cancel"), 0, 1000, this);
    dialog.setWindowModality(Qt::WindowModal);
    dialog.setMinimumDuration(300);
    using Outcome = std::pair<std::vector<std::string>, std::vector<std::string>>; // reports, problems
    QFutureWatcher<Outcome> watcher;
    QTimer poll;
    connect(&poll, &QTimer::timeout, &dialog, [&] { dialog.setValue(permille->load()); });
    connect(&dialog, &QProgressDialog::canceled, &dialog, [cancel] { *cancel = true; });
    watcher.setFuture(QtConcurrent::run(workPool(), [project, paths, options, cancel, permille]() -> Outcome {
        Outcome out;
        auto store = ProjectStore::open(project, ProjectStore::OpenMode::OpenExisting);
        if (!store) {
            out.second.push_back(store.error().message);
            return out;
        }
        for (int i = 0; i < paths.size() && !*cancel; ++i) {
            SourceOptions opt = options;
            opt.progress = [&](int64_t done, int64_t total) {
                *permille = int((i + (total > 0 ? double(done) / double(total) : 0)) * 1000 / paths.size());
                return !*cancel;
            };
            auto r = importPath(**store, paths[i].toStdString(), opt);
            if (!r) {
                out.second.push_back(r.error().message);
                continue;
            }
            out.first.push_back(paths[i].toStdString() + ": " + std::to_string(r->itemsAdded) + " added");
            for (const auto &w : r->warnings)
                out.second.push_back(w);
        }
        return out;
    }));
    QEventLoop loop;
    connect(&watcher, &QFutureWatcher<Outcome>::finished, &loop, &QEventLoop::quit);
    poll.start(100);
    loop.exec();
    poll.stop();
    dialog.reset();
    const Outcome outcome = watcher.result();
    onJobChosen(m_jobCombo->currentIndex()); // the lists show the new items
    QStringList summary;
    for (const auto &s : outcome.first)
        summary << QString::fromStdString(s);
    statusBar()->showMessage(summary.join(QStringLiteral("; ")), 8000);
    if (!outcome.second.empty())
        QMessageBox::warning(this, tr("Some media need attention"), problemList(outcome.second));
    return outcome.second.empty() && !*cancel;
}

void MainWindow::rememberRecent(const QString &path)
{
    QSettings s;
    QStringList recent = s.value(QStringLiteral("recentProjects")).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > 8)
        recent.removeLast();
    s.setValue(QStringLiteral("recentProjects"), recent);
    updateRecentMenu();
}

void MainWindow::forgetRecent(const QString &path)
{
    QSettings s;
    QStringList recent = s.value(QStringLiteral("recentProjects")).toStringList();
    recent.removeAll(path);
    s.setValue(QStringLiteral("recentProjects"), recent);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    if (!m_recentMenu)
        return;
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(QStringLiteral("recentProjects")).toStringList();
    for (const QString &p : recent) {
        QAction *a = m_recentMenu->addAction(p, this, [this, p] { openProject(p); });
        if (!QFileInfo(p).isFile()) {
            a->setText(tr("%1 — not found").arg(p));
            a->setEnabled(false);
        }
    }
    m_recentMenu->setEnabled(!recent.isEmpty());
    if (m_welcome)
        m_welcome->setRecent(recent);
}

bool MainWindow::openFolder(const QString &dir)
{
    // The project lives in the folder, named after it; a folder opened before opens its project again.
    const QDir folder(dir);
    if (!QFileInfo(dir).isDir()) {
        QMessageBox::warning(this, tr("Cannot open the folder"), tr("%1 is not a folder.").arg(dir));
        return false;
    }
    const QString project = folder.absoluteFilePath(folder.dirName() + QStringLiteral(".gwproj"));
    if (!(QFileInfo::exists(project) ? openProject(project) : newProject(project)))
        return false;
    startIndexing(folder.absolutePath());
    return true;
}

// ---- indexing a folder ----

void MainWindow::startIndexing(const QString &folder)
{
    stopIndexing(false);
    m_indexer = new FolderIndexer(QString::fromStdString(m_store->path()), folder, m_indexHook, this);
    connect(m_indexer, &FolderIndexer::committed, this, &MainWindow::onIndexCommitted);
    connect(m_indexer, &FolderIndexer::finished, this, &MainWindow::onIndexFinished);
    m_indexCancel->setEnabled(true);
    updateIndexStatus();
    if (m_pane->currentItem() == 0)
        showFirstMatch(); // "Looking for images…" rather than "no items yet"
}

void MainWindow::stopIndexing(bool tell)
{
    if (!m_indexer)
        return;
    m_indexer->disconnect(this);
    m_indexer->stopAndWait();
    if (tell)
        onIndexFinished();
    delete m_indexer;
    m_indexer = nullptr;
    updateIndexStatus();
}

void MainWindow::onIndexCommitted()
{
    updateIndexStatus();
    // The first images at once; after that the lists take in new ones now and then, not at every chunk.
    if (m_pane->currentItem() == 0)
        takeInIndexedItems();
    else if (!m_indexRefresh->isActive())
        m_indexRefresh->start();
}

void MainWindow::takeInIndexedItems()
{
    m_indexRefresh->stop();
    if (!m_store)
        return;
    m_gallery->itemsAdded();
    if (m_pane->currentItem() == 0 && itemList()->model()->rowCount() > 0)
        showFirstMatch();
    countProgress();
}

void MainWindow::onIndexFinished()
{
    FolderIndexer *indexer = m_indexer;
    if (!indexer)
        return;
    const FolderIndexReport report = indexer->report();
    const QString error = indexer->error();
    const QString name = QFileInfo(indexer->folder()).fileName();
    const int64_t done = report.files >= 0 ? report.done : indexer->done();
    const int64_t total = report.files >= 0 ? report.files : indexer->total();
    m_indexer = nullptr;
    indexer->deleteLater();
    updateIndexStatus();
    takeInIndexedItems();
    const auto images = [](int64_t n) { return plural(n, tr("%1 image"), tr("%1 images")); };
    if (!error.isEmpty() || report.cancelled) {
        const QString sofar = total >= 0 ? tr("Indexed %1 of %2 in %3").arg(QLocale().toString(qlonglong(done)),
                                                                             images(total), name)
                                         : tr("Indexed %1 in %2").arg(images(done), name);
        const QString rest = tr("open the folder again to index the rest.");
        if (!error.isEmpty())
            QMessageBox::warning(this, tr("Indexing stopped"),
                                 tr("Indexing %1 stopped: %2\n\n%3; %4").arg(name, error, sofar, rest));
        else
            statusBar()->showMessage(tr("%1; %2").arg(sofar, rest), 20000);
    } else if (report.itemsAdded > 0) {
        statusBar()->showMessage(tr("Indexed %1: %2.").arg(name, images(report.files)), 8000);
    } else {
        statusBar()->showMessage(tr("All %1 in %2 were in the project already.").arg(images(report.files), name), 8000);
    }
    if (!report.warnings.empty()) {
        // As after adding media, but without waiting on it: labeling goes on.
        auto *box = new QMessageBox(QMessageBox::Warning, tr("Some media need attention"),
                                    problemList(report.warnings), QMessageBox::Ok, this);
        box->setObjectName(QStringLiteral("indexingProblems"));
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    }
}

void MainWindow::updateIndexStatus()
{
    const bool on = m_indexer != nullptr;
    m_indexText->setVisible(on);
    m_indexBar->setVisible(on);
    m_indexCancel->setVisible(on);
    if (!on || m_indexer->isCancelled())
        return;
    const QString name = QFileInfo(m_indexer->folder()).fileName();
    const int64_t done = m_indexer->done(), total = m_indexer->total();
    if (total < 0) {
        m_indexText->setText(tr("Indexing %1: %2 so far…").arg(name, plural(done, tr("%1 image"), tr("%1 images"))));
        m_indexBar->setRange(0, 0); // busy: the folder is still being listed
        return;
    }
    m_indexText->setText(tr("Indexing %1: %2 of %3").arg(name, QLocale().toString(qlonglong(done)),
                                                          plural(total, tr("%1 image"), tr("%1 images"))));
    m_indexBar->setRange(0, 1000);
    m_indexBar->setValue(total ? int(done * 1000 / total) : 1000);
}

QString MainWindow::worker() const
{
    if (!m_packageWorker.isEmpty())
        return m_packageWorker;
    if (!m_serverUser.isEmpty())
        return m_serverUser;
    const QString chosen = QSettings().value(QStringLiteral("worker")).toString().trimmed();
    return chosen.isEmpty() ? QString::fromStdString(labeling::LabelingSession::defaultAuthor()) : chosen;
}

void MainWindow::setWorker(const QString &name)
{
    const QString trimmed = name.trimmed().left(200);
    giveBackMyQueue(); // what was handed out under the old name
    if (trimmed.isEmpty())
        QSettings().remove(QStringLiteral("worker"));
    else
        QSettings().setValue(QStringLiteral("worker"), trimmed);
    if (m_pane->session())
        m_pane->session()->setAuthor(worker().toStdString());
    if (QAction *a = action(QStringLiteral("app.worker")))
        a->setText(tr("Working as %1…").arg(worker()));
    m_filterCombo->setItemText(m_filterCombo->findData(int(GalleryModel::Filter::Mine)), tr("My queue (%1)").arg(worker()));
    if (showingMine()) { // the new worker's own queue
        loadMyQueue();
        applyOwnAnswers();
        if (m_textJob)
            applyTextFilters();
        else
            showFirstMatch();
    }
    statusBar()->showMessage(tr("Labels are now recorded as %1.").arg(worker()), 6000);
}

void MainWindow::askWorker()
{
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Working As"),
                                               tr("Your labels are recorded under this name (empty: your login name):"),
                                               QLineEdit::Normal, worker(), &ok);
    if (ok)
        setWorker(name);
}

QString MainWindow::newJobHint() const
{
    const QAction *newJob = action(QStringLiteral("app.newJob"));
    return tr("Next, create a job: what to label and with which classes (Job › %1, %2).")
        .arg(newJob->text(), newJob->shortcut().toString(QKeySequence::NativeText));
}

} // namespace gw::ui

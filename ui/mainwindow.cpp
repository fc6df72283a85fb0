#include "ui/plural.h"
#include "ui/mainwindow.h"
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

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent), m_shortcuts(labeling::ShortcutMap::defaults())
{
    setWindowTitle(tr("Groundwork"));
    QSettings settings;
    QMap<QString, QString> saved;
    settings.beginGroup(QStringLiteral("shortcuts"));
    for (const QString &k : settings.childKeys())
        saved.insert(k, settings.value(k).toString());
    settings.endGroup();
    m_shortcuts.applyOverrides(saved);

    m_pane = new LabelingPane(m_shortcuts);
    m_welcome = new WelcomePage;
    m_central = new QStackedWidget;
    m_central->addWidget(m_welcome);
    m_central->addWidget(m_pane);
    setCentralWidget(m_central); // the welcome page until a project is open
    createActions();
    createMenus();
    createToolBar();
    createDocks();
    createAutoLabelDock();
    applyShortcuts();

    m_progressText = new QLabel;
    m_progress = new QProgressBar;
    m_progress->setMaximumWidth(180);
    m_progress->setTextVisible(false);
    m_zoom = new QLabel; // "Zoom 100%": beside the progress bar a bare percentage read as progress
    m_zoom->setObjectName(QStringLiteral("zoom"));
    m_zoom->setMinimumWidth(60);
    // Indexing a folder: left of the labeling progress, shown while it runs.
    m_indexText = new QLabel;
    m_indexText->setObjectName(QStringLiteral("indexingText"));
    m_indexBar = new QProgressBar;
    m_indexBar->setMaximumWidth(140);
    m_indexBar->setTextVisible(false);
    m_indexCancel = new QPushButton(tr("Cancel"));
    m_indexCancel->setObjectName(QStringLiteral("cancelIndexing"));
    m_indexCancel->setFocusPolicy(Qt::NoFocus); // keys stay with the canvas
    m_indexCancel->setToolTip(tr("Stop indexing; the images indexed so far stay in the project"));
    connect(m_indexCancel, &QPushButton::clicked, this, [this] {
        if (!m_indexer)
            return;
        m_indexer->cancel();
        m_indexCancel->setEnabled(false);
        m_indexText->setText(tr("Stopping indexing…"));
    });
    for (QWidget *w : {static_cast<QWidget *>(m_indexText), static_cast<QWidget *>(m_indexBar),
                       static_cast<QWidget *>(m_indexCancel)}) {
        statusBar()->addPermanentWidget(w);
        w->hide();
    }
    m_indexRefresh = new QTimer(this);
    m_indexRefresh->setSingleShot(true);
    m_indexRefresh->setInterval(1000);
    connect(m_indexRefresh, &QTimer::timeout, this, &MainWindow::takeInIndexedItems);
    statusBar()->addPermanentWidget(m_progressText);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_zoom);
    statusBar()->showMessage(tr("Open a project (Ctrl+O) or create one (Ctrl+N). F1 shows every key."));

    connect(m_pane, &LabelingPane::advanceRequested, this, &MainWindow::next);
    connect(m_pane, &LabelingPane::labelChanged, this, &MainWindow::onLabelChanged);
    connect(m_pane, &LabelingPane::message, this, [this](const QString &m) { statusBar()->showMessage(m, 6000); });
    connect(m_pane, &LabelingPane::classKeyChangeRequested, this, &MainWindow::changeClassKey);
    connect(m_pane, &LabelingPane::classEditorRequested, this, &MainWindow::editClasses);
    connect(m_pane->canvas(), &ImageCanvas::zoomChanged, this,
            [this](double s) { m_zoom->setText(tr("Zoom %1%").arg(qRound(s * 100))); });
    m_recount = new QTimer(this);
    m_recount->setSingleShot(true);
    m_recount->setInterval(3000);
    connect(m_recount, &QTimer::timeout, this, &MainWindow::countProgress);
    connect(m_welcome, &WelcomePage::newRequested, this, &MainWindow::chooseNewProject);
    connect(m_welcome, &WelcomePage::openRequested, this, &MainWindow::chooseProject);
    connect(m_welcome, &WelcomePage::openFolderRequested, this, [this] {
        const QString dir = filedialogs::folder(this, tr("Open a Folder of Images or Texts"));
        if (!dir.isEmpty())
            openFolder(dir);
    });
    connect(m_welcome, &WelcomePage::recentChosen, this, [this](const QString &p) { openProject(p); });
    connect(m_welcome, &WelcomePage::recentRemoved, this, &MainWindow::forgetRecent);
    // Until a project is open: the welcome page alone, no labeling tools or progress that mean nothing yet.
    m_itemsDock->hide();
    m_autoDock->hide();
    m_toolBar->hide();
    m_progress->hide();
    updateRecentMenu();
    qApp->installEventFilter(this);
    resize(1500, 920);
}

MainWindow::~MainWindow()
{
    qApp->removeEventFilter(this);
    stopIndexing(false);
    // Views and the pane read the store: detach them before it goes.
    m_gallery->setStore(nullptr, nullptr);
    m_table->setStore(nullptr, nullptr);
    m_pane->setProject(nullptr, {});
    delete m_autoPanel; // waits for a running round, which has a connection of its own
    m_autoPanel = nullptr;
}

// ---- actions ----

void MainWindow::createDocks()
{
    m_gallery = new GalleryModel(this);
    m_galleryView = new GalleryView;
    m_galleryView->setModel(m_gallery);
    m_table = new ItemTableModel(this);
    auto *table = new QTableView;
    table->setModel(m_table);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setSectionResizeMode(ItemTableModel::MediaColumn, QHeaderView::Stretch);
    table->setWordWrap(false);
    m_tableView = table;
    m_lists = new QStackedWidget;
    m_lists->addWidget(m_galleryView);
    m_lists->addWidget(m_tableView);

    m_filterCombo = new QComboBox;
    m_filterCombo->setObjectName(QStringLiteral("itemFilter"));
    m_filterCombo->setFocusPolicy(Qt::NoFocus);
    m_filterCombo->addItem(tr("All items"), int(GalleryModel::Filter::All));
    m_filterCombo->addItem(tr("Most useful next (automated labeling)"), int(GalleryModel::Filter::Queue));
    m_filterCombo->addItem(tr("Selected in Explore"), int(GalleryModel::Filter::Selection));
    m_filterCombo->addItem(tr("Unlabeled"), int(GalleryModel::Filter::Unlabeled));
    m_filterCombo->addItem(tr("Labeled"), int(GalleryModel::Filter::Labeled));
    m_filterCombo->addItem(tr("Labeled by people"), int(GalleryModel::Filter::Human));
    m_filterCombo->addItem(tr("Labeled automatically"), int(GalleryModel::Filter::Auto));
    m_filterCombo->addItem(tr("Missing, unreadable or set aside"), int(GalleryModel::Filter::Flagged));
    m_count = new QLabel;
    m_classFilter = new QComboBox;
    m_classFilter->setObjectName(QStringLiteral("classFilter"));
    m_classFilter->setFocusPolicy(Qt::NoFocus);
    m_authorFilter = new QComboBox;
    m_authorFilter->setObjectName(QStringLiteral("annotatorFilter"));
    m_authorFilter->setFocusPolicy(Qt::NoFocus);
    m_authorFilter->setEditable(true);
    m_authorFilter->lineEdit()->setPlaceholderText(tr("Any annotator"));
    m_classFilter->setToolTip(tr("Show only items whose label has this class"));
    m_authorFilter->setToolTip(tr("Show only items whose current label is by this person or model "
                                  "(pick one, or type a name and press Enter)"));
    m_newestFirst = new QCheckBox(tr("Newest first"));
    m_newestFirst->setFocusPolicy(Qt::NoFocus);
    auto *panel = new QWidget;
    auto *layout = new QVBoxLayout(panel);
    layout->setContentsMargins(4, 4, 4, 4);
    auto *top = new QHBoxLayout;
    top->addWidget(m_filterCombo, 1);
    top->addWidget(m_count);
    layout->addLayout(top);
    auto *second = new QHBoxLayout;
    second->addWidget(m_classFilter, 1);
    second->addWidget(m_authorFilter, 1);
    second->addWidget(m_newestFirst);
    layout->addLayout(second);
    layout->addWidget(m_lists);
    auto *dock = new QDockWidget(tr("Items"));
    m_itemsDock = dock;
    dock->setObjectName(QStringLiteral("itemsDock"));
    dock->setFeatures(QDockWidget::DockWidgetMovable);
    dock->setWidget(panel);
    dock->setMinimumWidth(380);
    addDockWidget(Qt::LeftDockWidgetArea, dock);

    connect(m_filterCombo, &QComboBox::currentIndexChanged, this, [this] {
        updateFilterControls();
        if (m_textJob)
            return applyTextFilters();
        m_gallery->setFilter(GalleryModel::Filter(m_filterCombo->currentData().toInt()));
        showFirstMatch();
    });
    connect(m_classFilter, &QComboBox::currentIndexChanged, this, [this] {
        if (m_textJob)
            return applyTextFilters();
        const QVariant id = m_classFilter->currentData();
        m_gallery->setClassFilter(id.isValid() ? std::optional<int>(id.toInt()) : std::nullopt);
        showFirstMatch();
    });
    auto applyAuthor = [this] {
        if (m_textJob)
            return applyTextFilters();
        const QString who = m_authorFilter->currentText().trimmed();
        m_gallery->setAuthorFilter(who.isEmpty() ? std::nullopt : std::optional<std::string>(who.toStdString()));
        showFirstMatch();
        m_pane->canvas()->setFocus();
    };
    connect(m_authorFilter->lineEdit(), &QLineEdit::editingFinished, this, applyAuthor);
    connect(m_authorFilter, &QComboBox::activated, this, applyAuthor); // picked from the list
    connect(m_newestFirst, &QCheckBox::toggled, this, [this](bool on) {
        m_gallery->setSortDescending(on);
        showFirstMatch();
    });
    connect(m_gallery, &GalleryModel::filteredCountChanged, this, [this](int64_t n) {
        if (m_textJob)
            return;
        m_count->setText(itemCount(n));
        if (n == 0 && m_pane->currentItem() == 0)
            showFirstMatch(); // "Looking…" becomes "No item matches"
    });
    // A rare filter's first matches can arrive after the filter changed (pages scan id windows).
    connect(m_gallery, &GalleryModel::rowsInserted, this, [this] {
        if (!m_textJob && m_pane->session() && m_pane->currentItem() == 0)
            QTimer::singleShot(0, this, [this] {
                if (m_pane->currentItem() == 0 && m_gallery->rowCount() > 0)
                    goToRow(0);
            });
    });
    connect(m_galleryView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &i) { onCurrentItemChanged(i); });
    connect(m_tableView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &i) { onCurrentItemChanged(i); });
}

// ---- project ----

bool MainWindow::openProject(const QString &path)
{
    auto store = ProjectStore::open(path.toStdString(), ProjectStore::OpenMode::OpenExisting);
    if (!store) {
        QMessageBox::warning(this, tr("Cannot open project"), QString::fromStdString(store.error().message));
        return false;
    }
    stopIndexing(false); // another project (or this one again): its folder is indexed anew when asked
    m_gallery->setStore(nullptr, nullptr);
    m_table->setStore(nullptr, nullptr);
    m_pane->setProject(nullptr, {});
    m_store = std::move(*store);
    m_pane->setProject(m_store.get(), labeling::LabelingSession::defaultAuthor());
    // The group follows the current job's stack: each job keeps its own undo history.
    connect(m_pane->session()->undoGroup(), &QUndoGroup::canUndoChanged, action(QStringLiteral("edit.undo")), &QAction::setEnabled);
    connect(m_pane->session()->undoGroup(), &QUndoGroup::canRedoChanged, action(QStringLiteral("edit.redo")), &QAction::setEnabled);
    setWindowTitle(tr("%1 — Groundwork").arg(QFileInfo(path).fileName()));
    m_central->setCurrentWidget(m_pane);
    m_itemsDock->show();
    m_toolBar->show();
    rememberRecent(QFileInfo(path).absoluteFilePath());
    reloadJobs();
    if (m_trainingWindow && m_trainingWindow->isVisible())
        training(); // the Training window follows the open project
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

QString MainWindow::newJobHint() const
{
    return tr("Next, create a job: what to label and with which classes (Job › New Job…, %1).")
        .arg(action(QStringLiteral("app.newJob"))->shortcut().toString(QKeySequence::NativeText));
}

// ---- jobs ----

void MainWindow::reloadJobs(const QString &select)
{
    const QSignalBlocker block(m_jobCombo);
    m_jobCombo->clear();
    if (auto jobs = m_store->jobs()) {
        for (const Job &j : *jobs)
            m_jobCombo->addItem(QStringLiteral("%1  (%2)").arg(QString::fromStdString(j.name),
                                                               QString::fromUtf8(taskInfo(j.type).title.data(),
                                                                                 qsizetype(taskInfo(j.type).title.size()))),
                                QString::fromStdString(j.name));
    }
    const int index = select.isEmpty() ? 0 : std::max(0, m_jobCombo->findData(select));
    m_jobCombo->setCurrentIndex(m_jobCombo->count() ? index : -1);
    onJobChosen(m_jobCombo->currentIndex());
}

bool MainWindow::selectJob(const QString &name)
{
    const int index = m_jobCombo->findData(name);
    if (index < 0)
        return false;
    m_jobCombo->setCurrentIndex(index);
    onJobChosen(index);
    return true;
}

void MainWindow::onJobChosen(int index)
{
    if (!m_store)
        return;
    std::optional<Job> job;
    if (index >= 0)
        if (auto j = m_store->job(m_jobCombo->itemData(index).toString().toStdString()))
            job = *j;
    if (job)
        m_pane->setJob(*job);
    m_pane->canvas()->setHint(job ? QString() : newJobHint()); // images can be looked at before there is a job
    m_textJob = job && !taskInfo(job->type).image;
    const auto tools = m_pane->availableTools();
    const std::pair<const char *, LabelingPane::ToolKind> kinds[] = {{"tool.box", LabelingPane::ToolKind::Box},
                                                                    {"tool.polygon", LabelingPane::ToolKind::Polygon},
                                                                    {"tool.brush", LabelingPane::ToolKind::Brush},
                                                                    {"tool.eraser", LabelingPane::ToolKind::Eraser}};
    for (const auto &[id, kind] : kinds) {
        QAction *a = action(QString::fromLatin1(id));
        a->setVisible(tools.contains(kind));
        a->setChecked(m_pane->toolKind() == kind);
    }
    m_noTools->setVisible(tools.isEmpty());
    m_noTools->setText(m_textJob && job && job->type == TaskType::NamedEntityRecognition
                           ? tr("No drawing tools in this job: select text, then press a class key")
                           : tr("No drawing tools in this job: press a class key to label (F1 lists the keys)"));
    const bool masks = job && job->type == TaskType::SemanticSegmentation;
    m_opacityLabel->setVisible(masks);
    m_opacityAction->setVisible(masks);
    for (const char *id : {"view.fit", "view.actual", "view.annotations"})
        action(QString::fromLatin1(id))->setVisible(!m_textJob);
    m_zoom->setVisible(!m_textJob);

    {
        const QSignalBlocker blockClass(m_classFilter);
        m_classFilter->clear();
        m_classFilter->addItem(tr("Any class"));
        if (job)
            for (const LabelClass &c : job->classes)
                m_classFilter->addItem(QString::fromStdString(c.name), c.id);
        const QSignalBlocker blockAuthor(m_authorFilter);
        m_authorFilter->clear();
        if (job)
            if (auto who = m_store->authors(job->id))
                for (const std::string &name : *who)
                    m_authorFilter->addItem(QString::fromStdString(name));
        m_authorFilter->setCurrentIndex(-1);
        m_authorFilter->clearEditText();
        m_gallery->setClassFilter(std::nullopt);
        m_gallery->setAuthorFilter(std::nullopt);
    }
    m_newestFirst->setEnabled(!m_textJob);
    updateFilterControls();
    if (m_textJob) {
        m_lists->setCurrentWidget(m_tableView);
        m_table->setStore(m_store.get(), job ? &*job : nullptr);
        applyTextFilters();
        auto *header = static_cast<QTableView *>(m_tableView)->horizontalHeader();
        for (int c : {int(ItemTableModel::IdColumn), int(ItemTableModel::SizeColumn), int(ItemTableModel::LabelColumn)})
            header->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    } else {
        m_lists->setCurrentWidget(m_galleryView);
        m_gallery->setStore(m_store.get(), job ? &*job : nullptr);
    }
    m_autoPanel->setJob(QString::fromStdString(m_store->path()), job);
    // The panel where the loop applies; boxes, masks and entities keep the room for the canvas (View menu).
    const bool autoApplies = job && activelearning::AutoLabeler::supports(*job).has_value();
    const bool appears = autoApplies && m_autoDock->isHidden();
    m_autoDock->setVisible(autoApplies);
    if (appears && !m_autoDock->property("sized").toBool()) {
        // Shown after the window was laid out, a dock takes its chart's wide size hint from the canvas: it
        // starts at a panel's width once; after that it keeps whatever width the user gives it.
        resizeDocks({m_autoDock}, {360}, Qt::Horizontal);
        m_autoDock->setProperty("sized", true);
    }
    showFirstMatch();
    m_labeled = m_totalItems = -1; // another job or project: "Counting…" until its count is in
    countProgress();
}

void MainWindow::updateFilterControls()
{
    // Unlabeled items have no class and no annotator: say so instead of greying the filters out silently.
    const bool unlabeled = GalleryModel::Filter(m_filterCombo->currentData().toInt()) == GalleryModel::Filter::Unlabeled;
    for (QComboBox *c : {m_classFilter, m_authorFilter}) {
        c->setEnabled(!unlabeled);
        if (unlabeled)
            c->setToolTip(tr("Unlabeled items have no class or annotator yet: choose another list above to "
                             "filter by them."));
    }
    if (!unlabeled) {
        m_classFilter->setToolTip(tr("Show only items whose label has this class"));
        m_authorFilter->setToolTip(tr("Show only items whose current label is by this person or model "
                                      "(pick one, or type a name and press Enter)"));
    }
    m_newestFirst->setToolTip(m_textJob ? tr("Texts are listed in the order they were added")
                                        : tr("Newest items first"));
}

void MainWindow::applyTextFilters()
{
    // The same filters as the gallery, as a store filter over text items.
    ItemFilter f;
    f.kind = MediaKind::Text;
    f.jobId = m_pane->job().id;
    switch (GalleryModel::Filter(m_filterCombo->currentData().toInt())) {
    case GalleryModel::Filter::All: break;
    case GalleryModel::Filter::Unlabeled: f.labeled = false; break;
    case GalleryModel::Filter::Labeled: f.labeled = true; break;
    case GalleryModel::Filter::Human: f.labeled = true; f.source = Source::Human; break;
    case GalleryModel::Filter::Auto: f.labeled = true; f.source = Source::Auto; break;
    case GalleryModel::Filter::Flagged: f.flaggedOnly = true; break;
    case GalleryModel::Filter::Queue: break; // the table shows the queue itself (setQueue)
    case GalleryModel::Filter::Selection: break;
    }
    const auto filter = GalleryModel::Filter(m_filterCombo->currentData().toInt());
    m_table->setQueue(filter == GalleryModel::Filter::Queue       ? std::optional<std::vector<int64_t>>(m_autoPanel->queue())
                      : filter == GalleryModel::Filter::Selection ? std::optional<std::vector<int64_t>>(m_selection)
                                                                  : std::nullopt);
    if (const QVariant id = m_classFilter->currentData(); id.isValid()) {
        f.labeled = true;
        f.classId = id.toInt();
    }
    if (const QString who = m_authorFilter->currentText().trimmed(); !who.isEmpty()) {
        f.labeled = true;
        f.author = who.toStdString();
    }
    m_table->setFilter(f);
    m_count->setText(itemCount(m_table->totalCount()));
    showFirstMatch();
}

// ---- navigation ----

QAbstractItemView *MainWindow::itemList() const
{
    return m_textJob ? m_tableView : static_cast<QAbstractItemView *>(m_galleryView);
}

int MainWindow::currentRow() const
{
    const QModelIndex i = itemList()->currentIndex();
    return i.isValid() ? i.row() : -1;
}

int64_t MainWindow::itemAt(int row) const
{
    QAbstractItemModel *model = itemList()->model();
    return model->data(model->index(row, 0), Qt::UserRole).toLongLong();
}

void MainWindow::goToRow(int row)
{
    QAbstractItemModel *model = itemList()->model();
    while (row >= model->rowCount() && model->canFetchMore({}))
        model->fetchMore({});
    if (row < 0 || row >= model->rowCount())
        return;
    const QModelIndex index = model->index(row, m_textJob ? ItemTableModel::MediaColumn : 0);
    itemList()->setCurrentIndex(index);
    itemList()->scrollTo(index);
}

QString MainWindow::itemCount(qint64 n) const
{
    return plural(n, tr("%1 item"), tr("%1 items"));
}

bool MainWindow::hasAnyItem() const
{
    bool any = false;
    ItemFilter first;
    first.limit = 1;
    if (m_store)
        (void)m_store->forEachItem(first, [&](const Item &) { return !(any = true); });
    return any;
}

void MainWindow::showFirstMatch()
{
    QAbstractItemModel *model = itemList()->model();
    if (model->rowCount() > 0) {
        goToRow(0); // without a job only to look at, with the hint to make one (onJobChosen)
        return;
    }
    // Nothing listed: nothing current either, or a class key would label an item the list does not show.
    if (!hasAnyItem() && m_indexer)
        m_pane->closeItem(tr("Looking for images in %1…").arg(QFileInfo(m_indexer->folder()).fileName()));
    else if (!hasAnyItem())
        m_pane->closeItem(tr("This project has no items yet.\nAdd images (Ctrl+I), a folder (File › Add a Folder…) "
                             "or texts (File › Add Texts…)."));
    else if (m_pane->job().id == 0)
        m_pane->closeItem(newJobHint());
    else if (model->canFetchMore({}))
        m_pane->closeItem(tr("Looking for matching items…"));
    else
        m_pane->closeItem(tr("No item matches this filter.\nChoose \u201cAll items\u201d above the list to see every item."));
}

void MainWindow::next()
{
    const int row = currentRow();
    if (row + 1 >= itemList()->model()->rowCount() && !itemList()->model()->canFetchMore({}) && m_indexer)
        takeInIndexedItems(); // the images indexed since the list last looked
    if (row + 1 >= itemList()->model()->rowCount() && !itemList()->model()->canFetchMore({})) {
        statusBar()->showMessage(tr("This is the last item."), 3000);
        return;
    }
    goToRow(row + 1);
}

void MainWindow::previous()
{
    if (currentRow() > 0)
        goToRow(currentRow() - 1);
}

void MainWindow::nextUnlabeled()
{
    if (!m_store || !m_pane->session())
        return;
    // The next unlabeled item after the current one in id order (then from the start), found by the store.
    const Job &job = m_pane->job();
    std::optional<int64_t> found;
    for (int64_t after : {m_pane->currentItem(), int64_t(0)}) {
        ItemFilter f;
        f.jobId = job.id;
        f.labeled = false;
        f.kind = m_textJob ? MediaKind::Text : MediaKind::Image;
        f.afterId = after;
        f.limit = 1;
        (void)m_store->forEachItem(f, [&](const Item &it) {
            found = it.id;
            return false;
        });
        if (found)
            break;
    }
    if (!found) {
        statusBar()->showMessage(tr("Every item is labeled."), 4000);
        return;
    }
    // Bring its row in: pages load in id order, so fetch until the list reaches it.
    QAbstractItemModel *model = itemList()->model();
    for (;;) {
        const int rows = model->rowCount();
        for (int row = std::max(0, currentRow()); row < rows; ++row)
            if (itemAt(row) == *found)
                return goToRow(row);
        for (int row = 0; row < std::min(rows, std::max(0, currentRow())); ++row)
            if (itemAt(row) == *found)
                return goToRow(row);
        if (!model->canFetchMore({}))
            break;
        model->fetchMore({});
    }
    statusBar()->showMessage(tr("The next unlabeled item is not in the list (check the filter)."), 4000);
}

void MainWindow::onCurrentItemChanged(const QModelIndex &index)
{
    if (!index.isValid() || !m_pane->session())
        return;
    const int64_t id = index.data(Qt::UserRole).toLongLong();
    if (id <= 0 || id == m_pane->currentItem())
        return;
    m_pane->openItem(id);
    prefetchAround(index.row());
    if (m_textJob)
        m_pane->textView()->setFocus();
    else
        m_pane->canvas()->setFocus();
}

void MainWindow::prefetchAround(int row)
{
    QList<int64_t> ids;
    QAbstractItemModel *model = itemList()->model();
    for (int r : {row + 1, row + 2, row - 1})
        if (r >= 0 && r < model->rowCount())
            ids << itemAt(r);
    m_pane->prefetch(ids);
}

void MainWindow::onLabelChanged(int64_t itemId, int labeledDelta)
{
    m_autoPanel->noteHumanLabel(itemId);
    if (m_textJob)
        Q_EMIT m_table->dataChanged(m_table->index(0, ItemTableModel::LabelColumn),
                                    m_table->index(m_table->rowCount() - 1, ItemTableModel::LabelColumn));
    else
        m_gallery->refreshItem(itemId);
    if (m_labeled >= 0)
        m_labeled += labeledDelta;
    m_labeledSinceCount += labeledDelta;
    updateStatus();
    m_recount->start();
}

void MainWindow::countProgress()
{
    m_recount->stop();
    const int generation = ++m_countGeneration;
    if (!m_store || !m_pane->session() || m_pane->job().id == 0) {
        updateStatus();
        return;
    }
    m_labeledSinceCount = 0;
    const std::string path = m_store->path();
    const int64_t jobId = m_pane->job().id;
    const MediaKind kind = m_textJob ? MediaKind::Text : MediaKind::Image;
    // On a connection of its own: at a million items the count takes longer than a frame.
    auto *watcher = new QFutureWatcher<std::pair<int64_t, int64_t>>(this);
    connect(watcher, &QFutureWatcher<std::pair<int64_t, int64_t>>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_countGeneration)
            return; // another project, job or count since
        const auto [total, labeled] = watcher->result();
        if (total < 0)
            return;
        m_totalItems = total;
        m_labeled = labeled + m_labeledSinceCount; // labels written while it counted (then counted once more)
        updateStatus();
        if (m_labeledSinceCount != 0)
            m_recount->start();
    });
    watcher->setFuture(QtConcurrent::run(workPool(), [path, jobId, kind]() -> std::pair<int64_t, int64_t> {
        auto store = ProjectStore::open(path, ProjectStore::OpenMode::OpenExisting);
        if (!store)
            return {-1, -1};
        ItemFilter all;
        all.kind = kind;
        ItemFilter labeled;
        labeled.jobId = jobId;
        labeled.labeled = true;
        auto n = (*store)->countItems(all);
        auto l = (*store)->countItems(labeled);
        if (!n || !l)
            return {-1, -1};
        return {*n, *l};
    }));
    if (m_labeled < 0)
        updateStatus(); // "Counting…"
}

QString MainWindow::progressText() const
{
    return m_progressText->text();
}

void MainWindow::updateStatus()
{
    if (!m_store || !m_pane->session() || m_pane->job().id == 0) {
        m_progressText->clear();
        m_progress->hide();
        return;
    }
    if (m_labeled < 0 || m_totalItems < 0) {
        m_progressText->setText(tr("Counting labels…"));
        m_progress->hide();
        return;
    }
    m_progressText->setText(tr("%1 of %2 labeled").arg(QLocale().toString(qlonglong(m_labeled)),
                                                       QLocale().toString(qlonglong(m_totalItems))));
    m_progress->show();
    m_progress->setRange(0, 1000);
    m_progress->setValue(m_totalItems ? int(std::clamp<int64_t>(m_labeled * 1000 / m_totalItems, 0, 1000)) : 0);
}

// ---- keys ----

bool MainWindow::isTextInput(QWidget *w) const
{
    if (!w)
        return false;
    if (qobject_cast<QLineEdit *>(w) || qobject_cast<QAbstractSpinBox *>(w) || qobject_cast<QKeySequenceEdit *>(w))
        return true;
    if (auto *t = qobject_cast<QTextEdit *>(w))
        return !t->isReadOnly();
    if (auto *t = qobject_cast<QPlainTextEdit *>(w))
        return !t->isReadOnly();
    return false;
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    // Class keys are labels, never window shortcuts: claim them before the shortcut system sees them.
    if (event->type() == QEvent::ShortcutOverride || event->type() == QEvent::KeyPress) {
        auto *key = static_cast<QKeyEvent *>(event);
        QWidget *focus = QApplication::focusWidget();
        const bool ours = focus && focus->window() == this && !QApplication::activeModalWidget();
        if (ours && !isTextInput(focus) && m_pane->session() && m_pane->session()->hasItem()
            && m_pane->job().id != 0 && key->key() != 0
            && key->key() != Qt::Key_unknown) {
            const QKeySequence seq(key->keyCombination());
            if (m_shortcuts.classForKey(seq) >= 0) {
                if (event->type() == QEvent::ShortcutOverride) {
                    event->accept();
                    return true;
                }
                // Every press counts, repeats too: X11 flags quick presses of one key that share a timestamp
                // as auto-repeat, and a held key labels one item per repeat, as it types one letter per repeat.
                m_pane->handleClassKey(seq);
                return true;
            }
        }
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::showCheatSheet()
{
    CheatSheet sheet(m_shortcuts, this);
    sheet.exec();
}

void MainWindow::showShortcutSettings()
{
    ShortcutsDialog dialog(m_shortcuts, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    m_shortcuts = dialog.shortcuts();
    applyShortcuts();
    QSettings s;
    s.remove(QStringLiteral("shortcuts"));
    s.beginGroup(QStringLiteral("shortcuts"));
    const auto overrides = m_shortcuts.overrides();
    for (auto it = overrides.begin(); it != overrides.end(); ++it)
        s.setValue(it.key(), it.value());
    s.endGroup();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    // Nothing to save: every edit is committed as it is made. Indexing stops after the chunk at hand.
    if (m_indexer)
        m_indexer->cancel();
    event->accept();
}

} // namespace gw::ui

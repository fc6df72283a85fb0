// MainWindow: the window itself — its parts and status bar, navigation through the list, progress, and keys.
// Projects and media: mainwindowproject.cpp; jobs and classes: mainwindowjobs.cpp; actions and menus:
// mainwindowactions.cpp; side panels and dataset windows: mainwindowpanels.cpp.

#include "ui/mainwindow.h"

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
    // The bar keeps the Cancel button's height when it hides: the window does not lay out again (gallery,
    // canvas) when indexing starts or ends.
    statusBar()->setMinimumHeight(m_indexCancel->sizeHint().height() + 4);
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
    m_filterCombo->addItem(tr("My queue (%1)").arg(worker()), int(GalleryModel::Filter::Mine));
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
        if (showingMine())
            loadMyQueue();
        applyOwnAnswers();
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
    else if (showingMine())
        m_pane->closeItem(emptyQueueText());
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
    topUpMyQueue();
    scheduleConsolidation();
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
    giveBackMyQueue(); // the items not answered go to the others at once
    event->accept();
}

} // namespace gw::ui

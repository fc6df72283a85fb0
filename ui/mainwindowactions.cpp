// MainWindow's actions, menus and tool bar: every command with its key (labeling/shortcutmap), where it sits
// in the menus, and the tool bar. (The window itself: mainwindow.cpp.)

#include "ui/mainwindow.h"

#include "labeling/labelingsession.h"
#include "ui/filedialogs.h"
#include "ui/imagecanvas.h"
#include "ui/labelingpane.h"

#include <QAbstractItemView>
#include <QActionGroup>
#include <QComboBox>
#include <QLabel>
#include <QMenuBar>
#include <QSlider>
#include <QToolBar>

namespace gw::ui {

using namespace gw::datasets;

QAction *MainWindow::makeAction(const QString &id, const std::function<void()> &slot, bool checkable)
{
    const labeling::ShortcutAction *info = m_shortcuts.action(id);
    auto *a = new QAction(info ? info->text : id, this);
    a->setCheckable(checkable);
    a->setShortcutContext(Qt::WindowShortcut);
    connect(a, &QAction::triggered, this, [slot] { slot(); });
    QMainWindow::addAction(a);
    m_actions.insert(id, a);
    return a;
}

void MainWindow::createActions()
{
    makeAction(QStringLiteral("nav.next"), [this] { next(); });
    makeAction(QStringLiteral("nav.previous"), [this] { previous(); });
    makeAction(QStringLiteral("nav.nextPage"), [this] { next(); });
    makeAction(QStringLiteral("nav.previousPage"), [this] { previous(); });
    makeAction(QStringLiteral("nav.nextUnlabeled"), [this] { nextUnlabeled(); });
    QAction *undo = makeAction(QStringLiteral("edit.undo"), [this] {
        if (m_pane->session())
            m_pane->session()->undoGroup()->undo();
    });
    QAction *redo = makeAction(QStringLiteral("edit.redo"), [this] {
        if (m_pane->session())
            m_pane->session()->undoGroup()->redo();
    });
    undo->setEnabled(false);
    redo->setEnabled(false);
    makeAction(QStringLiteral("edit.clear"), [this] { m_pane->clearLabel(); });
    makeAction(QStringLiteral("edit.accept"), [this] { m_pane->acceptLabel(); });
    makeAction(QStringLiteral("edit.reject"), [this] { m_pane->rejectLabel(); });
    makeAction(QStringLiteral("edit.copyBoxes"), [this] { m_pane->copyPreviousBoxes(); });
    makeAction(QStringLiteral("edit.nextClass"), [this] { m_pane->stepClass(1); });
    makeAction(QStringLiteral("edit.previousClass"), [this] { m_pane->stepClass(-1); });
    m_toolGroup = new QActionGroup(this);
    for (const auto &[id, kind] : LabelingPane::toolActions()) {
        QAction *a = makeAction(QString::fromLatin1(id), [this, kind = kind] { m_pane->selectTool(kind); }, true);
        m_toolGroup->addAction(a);
    }
    ImageCanvas *canvas = m_pane->canvas();
    makeAction(QStringLiteral("view.fit"), [canvas] { canvas->zoomFit(); });
    makeAction(QStringLiteral("view.actual"), [canvas] { canvas->zoomActual(); });
    makeAction(QStringLiteral("view.zoomIn"), [canvas] { canvas->zoomBy(1.25, canvas->rect().center()); });
    makeAction(QStringLiteral("view.zoomOut"), [canvas] { canvas->zoomBy(0.8, canvas->rect().center()); });
    QAction *show = makeAction(QStringLiteral("view.annotations"),
                              [this, canvas] { canvas->setAnnotationsVisible(action(QStringLiteral("view.annotations"))->isChecked()); }, true);
    show->setChecked(true);
    makeAction(QStringLiteral("view.opacityUp"), [this] { m_opacity->setValue(m_opacity->value() + 10); });
    makeAction(QStringLiteral("view.opacityDown"), [this] { m_opacity->setValue(m_opacity->value() - 10); });
    makeAction(QStringLiteral("view.gallery"), [this] { itemList()->setFocus(); });
    makeAction(QStringLiteral("app.cheatSheet"), [this] { showCheatSheet(); });
    makeAction(QStringLiteral("app.open"), [this] { chooseProject(); });
    makeAction(QStringLiteral("app.new"), [this] { chooseNewProject(); });
    makeAction(QStringLiteral("app.addImages"), [this] { chooseMedia(false); });
    makeAction(QStringLiteral("app.newJob"), [this] { createJob(); });
    makeAction(QStringLiteral("app.editClasses"), [this] { editClasses(); });
    makeAction(QStringLiteral("app.myQueue"), [this] { showMyQueue(); });
    makeAction(QStringLiteral("app.reviewJob"), [this] { createReviewJob(); });
    makeAction(QStringLiteral("app.workers"), [this] { showWorkers(); });
    makeAction(QStringLiteral("app.exportDataset"), [this] { exportDataset(); });
    makeAction(QStringLiteral("app.explore"), [this] { explore(); });
    makeAction(QStringLiteral("app.training"), [this] { training(); });
    makeAction(QStringLiteral("app.importDataset"), [this] { importDataset(); });
    makeAction(QStringLiteral("app.settings"), [this] { showShortcutSettings(); });
    makeAction(QStringLiteral("app.quit"), [this] { close(); });
    // Not a ShortcutMap action (no key): its text names the worker.
    auto *workerAction = new QAction(tr("Working as %1…").arg(worker()), this);
    connect(workerAction, &QAction::triggered, this, [this] { askWorker(); });
    m_actions.insert(QStringLiteral("app.worker"), workerAction);
    // "?" opens the cheat sheet too (a second key for the same action).
    auto *help = new QAction(this);
    help->setShortcut(QKeySequence(Qt::Key_Question));
    connect(help, &QAction::triggered, this, &MainWindow::showCheatSheet);
    QMainWindow::addAction(help);
}

void MainWindow::applyShortcuts()
{
    for (const labeling::ShortcutAction &a : m_shortcuts.actions())
        if (QAction *act = m_actions.value(a.id))
            act->setShortcut(a.key);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(action(QStringLiteral("app.new")));
    file->addAction(action(QStringLiteral("app.open")));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    file->addAction(tr("Connect to a &Team Server…"), this, [this] { connectToServer(); });
    file->addSeparator();
    file->addAction(action(QStringLiteral("app.addImages")));
    file->addAction(tr("Add a &Folder…"), this, [this] { chooseMedia(true); });
    file->addAction(tr("Add &Texts…"), this, [this] {
        const QString path = filedialogs::openFile(this, tr("Add Texts"), QString(),
                                                   tr("Texts (*.txt *.csv *.tsv *.jsonl *.manifest)"));
        if (!path.isEmpty() && m_store)
            addTexts(path);
    });
    file->addAction(action(QStringLiteral("app.importDataset")));
    file->addSeparator();
    file->addAction(action(QStringLiteral("app.exportDataset")));
    file->addSeparator();
    file->addAction(action(QStringLiteral("app.worker")));
    file->addAction(tr("&Merge Work Package…"), this, [this] { chooseWorkPackage(); });
    file->addSeparator();
    file->addAction(action(QStringLiteral("app.quit")));
    QMenu *job = menuBar()->addMenu(tr("&Job"));
    job->addAction(action(QStringLiteral("app.newJob")));
    job->addAction(action(QStringLiteral("app.editClasses")));
    job->addAction(action(QStringLiteral("app.reviewJob")));
    job->addAction(action(QStringLiteral("app.workers")));
    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    for (const char *id : {"edit.undo", "edit.redo", "edit.clear", "edit.accept", "edit.reject", "edit.copyBoxes", "edit.nextClass",
                           "edit.previousClass"})
        edit->addAction(action(QString::fromLatin1(id)));
    QMenu *nav = menuBar()->addMenu(tr("&Go"));
    for (const char *id : {"nav.next", "nav.previous", "nav.nextUnlabeled"})
        nav->addAction(action(QString::fromLatin1(id)));
    nav->addSeparator();
    nav->addAction(action(QStringLiteral("app.myQueue")));
    QMenu *tools = menuBar()->addMenu(tr("&Tools"));
    tools->setObjectName(QStringLiteral("toolsMenu"));
    tools->addActions(m_toolGroup->actions());
    // Classification jobs draw nothing: the menu says how they are labeled instead of opening empty.
    m_noTools = tools->addAction(tr("No drawing tools in this job: press a class key to label (F1 lists the keys)"));
    m_noTools->setEnabled(false);
    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (const char *id : {"view.fit", "view.actual", "view.zoomIn", "view.zoomOut", "view.annotations",
                           "view.opacityUp", "view.opacityDown", "view.gallery"})
        view->addAction(action(QString::fromLatin1(id)));
    view->addSeparator();
    view->addAction(action(QStringLiteral("app.explore")));
    view->addAction(action(QStringLiteral("app.training")));
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(action(QStringLiteral("app.cheatSheet")));
    help->addAction(action(QStringLiteral("app.settings")));
    updateRecentMenu();
}

void MainWindow::createToolBar()
{
    QToolBar *bar = addToolBar(tr("Labeling"));
    m_toolBar = bar;
    bar->setObjectName(QStringLiteral("labelingToolBar"));
    bar->setMovable(false);
    bar->addWidget(new QLabel(tr(" Job: ")));
    m_jobCombo = new QComboBox;
    m_jobCombo->setMinimumWidth(220);
    m_jobCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_jobCombo->setFocusPolicy(Qt::NoFocus);
    bar->addWidget(m_jobCombo);
    bar->addAction(action(QStringLiteral("app.newJob")));
    bar->addSeparator();
    bar->addActions(m_toolGroup->actions());
    bar->addSeparator();
    bar->addAction(action(QStringLiteral("view.fit")));
    bar->addAction(action(QStringLiteral("view.actual")));
    bar->addAction(action(QStringLiteral("view.annotations")));
    m_opacityLabel = bar->addWidget(new QLabel(tr("  Mask opacity ")));
    m_opacity = new QSlider(Qt::Horizontal);
    m_opacity->setRange(0, 100);
    m_opacity->setValue(50);
    m_opacity->setMaximumWidth(120);
    m_opacity->setFocusPolicy(Qt::NoFocus);
    m_opacityAction = bar->addWidget(m_opacity);
    bar->addSeparator();
    bar->addAction(action(QStringLiteral("edit.undo")));
    bar->addAction(action(QStringLiteral("edit.redo")));
    connect(m_jobCombo, &QComboBox::currentIndexChanged, this, &MainWindow::onJobChosen);
    connect(m_opacity, &QSlider::valueChanged, this, [this](int v) { m_pane->canvas()->setOverlayOpacity(v / 100.0); });
}

} // namespace gw::ui

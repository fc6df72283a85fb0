#pragma once

// The annotator's main screen: the item gallery on the left, the labeling pane (canvas, classes, item) in
// the middle, jobs and tools on the toolbar, progress in the status bar. Every action has a shortcut, and
// class keys are routed to the labeling pane before any window shortcut can take them.

#include "labeling/shortcutmap.h"

#include <QHash>
#include <QMainWindow>
#include <QPointer>

#include <memory>

class QAbstractItemView;
class QCheckBox;
class QActionGroup;
class QComboBox;
class QDialog;
class QDockWidget;
class QLabel;
class QMenu;
class QProgressBar;
class QPushButton;
class QSlider;
class QStackedWidget;

#include "datasets/importers.h"
#include "ui/folderindexer.h"

#include <map>
#include <set>

namespace gw::datasets {
class ChangeFeed;
struct ProjectChange;
} // namespace gw::datasets

namespace gw::ui {

class AutoLabelPanel;
class EdaView;
class GalleryModel;
class GalleryView;
class ItemTableModel;
class LabelingPane;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Opens a project file; shows a message and keeps the current project when it cannot.
    bool openProject(const QString &path);
    /// Creates a project file and opens it.
    bool newProject(const QString &path);
    /// A folder of images as a project in one step: FOLDER/FOLDER-NAME.gwproj (made, or opened when it
    /// exists), shown at once; the folder's images are indexed in the background, the first ones first, with
    /// progress and Cancel in the status bar. Opening it again indexes what was not yet.
    bool openFolder(const QString &dir);
    /// The folder being indexed into the open project; nullptr when none is.
    FolderIndexer *folderIndexer() const { return m_indexer; }
    /// For tests: called on the indexing thread after each committed chunk of the next folders opened.
    void setIndexingHook(FolderIndexer::ChunkHook hook) { m_indexHook = std::move(hook); }
    /// The welcome page (shown until a project is open).
    class WelcomePage *welcomePage() const { return m_welcome; }
    bool showingWelcome() const;
    /// Makes a job current by name.
    bool selectJob(const QString &name);
    /// Adds media (folders, images, manifests, text files) with progress; returns when done or cancelled.
    bool addPaths(const QStringList &paths, const datasets::SourceOptions &options = {});
    /// Asks how to read a text file (preview, column or field), then adds it.
    bool addTexts(const QString &path);

    void next();
    void previous();
    void nextUnlabeled();
    void goToRow(int row);
    /// Opens the list's first row, or shows on the canvas why there is none (no job, no items, a filter that
    /// matches nothing, or matches still being looked for).
    void showFirstMatch();
    bool hasAnyItem() const;
    QString itemCount(qint64 n) const;

    // For tests and scripting.
    LabelingPane *labelingPane() const { return m_pane; }
    AutoLabelPanel *autoLabelPanel() const { return m_autoPanel; }
    QAbstractItemView *itemList() const;
    QAction *action(const QString &id) const { return m_actions.value(id); }
    datasets::ProjectStore *store() const { return m_store.get(); }
    labeling::ShortcutMap &shortcuts() { return m_shortcuts; }
    /// Who labels are recorded as: the name chosen in File › Working As… (kept in the settings), else
    /// GW_AUTHOR or the login name.
    QString worker() const;
    /// Records the next labels as this worker (trimmed; an empty name goes back to the login name).
    void setWorker(const QString &name);
    /// The status bar's progress ("120 of 1,000 labeled"), empty without a job.
    QString progressText() const;
    /// Lists the items handed to the worker ("My queue", Ctrl+M).
    void showMyQueue();
    bool showingMine() const;
    /// The workers table of the current job (Job › Workers…); nullptr without a job.
    class WorkersDialog *showWorkers();
    /// Brings a work package's answers back into the open project (File › Merge Work Package…); false when it
    /// could not (said in a message box).
    bool mergeWorkPackage(const QString &path);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    void createMenus();
    void createToolBar();
    void createDocks();
    QAction *makeAction(const QString &id, const std::function<void()> &slot, bool checkable = false);
    void applyShortcuts();
    void chooseProject();
    /// File › Connect to a Team Server…
    void connectToServer();
    void chooseNewProject();
    void chooseMedia(bool folder);
    void askWorker();
    void createJob();
    /// Job › Review Labels…: a review, verification or adjustment job of the current job.
    void createReviewJob();
    /// Creates a job in the project and makes it current (or says why not).
    void addJob(const datasets::Job &job);
    void exportDataset();
public:
    /// Opens (or refreshes) the charts of the current job; nullptr without a project.
    class EdaView *explore();
    /// The training window (runs, launches, comparisons) on the open project.
    class TrainingView *training();
    /// Lists exactly these items (Filter::Selection), e.g. the ones behind a chart's bar.
    void showSelection(const QString &what, const std::vector<int64_t> &itemIds);
    /// Lists the project's jobs again (one was made elsewhere) and makes `select` current (default: the first).
    void reloadJobs(const QString &select = {});

private:
    void importDataset();
    void applyTextFilters();
    void updateFilterControls();
    void createAutoLabelDock();
    void onQueueChanged();
    bool showingQueue() const;
    void onRoundFinished();
    void onJobChosen(int index);
    void onCurrentItemChanged(const QModelIndex &index);
    void onLabelChanged(int64_t itemId, int labeledDelta);
    /// Counts the job's items and labels in the background; the status bar follows labels by their deltas
    /// meanwhile, and counts again a while after labelling pauses (other programs may write too).
    void countProgress();
    void updateStatus();
    void startIndexing(const QString &folder);
    /// Stops indexing and waits for the chunk at hand; with tell, says how far it got.
    void stopIndexing(bool tell);
    void onIndexCommitted();
    void onIndexFinished();
    /// The lists and counts take in the images indexed since.
    void takeInIndexedItems();
    void updateIndexStatus();
    QString newJobHint() const;
    void updateRecentMenu();
    void forgetRecent(const QString &path);
    void rememberRecent(const QString &path);
    void showCheatSheet();
    void showShortcutSettings();
    void changeClassKey(int classId);
public:
    /// Opens the class editor on the current job (Job › Edit Classes…).
    void editClasses();
    /// A class editor for the current job, wired to the window (nullptr without a job); for tests too.
    class ClassEditor *makeClassEditor();

private:
    void onClassesEdited(const datasets::Job &job, bool labelsChanged);
    /// Takes the worker's queue of the current job afresh (mainwindowteam.cpp).
    void loadMyQueue();
    /// After an answer: more items, after those listed.
    void topUpMyQueue();
    /// Gives the unanswered items of the queue back (leaving the job, the project or the window).
    void giveBackMyQueue();
    /// In "My queue" of a job with several annotators per item, the list and the canvas show the worker's own
    /// answers rather than the current labels (which may be someone else's).
    void applyOwnAnswers();
    QString emptyQueueText() const;
    /// After an answer in a job with several annotators per item: consolidate a while after the last one.
    void scheduleConsolidation();
    void chooseWorkPackage();
    void consolidateNow();
    void prefetchAround(int row);
    int currentRow() const;
    int64_t itemAt(int row) const;
    bool isTextInput(QWidget *w) const;

    std::unique_ptr<datasets::ProjectStore> m_store;
    labeling::ShortcutMap m_shortcuts;
    QHash<QString, QAction *> m_actions;
    QActionGroup *m_toolGroup = nullptr;
    QAction *m_noTools = nullptr; ///< the Tools menu's note when the job has no drawing tools
    LabelingPane *m_pane = nullptr;
    class WelcomePage *m_welcome = nullptr;
    QStackedWidget *m_central = nullptr;
    QDockWidget *m_itemsDock = nullptr;
    class QToolBar *m_toolBar = nullptr;
    AutoLabelPanel *m_autoPanel = nullptr;
    QDialog *m_explorer = nullptr;
    QDialog *m_trainingWindow = nullptr;
    class TrainingView *m_training = nullptr;
    EdaView *m_edaView = nullptr;
    std::vector<int64_t> m_selection;
    QDockWidget *m_autoDock = nullptr;
    GalleryModel *m_gallery = nullptr;
    GalleryView *m_galleryView = nullptr;
    ItemTableModel *m_table = nullptr;
    QAbstractItemView *m_tableView = nullptr;
    QStackedWidget *m_lists = nullptr;
    QComboBox *m_jobCombo = nullptr;
    QComboBox *m_filterCombo = nullptr;
    QComboBox *m_classFilter = nullptr;
    QComboBox *m_authorFilter = nullptr;
    QCheckBox *m_newestFirst = nullptr;
    QSlider *m_opacity = nullptr;
    QAction *m_opacityLabel = nullptr;
    QAction *m_opacityAction = nullptr;
    QLabel *m_count = nullptr;
    QLabel *m_progressText = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_zoom = nullptr;
    FolderIndexer *m_indexer = nullptr;
    FolderIndexer::ChunkHook m_indexHook;
    QLabel *m_indexText = nullptr;
    QProgressBar *m_indexBar = nullptr;
    QPushButton *m_indexCancel = nullptr;
    class QTimer *m_indexRefresh = nullptr; ///< the lists take in new items at most this often
    QMenu *m_recentMenu = nullptr;
    int64_t m_totalItems = -1; ///< of the job's kind; -1 while counting
    int64_t m_labeled = -1;    ///< in the current job; -1 while counting
    int64_t m_labeledSinceCount = 0; ///< deltas since the running count began
    int m_countGeneration = 0;       ///< a newer count (or project, or job) makes an older one's result stale
    class QTimer *m_recount = nullptr;
    bool m_textJob = false;
    QString m_packageWorker;        ///< the open project is a work package for this worker
    std::vector<int64_t> m_myQueue; ///< items handed to the worker, as listed
    /// The job whose queue the window works from: the review job in review mode, else the job shown.
    int64_t workJobId(int64_t shownJob) const;
    std::optional<datasets::Job> m_reviewJob; ///< review mode: the review or verification job (the pane shows its parent)
    int64_t m_myQueueJob = 0;       ///< the job they belong to; 0: none held
    QPointer<class WorkersDialog> m_workers;
    class QTimer *m_consolidateTimer = nullptr;
    bool m_consolidating = false;

    // A team project (mainwindowserver.cpp): others' changes as the server announces them, the connection's state.
    void watchProject();
    void onProjectChange(const datasets::ProjectChange &change);
    void applyProjectChanges();
    void onServerConnection(bool connected, const QString &message);
    datasets::ChangeFeed *m_feed = nullptr; ///< a child of the window; nullptr for a project file
    QString m_serverUser;  ///< the team server login labels are recorded under; empty for a project file
    QString m_serverRole;  ///< annotator, reviewer or lead
    struct RemoteChanges
    {
        std::map<int64_t, std::set<int64_t>> labels; ///< job -> items changed by others
        std::set<std::string> authors;
        bool jobs = false, items = false, runDone = false;
    } m_remote;
    class QTimer *m_remoteTimer = nullptr;
    QLabel *m_serverState = nullptr;
};

} // namespace gw::ui

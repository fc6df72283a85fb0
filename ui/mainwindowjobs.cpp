// MainWindow's jobs and classes: the job list and what each job shows (tools, filters, lists), creating a
// job, the class editor and class keys. (The window itself: mainwindow.cpp.)

#include "ui/mainwindow.h"

#include "labeling/labelingsession.h"
#include "ui/autolabelpanel.h"
#include "ui/classeditor.h"
#include "ui/classpanel.h"
#include "ui/gallerymodel.h"
#include "ui/galleryview.h"
#include "ui/imagecanvas.h"
#include "ui/itemtablemodel.h"
#include "ui/labelingpane.h"
#include "ui/newjobdialog.h"
#include "ui/reviewjobdialog.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QSlider>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>

namespace gw::ui {

using namespace gw::datasets;

void MainWindow::reloadJobs(const QString &select)
{
    const QSignalBlocker block(m_jobCombo);
    m_jobCombo->clear();
    if (auto jobs = m_store->jobs()) {
        for (const Job &j : *jobs) {
            QString what = QString::fromUtf8(taskInfo(j.type).title.data(), qsizetype(taskInfo(j.type).title.size()));
            for (const Job &parent : *jobs)
                if (j.parentId && parent.id == j.parentId)
                    what = j.kind == JobKind::Review         ? tr("review of %1").arg(QString::fromStdString(parent.name))
                           : j.kind == JobKind::Verification ? tr("verification of %1").arg(QString::fromStdString(parent.name))
                                                             : tr("adjustment of %1").arg(QString::fromStdString(parent.name));
            m_jobCombo->addItem(QStringLiteral("%1  (%2)").arg(QString::fromStdString(j.name), what),
                                QString::fromStdString(j.name));
        }
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
    // A review or verification job shows the reviewed job's labels (a reviewer fixes them there) and gives its
    // verdicts with Enter and Backspace.
    m_reviewJob.reset();
    if (job && job->givesVerdicts()) {
        std::optional<Job> parent;
        if (auto all = m_store->jobs())
            for (const Job &j : *all)
                if (j.id == job->parentId)
                    parent = j;
        if (parent) {
            m_reviewJob = job;
            job = parent;
        }
    }
    if (!job || workJobId(job->id) != m_myQueueJob)
        giveBackMyQueue(); // another job: the items of this one go back to the others
    if (job)
        m_pane->setJob(*job);
    m_pane->setReview(m_reviewJob);
    m_pane->canvas()->setHint(job ? QString() : newJobHint()); // images can be looked at before there is a job
    m_textJob = job && !taskInfo(job->type).image;
    const auto tools = m_pane->availableTools();
    for (const auto &[id, kind] : LabelingPane::toolActions()) {
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
    if (showingMine())
        loadMyQueue();
    applyOwnAnswers();
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
    // On a team server automated labeling is the lead's (the server refuses others' automatic labels).
    const bool autoApplies = job && activelearning::AutoLabeler::supports(*job).has_value()
                             && (m_serverRole.isEmpty() || m_serverRole == QStringLiteral("lead"));
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
    case GalleryModel::Filter::Mine: break;
    }
    const auto filter = GalleryModel::Filter(m_filterCombo->currentData().toInt());
    m_table->setQueue(filter == GalleryModel::Filter::Queue       ? std::optional<std::vector<int64_t>>(m_autoPanel->queue())
                      : filter == GalleryModel::Filter::Selection ? std::optional<std::vector<int64_t>>(m_selection)
                      : filter == GalleryModel::Filter::Mine      ? std::optional<std::vector<int64_t>>(m_myQueue)
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

void MainWindow::createJob()
{
    if (!m_store) {
        statusBar()->showMessage(tr("Open or create a project first."), 5000);
        return;
    }
    NewJobDialog dialog(this);
    if (dialog.exec() == QDialog::Accepted)
        addJob(dialog.job());
}

void MainWindow::addJob(const Job &job)
{
    auto created = m_store->createJob(job);
    if (!created) {
        QMessageBox::warning(this, tr("Cannot create the job"), QString::fromStdString(created.error().message));
        return;
    }
    reloadJobs(QString::fromStdString(created->name));
}

void MainWindow::createReviewJob()
{
    if (!m_store || m_pane->job().id == 0) {
        statusBar()->showMessage(tr("Create a job first (Ctrl+J): a review works on a job's labels."), 5000);
        return;
    }
    ReviewJobDialog dialog(m_pane->job(), this);
    if (dialog.exec() == QDialog::Accepted)
        addJob(dialog.job());
}

ClassEditor *MainWindow::makeClassEditor()
{
    if (!m_store || !m_pane->session() || m_pane->job().id == 0) {
        statusBar()->showMessage(tr("Create a job first (Ctrl+J): classes belong to a job."), 5000);
        return nullptr;
    }
    ClassEditor::Hooks hooks;
    hooks.changed = [this](const Job &job, bool labelsChanged) { onClassesEdited(job, labelsChanged); };
    hooks.failed = [this](const QString &message) { m_pane->notify(message); };
    return new ClassEditor(*m_pane->session(), m_shortcuts, m_pane->classPanel()->counts(), hooks, this);
}

void MainWindow::editClasses()
{
    if (ClassEditor *editor = makeClassEditor()) {
        editor->setAttribute(Qt::WA_DeleteOnClose);
        editor->selectClass(m_pane->classPanel()->currentClass());
        editor->open();
    }
}

void MainWindow::changeClassKey(int classId)
{
    const LabelClass *cls = m_pane->job().classById(classId);
    if (!cls)
        return;
    const auto key = ClassEditor::askKey(this, *cls);
    if (!key)
        return;
    // Through the editor's own path: checked against every key in the window, logged, undoable.
    if (std::unique_ptr<ClassEditor> editor{makeClassEditor()}; editor && !editor->setKey(classId, *key))
        QMessageBox::warning(this, tr("Key not assigned"), editor->error());
}

void MainWindow::onClassesEdited(const Job &job, bool labelsChanged)
{
    if (!m_store || job.id != m_pane->job().id)
        return;
    m_pane->classesEdited(job, labelsChanged);
    // The class filter lists the classes by their new names; a removed class's filter is dropped.
    const QVariant chosen = m_classFilter->currentData();
    {
        const QSignalBlocker block(m_classFilter);
        m_classFilter->clear();
        m_classFilter->addItem(tr("Any class"));
        for (const LabelClass &c : job.classes)
            m_classFilter->addItem(QString::fromStdString(c.name), c.id);
        m_classFilter->setCurrentIndex(chosen.isValid() ? std::max(0, m_classFilter->findData(chosen)) : 0);
    }
    if (m_textJob) {
        applyTextFilters(); // the table shows class names in its label column
        return;
    }
    m_gallery->setJobClasses(job);
    if (chosen.isValid() && !job.classById(chosen.toInt()))
        Q_EMIT m_classFilter->currentIndexChanged(m_classFilter->currentIndex()); // the list without that filter
    else if (labelsChanged)
        m_gallery->refreshLabels(); // rows stay where they are
    if (labelsChanged)
        countProgress();
}

} // namespace gw::ui

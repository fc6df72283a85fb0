// MainWindow's jobs and classes: creating a job, the class editor and class keys. (The window itself:
// mainwindow.cpp.)

#include "ui/mainwindow.h"

#include "labeling/labelingsession.h"
#include "ui/classeditor.h"
#include "ui/classpanel.h"
#include "ui/gallerymodel.h"
#include "ui/labelingpane.h"
#include "ui/newjobdialog.h"

#include <QComboBox>
#include <QMessageBox>
#include <QStatusBar>

namespace gw::ui {

using namespace gw::datasets;

void MainWindow::createJob()
{
    if (!m_store) {
        statusBar()->showMessage(tr("Open or create a project first."), 5000);
        return;
    }
    NewJobDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    auto created = m_store->createJob(dialog.job());
    if (!created) {
        QMessageBox::warning(this, tr("Cannot create the job"), QString::fromStdString(created.error().message));
        return;
    }
    reloadJobs(QString::fromStdString(created->name));
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

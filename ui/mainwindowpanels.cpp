// MainWindow's side panels and dataset windows: the automated-labeling dock and its queue, the export and import
// dialogs, and the Explore window with its drill-down into the item list. (The window itself: mainwindow.cpp.)

#include "ui/mainwindow.h"

#include "activelearning/autolabeler.h"
#include "labeling/labelingsession.h"
#include "ui/autolabelpanel.h"
#include "ui/datasetdialogs.h"
#include "ui/edaview.h"
#include "ui/gallerymodel.h"
#include "ui/itemtablemodel.h"
#include "ui/trainingview.h"
#include "ui/labelingpane.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QDialog>
#include <QDockWidget>
#include <QFileInfo>
#include <QLineEdit>
#include <QMenuBar>
#include <QStatusBar>
#include <QVBoxLayout>

namespace gw::ui {

using namespace gw::datasets;

void MainWindow::createAutoLabelDock()
{
    m_autoPanel = new AutoLabelPanel;
    auto *dock = new QDockWidget(tr("Automated labeling"));
    m_autoDock = dock;
    dock->setObjectName(QStringLiteral("autolabelDock"));
    dock->setWidget(m_autoPanel);
    dock->setMinimumWidth(340);
    addDockWidget(Qt::RightDockWidgetArea, dock);
    QAction *toggle = dock->toggleViewAction();
    toggle->setText(tr("&Automated Labeling Panel"));
    toggle->setShortcut(QKeySequence(tr("Ctrl+Shift+A")));
    addAction(toggle);
    for (QAction *a : menuBar()->actions())
        if (a->menu() && a->text() == tr("&View"))
            a->menu()->addAction(toggle);
    connect(m_autoPanel, &AutoLabelPanel::queueChanged, this, &MainWindow::onQueueChanged);
    connect(m_autoPanel, &AutoLabelPanel::roundFinished, this, &MainWindow::onRoundFinished);
}

bool MainWindow::showingQueue() const
{
    return GalleryModel::Filter(m_filterCombo->currentData().toInt()) == GalleryModel::Filter::Queue;
}

void MainWindow::onQueueChanged()
{
    const std::vector<int64_t> &queue = m_autoPanel->queue();
    // With the loop on and people's work waiting, the queue is the default order.
    if (m_autoPanel->isOn() && !queue.empty() && !showingQueue() && !showingMine()) {
        const QSignalBlocker block(m_filterCombo);
        m_filterCombo->setCurrentIndex(m_filterCombo->findData(int(GalleryModel::Filter::Queue)));
        if (!m_textJob)
            m_gallery->setFilter(GalleryModel::Filter::Queue);
    }
    if (m_textJob) {
        if (showingQueue())
            applyTextFilters();
        return;
    }
    const bool reload = showingQueue() && queue != m_gallery->queue();
    m_gallery->setQueue(queue);
    if (reload)
        showFirstMatch();
}

void MainWindow::onRoundFinished()
{
    // Auto-labels arrived: show them in the list (the queue reloads through onQueueChanged) and on the item
    // in front of the annotator when it had no label.
    if (m_textJob)
        Q_EMIT m_table->dataChanged(m_table->index(0, ItemTableModel::LabelColumn),
                                    m_table->index(m_table->rowCount() - 1, ItemTableModel::LabelColumn));
    else if (!showingQueue())
        m_gallery->refreshLabels();
    if (const int64_t current = m_pane->currentItem(); current && m_pane->session()
        && !m_pane->session()->current())
        m_pane->openItem(current);
    m_pane->refreshCounts();
    countProgress();
}

void MainWindow::exportDataset()
{
    if (!m_store) {
        statusBar()->showMessage(tr("Open a project first."), 5000);
        return;
    }
    ExportDialog dialog(QString::fromStdString(m_store->path()), QString::fromStdString(m_pane->job().name), this);
    if (dialog.exec() == QDialog::Accepted)
        statusBar()->showMessage(dialog.outcomeText(), 15000);
}

EdaView *MainWindow::explore()
{
    if (!m_store) {
        statusBar()->showMessage(tr("Open a project first."), 5000);
        return nullptr;
    }
    if (!m_explorer) {
        m_explorer = new QDialog(this);
        m_explorer->setWindowTitle(tr("Explore the dataset"));
        m_edaView = new EdaView;
        auto *layout = new QVBoxLayout(m_explorer);
        layout->setContentsMargins(6, 6, 6, 6);
        layout->addWidget(m_edaView);
        m_explorer->resize(1100, 820);
        connect(m_edaView, &EdaView::classClicked, this, [this](int classId) {
            // Drill down: the items of that class, in the main window.
            m_filterCombo->setCurrentIndex(m_filterCombo->findData(int(GalleryModel::Filter::All)));
            m_classFilter->setCurrentIndex(m_classFilter->findData(classId));
            raise();
            activateWindow();
        });
        connect(m_edaView, &EdaView::itemsRequested, this, [this](const QString &what, const std::vector<int64_t> &ids) {
            showSelection(what, ids);
            raise();
            activateWindow();
        });
        connect(m_edaView, &EdaView::authorRequested, this, [this](const QString &author) {
            // The items that author labelled: any label filter, that author.
            m_filterCombo->setCurrentIndex(m_filterCombo->findData(int(GalleryModel::Filter::All)));
            m_classFilter->setCurrentIndex(0);
            m_authorFilter->setEditText(author);
            Q_EMIT m_authorFilter->lineEdit()->editingFinished();
            raise();
            activateWindow();
        });
        connect(m_edaView, &EdaView::itemsSetAside, this, [this](const std::vector<int64_t> &ids) {
            for (int64_t id : ids)
                m_gallery->refreshItem(id);
            statusBar()->showMessage(tr("%1 near-duplicates set aside: not exported, not auto-labeled").arg(ids.size()),
                                     8000);
        });
        connect(m_edaView, &EdaView::itemActivated, this, [this](int64_t itemId) {
            m_pane->openItem(itemId);
            raise();
            activateWindow();
        });
    }
    m_explorer->setWindowTitle(tr("Explore — %1").arg(QString::fromStdString(m_pane->job().name)));
    m_edaView->setJob(QString::fromStdString(m_store->path()), QString::fromStdString(m_pane->job().name));
    m_explorer->show();
    m_explorer->raise();
    return m_edaView;
}

TrainingView *MainWindow::training()
{
    if (!m_store) {
        statusBar()->showMessage(tr("Open a project first."), 5000);
        return nullptr;
    }
    if (!m_trainingWindow) {
        m_trainingWindow = new QDialog(this);
        m_training = new TrainingView;
        auto *layout = new QVBoxLayout(m_trainingWindow);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->addWidget(m_training);
        m_trainingWindow->resize(1200, 820);
        connect(m_training, &TrainingView::startModelChanged, this, [this](const QString &job, qint64 run) {
            statusBar()->showMessage(tr("Automated labeling of %1 starts from run %2's model from its next round")
                                         .arg(job)
                                         .arg(run),
                                     10000);
        });
    }
    m_trainingWindow->setWindowTitle(tr("Training — %1").arg(QFileInfo(QString::fromStdString(m_store->path())).fileName()));
    m_training->setProject(QString::fromStdString(m_store->path()), QString::fromStdString(m_pane->job().name));
    m_trainingWindow->show();
    m_trainingWindow->raise();
    return m_training;
}

void MainWindow::showSelection(const QString &what, const std::vector<int64_t> &itemIds)
{
    m_selection = itemIds;
    m_gallery->setSelection(itemIds);
    const QSignalBlocker block(m_filterCombo);
    m_filterCombo->setCurrentIndex(m_filterCombo->findData(int(GalleryModel::Filter::Selection)));
    if (m_textJob) {
        applyTextFilters();
    } else {
        m_gallery->setFilter(GalleryModel::Filter::Selection);
        showFirstMatch();
    }
    statusBar()->showMessage(tr("%1: %2 items").arg(what).arg(itemIds.size()), 10000);
}

void MainWindow::importDataset()
{
    if (!m_store) {
        statusBar()->showMessage(tr("Open a project first."), 5000);
        return;
    }
    ImportDatasetDialog dialog(QString::fromStdString(m_store->path()), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    statusBar()->showMessage(dialog.outcomeText().section(QLatin1Char('\n'), 0, 0), 15000);
    reloadJobs(dialog.job());
}

} // namespace gw::ui

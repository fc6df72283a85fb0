#include "ui/mainwindow.h"

#include "datasets/media.h"
#include "datasets/projectstore.h"
#include "ui/itemtablemodel.h"

#include <QApplication>
#include <QFileDialog>
#include <QFutureWatcher>
#include <QHeaderView>
#include <QImageReader>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPixmap>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace gw::ui {

using namespace gw::datasets;

namespace {

/// Decodes an image scaled to fit a box, off the GUI thread.
QImage loadPreview(const QString &path, QSize box)
{
    QImageReader reader(path);
    reader.setAutoTransform(true);
    QSize size = reader.size();
    if (size.isValid() && (size.width() > box.width() || size.height() > box.height()))
        reader.setScaledSize(size.scaled(box, Qt::KeepAspectRatio));
    QImage img = reader.read();
    // Small images (digits are 20 × 20) are enlarged by a whole factor, pixels kept sharp.
    if (!img.isNull() && img.width() * 2 <= box.width() && img.height() * 2 <= box.height()) {
        const int factor = std::max(1, std::min(box.width() / img.width(), box.height() / img.height()));
        img = img.scaled(img.size() * factor, Qt::KeepAspectRatio, Qt::FastTransformation);
    }
    return img;
}

} // namespace

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(tr("Groundwork"));
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open Project…"), QKeySequence::Open, this, &MainWindow::chooseProject);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::quit);

    m_jobs = new QListWidget;
    m_jobs->setMinimumWidth(240);
    m_jobs->setWordWrap(true);
    m_jobs->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_jobs->setSpacing(2);
    auto *jobsBox = new QWidget;
    auto *jobsLayout = new QVBoxLayout(jobsBox);
    jobsLayout->setContentsMargins(6, 6, 6, 6);
    auto *jobsTitle = new QLabel(tr("<b>Labeling jobs</b>"));
    jobsLayout->addWidget(jobsTitle);
    jobsLayout->addWidget(m_jobs);

    m_model = new ItemTableModel(this);
    m_items = new QTableView;
    m_items->setModel(m_model);
    m_items->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_items->setSelectionMode(QAbstractItemView::SingleSelection);
    m_items->verticalHeader()->hide();
    m_items->verticalHeader()->setDefaultSectionSize(m_items->fontMetrics().height() + 8);
    m_items->horizontalHeader()->setSectionResizeMode(ItemTableModel::MediaColumn, QHeaderView::Stretch);
    m_items->setAlternatingRowColors(true);
    m_items->setWordWrap(false);

    m_preview = new QLabel(tr("No item selected"));
    m_preview->setAlignment(Qt::AlignCenter);
    m_preview->setMinimumSize(320, 240);
    m_details = new QLabel;
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *itemBox = new QWidget;
    auto *itemLayout = new QVBoxLayout(itemBox);
    itemLayout->setContentsMargins(6, 6, 6, 6);
    itemLayout->addWidget(m_preview, 1);
    itemLayout->addWidget(m_details);

    auto *split = new QSplitter;
    split->addWidget(jobsBox);
    split->addWidget(m_items);
    split->addWidget(itemBox);
    split->setStretchFactor(1, 3);
    split->setStretchFactor(2, 2);
    setCentralWidget(split);

    m_status = new QLabel;
    statusBar()->addPermanentWidget(m_status);
    statusBar()->showMessage(tr("Open a project with File › Open Project (Ctrl+O)"));

    connect(m_jobs, &QListWidget::currentRowChanged, this, &MainWindow::showJob);
    connect(m_items->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) { showItem(current); });
    resize(1280, 800);
}

MainWindow::~MainWindow()
{
    m_model->setStore(nullptr, nullptr); // the model must not outlive the store it reads
}

void MainWindow::chooseProject()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Project"), QString(),
                                                      tr("Groundwork projects (*.gwproj)"));
    if (!path.isEmpty())
        openProject(path);
}

bool MainWindow::openProject(const QString &path)
{
    auto store = ProjectStore::open(path.toStdString(), ProjectStore::OpenMode::OpenExisting);
    if (!store) {
        QMessageBox::warning(this, tr("Cannot open project"), QString::fromStdString(store.error().message));
        return false;
    }
    m_model->setStore(nullptr, nullptr);
    m_store = std::move(*store);
    setWindowTitle(tr("%1 — Groundwork").arg(QFileInfo(path).fileName()));
    m_jobs->clear();
    if (auto jobs = m_store->jobs()) {
        for (const Job &j : *jobs) {
            auto *row = new QListWidgetItem(QStringLiteral("%1\n%2 · %3 classes")
                                                .arg(QString::fromStdString(j.name),
                                                     QString::fromUtf8(taskInfo(j.type).title.data(),
                                                                       qsizetype(taskInfo(j.type).title.size())))
                                                .arg(j.classes.size()));
            row->setData(Qt::UserRole, QString::fromStdString(j.name));
            m_jobs->addItem(row);
        }
    }
    if (m_jobs->count() > 0)
        m_jobs->setCurrentRow(0);
    else
        showJob(-1);
    statusBar()->showMessage(tr("Opened %1").arg(path), 3000);
    return true;
}

void MainWindow::showJob(int row)
{
    std::optional<Job> job;
    if (row >= 0 && m_store)
        if (auto j = m_store->job(m_jobs->item(row)->data(Qt::UserRole).toString().toStdString()))
            job = *j;
    m_model->setStore(m_store.get(), job ? &*job : nullptr);
    m_items->resizeColumnToContents(ItemTableModel::IdColumn);
    m_items->resizeColumnToContents(ItemTableModel::SizeColumn);
    if (m_model->rowCount() > 0)
        m_items->setCurrentIndex(m_model->index(0, ItemTableModel::MediaColumn));
    updateStatus();
}

void MainWindow::showItem(const QModelIndex &index)
{
    if (!index.isValid() || !m_store)
        return;
    auto item = m_store->item(m_model->data(index, Qt::UserRole).toLongLong());
    if (!item)
        return;
    QString details;
    if (item->kind == MediaKind::Text) {
        m_preview->setText(QString::fromStdString(item->text).toHtmlEscaped().left(2000));
        m_preview->setWordWrap(true);
        details = tr("Text item %1, %2 characters").arg(item->id).arg(item->text.size());
    } else {
        const QString path = QString::fromStdString(media::resolve(m_store->projectDir(), item->uri));
        details = tr("Image item %1<br>%2<br>%3 × %4").arg(item->id).arg(path.toHtmlEscaped()).arg(item->width).arg(item->height);
        m_preview->setText(tr("Loading…"));
        auto *watcher = new QFutureWatcher<QImage>(this);
        const qint64 id = item->id;
        connect(watcher, &QFutureWatcher<QImage>::finished, this, [this, watcher, id] {
            watcher->deleteLater();
            const QModelIndex current = m_items->currentIndex();
            if (!current.isValid() || m_model->data(current, Qt::UserRole).toLongLong() != id)
                return; // the selection moved on while decoding
            const QImage img = watcher->result();
            if (img.isNull())
                m_preview->setText(tr("The image cannot be read"));
            else
                m_preview->setPixmap(QPixmap::fromImage(img));
        });
        watcher->setFuture(QtConcurrent::run(loadPreview, path, m_preview->size()));
    }
    m_details->setText(details);
}

void MainWindow::updateStatus()
{
    if (!m_store) {
        m_status->clear();
        return;
    }
    QString text = tr("%1 items").arg(m_model->totalCount());
    if (m_jobs->currentRow() >= 0) {
        if (auto job = m_store->job(m_jobs->currentItem()->data(Qt::UserRole).toString().toStdString())) {
            ItemFilter f;
            f.jobId = job->id;
            f.labeled = true;
            if (auto n = m_store->countItems(f))
                text = tr("%1 of %2 labeled in %3").arg(*n).arg(m_model->totalCount()).arg(QString::fromStdString(job->name));
        }
    }
    m_status->setText(text);
}

} // namespace gw::ui

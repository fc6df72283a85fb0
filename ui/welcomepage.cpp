#include "ui/welcomepage.h"

#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace gw::ui {

namespace {

constexpr int PathRole = Qt::UserRole;
constexpr int MissingRole = Qt::UserRole + 1;

} // namespace

WelcomePage::WelcomePage(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("welcome"));
    auto *title = new QLabel(tr("<h1>Groundwork</h1>"
                                "<p>Label images and texts, let a model label what it is sure of, and export "
                                "datasets to train on.</p>"));
    title->setWordWrap(true);

    auto *start = new QLabel(tr("<b>Start</b>"));
    auto *newProject = new QPushButton(tr("New Project…  (Ctrl+N)"));
    newProject->setToolTip(tr("An empty project file; then add images or texts to it."));
    auto *open = new QPushButton(tr("Open Project…  (Ctrl+O)"));
    open->setToolTip(tr("A Groundwork project (.gwproj) you or a colleague made."));
    auto *folder = new QPushButton(tr("Open a Folder of Images or Texts…"));
    folder->setObjectName(QStringLiteral("openFolder"));
    folder->setToolTip(tr("Makes a project in the folder with everything in it (or opens the one already there)."));
    for (QPushButton *b : {newProject, open, folder}) {
        b->setMinimumHeight(34);
        b->setStyleSheet(QStringLiteral("text-align: left; padding-left: 12px;"));
    }
    connect(newProject, &QPushButton::clicked, this, &WelcomePage::newRequested);
    connect(open, &QPushButton::clicked, this, &WelcomePage::openRequested);
    connect(folder, &QPushButton::clicked, this, &WelcomePage::openFolderRequested);

    auto *recentTitle = new QLabel(tr("<b>Recent projects</b>"));
    m_recent = new QListWidget;
    m_recent->setObjectName(QStringLiteral("recentProjects"));
    m_recent->setAlternatingRowColors(true);
    m_openRecent = new QPushButton(tr("Open"));
    m_remove = new QPushButton(tr("Remove from List"));
    m_remove->setToolTip(tr("Forgets the entry; the project file itself is not touched."));
    connect(m_recent, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        if (!item->data(MissingRole).toBool())
            Q_EMIT recentChosen(item->data(PathRole).toString());
    });
    connect(m_recent, &QListWidget::currentRowChanged, this, &WelcomePage::updateButtons);
    connect(m_openRecent, &QPushButton::clicked, this, [this] {
        if (QListWidgetItem *item = m_recent->currentItem(); item && !item->data(MissingRole).toBool())
            Q_EMIT recentChosen(item->data(PathRole).toString());
    });
    connect(m_remove, &QPushButton::clicked, this, [this] {
        if (QListWidgetItem *item = m_recent->currentItem())
            Q_EMIT recentRemoved(item->data(PathRole).toString());
    });

    auto *left = new QVBoxLayout;
    left->addWidget(start);
    left->addWidget(newProject);
    left->addWidget(open);
    left->addWidget(folder);
    left->addStretch(1);
    auto *right = new QVBoxLayout;
    right->addWidget(recentTitle);
    right->addWidget(m_recent, 1);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_remove);
    buttons->addWidget(m_openRecent);
    right->addLayout(buttons);
    auto *columns = new QHBoxLayout;
    columns->addLayout(left, 2);
    columns->addSpacing(24);
    columns->addLayout(right, 3);

    auto *help = new QLabel(tr("Press F1 at any time to see every key."));
    help->setEnabled(false);
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(48, 32, 48, 32);
    outer->addWidget(title);
    outer->addSpacing(12);
    outer->addLayout(columns, 1);
    outer->addWidget(help);
    updateButtons();
}

void WelcomePage::setRecent(const QStringList &paths)
{
    m_recent->clear();
    for (const QString &path : paths) {
        const QFileInfo info(path);
        const bool missing = !info.isFile();
        const QString where = QDir::toNativeSeparators(info.absolutePath());
        auto *item = new QListWidgetItem(missing ? tr("%1 — not found (was in %2)").arg(info.fileName(), where)
                                                 : tr("%1 — in %2").arg(info.fileName(), where));
        item->setData(PathRole, path);
        item->setData(MissingRole, missing);
        item->setToolTip(missing ? tr("%1 is not there any more (moved, renamed or on a drive that is not "
                                      "connected). Remove it from the list, or open it from its new place.")
                                       .arg(path)
                                 : path);
        if (missing) {
            item->setForeground(palette().color(QPalette::Disabled, QPalette::Text));
            QFont f = item->font();
            f.setItalic(true);
            item->setFont(f);
        }
        m_recent->addItem(item);
    }
    if (m_recent->count() == 0) {
        auto *none = new QListWidgetItem(tr("No recent projects yet."));
        none->setFlags(Qt::NoItemFlags);
        m_recent->addItem(none);
    } else {
        m_recent->setCurrentRow(0);
    }
    updateButtons();
}

bool WelcomePage::isMarkedMissing(const QString &path) const
{
    for (int i = 0; i < m_recent->count(); ++i)
        if (m_recent->item(i)->data(PathRole).toString() == path)
            return m_recent->item(i)->data(MissingRole).toBool();
    return false;
}

void WelcomePage::updateButtons()
{
    const QListWidgetItem *item = m_recent->currentItem();
    const bool entry = item && !item->data(PathRole).toString().isEmpty();
    m_remove->setEnabled(entry);
    m_openRecent->setEnabled(entry && !item->data(MissingRole).toBool());
}

} // namespace gw::ui

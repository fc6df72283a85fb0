#include "ui/classeditor.h"

#include "datasets/workpool.h"
#include "labeling/labelingsession.h"
#include "labeling/shortcutmap.h"
#include "ui/plural.h"

#include <QButtonGroup>
#include <QColorDialog>
#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QEventLoop>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QKeySequenceEdit>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPainter>
#include <QProgressDialog>
#include <QPushButton>
#include <QRadioButton>
#include <QTableWidget>
#include <QUndoCommand>
#include <QUndoStack>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace gw::ui {

using namespace gw::datasets;
using ClassEdit = ProjectStore::ClassEdit;

namespace {

enum Column { NameColumn, KeyColumn, CountColumn };

QIcon swatch(const std::string &color)
{
    QPixmap pm(16, 16);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setBrush(QColor(QString::fromStdString(color)));
    p.setPen(QColor(0, 0, 0, 90));
    p.drawRoundedRect(QRectF(0.5, 0.5, 15, 15), 3, 3);
    return QIcon(pm);
}

QString keyText(const std::string &portable)
{
    return portable.empty() ? QString() : QKeySequence(QString::fromStdString(portable)).toString(QKeySequence::NativeText);
}

/// A class edit on the job's undo stack. It is pushed after the edit was stored, so its first redo does
/// nothing; undo stores the class as it was, redo the edit again.
class ClassEditCommand : public QUndoCommand
{
public:
    ClassEditCommand(ProjectStore &store, std::string jobName, int64_t jobId, int classId, ClassEdit before,
                     ClassEdit after, std::string author, ClassEditor::Hooks hooks, const QString &text)
        : QUndoCommand(text), m_store(store), m_jobName(std::move(jobName)), m_jobId(jobId), m_classId(classId),
          m_before(std::move(before)), m_after(std::move(after)), m_author(std::move(author)), m_hooks(std::move(hooks))
    {
    }

    void undo() override { apply(m_before, QObject::tr("undo")); }
    void redo() override
    {
        if (m_stored) {
            m_stored = false;
            return;
        }
        apply(m_after, QObject::tr("redo"));
    }

private:
    void apply(const ClassEdit &edit, const QString &how)
    {
        if (auto r = m_store.editClass(m_jobId, m_classId, edit, m_author); !r) {
            if (m_hooks.failed)
                m_hooks.failed(ClassEditor::tr("Could not %1 “%2”: %3").arg(how, text(), QString::fromStdString(r.error().message)));
            return;
        }
        if (auto job = m_store.job(m_jobName); job && m_hooks.changed)
            m_hooks.changed(*job, false);
    }

    ProjectStore &m_store;
    std::string m_jobName;
    int64_t m_jobId;
    int m_classId;
    ClassEdit m_before, m_after;
    std::string m_author;
    ClassEditor::Hooks m_hooks;
    bool m_stored = true;
};

} // namespace

ClassEditor::ClassEditor(labeling::LabelingSession &session, labeling::ShortcutMap &shortcuts,
                         std::optional<std::map<int, int64_t>> counts, Hooks hooks, QWidget *parent)
    : QDialog(parent), m_session(session), m_shortcuts(shortcuts), m_counts(std::move(counts)),
      m_hooks(std::move(hooks)), m_job(session.job())
{
    setWindowTitle(tr("Classes of %1").arg(QString::fromStdString(m_job.name)));
    resize(620, 560);

    auto *intro = new QLabel(tr("Double-click a name to rename it. The order is the class index exported datasets "
                                "use. Renames, colours, keys and moves can be undone (Ctrl+Z, here or in the "
                                "window); merges and removals change labels and cannot."));
    intro->setWordWrap(true);

    m_table = new QTableWidget(0, 3);
    m_table->setHorizontalHeaderLabels({tr("Class"), tr("Key"), tr("Items")});
    m_table->horizontalHeader()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(KeyColumn, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(CountColumn, QHeaderView::ResizeToContents);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);

    auto button = [this](const QString &text, const QString &name, const QString &tip) {
        auto *b = new QPushButton(text);
        b->setObjectName(name);
        b->setToolTip(tip);
        b->setAutoDefault(false);
        return b;
    };
    m_up = button(tr("Move &Up"), QStringLiteral("moveUp"), tr("Earlier in the list (a lower class index)"));
    m_down = button(tr("Move &Down"), QStringLiteral("moveDown"), tr("Later in the list (a higher class index)"));
    m_color = button(tr("&Colour…"), QStringLiteral("color"), tr("The colour boxes, masks and spans of this class are drawn in"));
    m_key = button(tr("&Key…"), QStringLiteral("key"), tr("The key that labels with this class"));
    m_merge = button(tr("&Merge Into…"), QStringLiteral("merge"), tr("Move every label of this class to another class, then remove it"));
    m_remove = button(tr("&Remove…"), QStringLiteral("remove"), tr("Remove this class; you choose what happens to its labels"));
    auto *side = new QVBoxLayout;
    for (QPushButton *b : {m_up, m_down, m_color, m_key})
        side->addWidget(b);
    side->addSpacing(12);
    side->addWidget(m_merge);
    side->addWidget(m_remove);
    side->addStretch(1);

    m_newName = new QLineEdit;
    m_newName->setObjectName(QStringLiteral("newClass"));
    m_newName->setPlaceholderText(tr("New class name"));
    auto *add = button(tr("&Add"), QStringLiteral("add"), tr("Add the class at the end of the list"));
    auto *addRow = new QHBoxLayout;
    addRow->addWidget(m_newName, 1);
    addRow->addWidget(add);

    m_error = new QLabel;
    m_error->setObjectName(QStringLiteral("error"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b3261e;"));
    m_error->hide();

    m_log = new QListWidget;
    m_log->setObjectName(QStringLiteral("changeLog"));
    m_log->setMaximumHeight(120);
    m_log->setSelectionMode(QAbstractItemView::NoSelection);

    QUndoStack *stack = m_session.undoStack();
    m_undo = button(tr("Undo"), QStringLiteral("undo"), QString());
    m_redo = button(tr("Redo"), QStringLiteral("redo"), QString());
    auto *close = new QDialogButtonBox(QDialogButtonBox::Close);
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_undo);
    bottom->addWidget(m_redo);
    bottom->addStretch(1);
    bottom->addWidget(close);

    auto *middle = new QHBoxLayout;
    middle->addWidget(m_table, 1);
    middle->addLayout(side);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(middle, 1);
    layout->addLayout(addRow);
    layout->addWidget(m_error);
    layout->addWidget(new QLabel(tr("<b>Changes to this job's classes</b> (newest first)")));
    layout->addWidget(m_log);
    layout->addLayout(bottom);

    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &ClassEditor::updateButtons);
    connect(m_table, &QTableWidget::itemChanged, this, [this](QTableWidgetItem *item) {
        if (m_filling || item->column() != NameColumn)
            return;
        const int id = item->data(Qt::UserRole).toInt();
        if (!renameClass(id, item->text()))
            fill(); // back to the stored name
    });
    connect(m_table, &QTableWidget::cellDoubleClicked, this, [this](int row, int column) {
        if (column == KeyColumn && row >= 0 && row < int(m_job.classes.size()))
            if (auto key = askKey(this, m_job.classes[size_t(row)]))
                setKey(m_job.classes[size_t(row)].id, *key);
    });
    connect(m_up, &QPushButton::clicked, this, [this] { moveClass(selectedClass(), -1); });
    connect(m_down, &QPushButton::clicked, this, [this] { moveClass(selectedClass(), 1); });
    connect(m_color, &QPushButton::clicked, this, [this] {
        const LabelClass *c = m_job.classById(selectedClass());
        if (!c)
            return;
        const QColor chosen = QColorDialog::getColor(QColor(QString::fromStdString(c->color)), this,
                                                     tr("Colour of %1").arg(QString::fromStdString(c->name)));
        if (chosen.isValid())
            setColor(c->id, chosen.name());
    });
    connect(m_key, &QPushButton::clicked, this, [this] {
        if (const LabelClass *c = m_job.classById(selectedClass()))
            if (auto key = askKey(this, *c))
                setKey(c->id, *key);
    });
    connect(m_merge, &QPushButton::clicked, this, [this] { askRemove(true); });
    connect(m_remove, &QPushButton::clicked, this, [this] { askRemove(false); });
    auto addTyped = [this] {
        if (addClass(m_newName->text()))
            m_newName->clear();
    };
    connect(add, &QPushButton::clicked, this, addTyped);
    connect(m_newName, &QLineEdit::returnPressed, this, addTyped);
    connect(m_undo, &QPushButton::clicked, this, [this, stack] {
        stack->undo();
        reload(false);
    });
    connect(m_redo, &QPushButton::clicked, this, [this, stack] {
        stack->redo();
        reload(false);
    });

    fill();
    showLog();
    if (!m_job.classes.empty())
        selectClass(m_job.classes.front().id);
    updateButtons();
}

std::optional<QKeySequence> ClassEditor::askKey(QWidget *parent, const LabelClass &cls)
{
    QDialog ask(parent);
    ask.setWindowTitle(tr("Key for %1").arg(QString::fromStdString(cls.name)));
    auto *edit = new QKeySequenceEdit(QKeySequence(QString::fromStdString(cls.shortcut)), &ask);
    auto *box = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &ask);
    connect(box, &QDialogButtonBox::accepted, &ask, &QDialog::accept);
    connect(box, &QDialogButtonBox::rejected, &ask, &QDialog::reject);
    auto *l = new QVBoxLayout(&ask);
    l->addWidget(new QLabel(tr("Press the new key for class '%1' (Backspace, then OK: no key):")
                                .arg(QString::fromStdString(cls.name))));
    l->addWidget(edit);
    l->addWidget(box);
    if (ask.exec() != QDialog::Accepted)
        return std::nullopt;
    const QKeySequence typed = edit->keySequence();
    return typed.isEmpty() ? QKeySequence() : QKeySequence(typed[0]);
}

int ClassEditor::selectedClass() const
{
    const int row = m_table->currentRow();
    return row >= 0 && row < int(m_job.classes.size()) && m_table->selectionModel()->hasSelection()
               ? m_job.classes[size_t(row)].id
               : -1;
}

void ClassEditor::selectClass(int classId)
{
    const int row = m_job.positionOf(classId);
    if (row >= 0)
        m_table->selectRow(row);
}

QString ClassEditor::error() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

bool ClassEditor::refuse(const QString &message)
{
    m_error->setText(message);
    m_error->show();
    return false;
}

void ClassEditor::fill()
{
    m_filling = true;
    m_table->setRowCount(int(m_job.classes.size()));
    const bool counted = m_counts.has_value();
    for (int i = 0; i < int(m_job.classes.size()); ++i) {
        const LabelClass &c = m_job.classes[size_t(i)];
        auto *name = new QTableWidgetItem(swatch(c.color), QString::fromStdString(c.name));
        name->setData(Qt::UserRole, c.id);
        name->setToolTip(tr("Class index %1 in exported datasets; double-click to rename").arg(i));
        m_table->setItem(i, NameColumn, name);
        auto *key = new QTableWidgetItem(keyText(c.shortcut));
        key->setFlags(key->flags() & ~Qt::ItemIsEditable);
        key->setTextAlignment(Qt::AlignCenter);
        key->setToolTip(tr("Double-click to change the key"));
        m_table->setItem(i, KeyColumn, key);
        QString count;
        if (counted) {
            auto it = m_counts->find(c.id);
            count = QLocale().toString(qlonglong(it == m_counts->end() ? 0 : it->second));
        }
        auto *items = new QTableWidgetItem(count);
        items->setFlags(items->flags() & ~Qt::ItemIsEditable);
        items->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_table->setItem(i, CountColumn, items);
    }
    m_filling = false;
}

void ClassEditor::showLog()
{
    m_log->clear();
    auto changes = m_session.store().changes();
    if (!changes)
        return;
    const std::string byName = "job '" + m_job.name + "'";
    const std::string byId = "job " + std::to_string(m_job.id) + ":";
    for (auto it = changes->rbegin(); it != changes->rend(); ++it) {
        if (!it->detail.starts_with(byName) && !it->detail.starts_with(byId))
            continue;
        const QString when = QDateTime::fromMSecsSinceEpoch(it->atUs / 1000).toString(QStringLiteral("yyyy-MM-dd hh:mm"));
        std::string detail = it->detail;
        if (const size_t colon = detail.find(": "); colon != std::string::npos)
            detail.erase(0, colon + 2);
        m_log->addItem(QStringLiteral("%1  %2  %3").arg(when, QString::fromStdString(it->author.empty() ? "?" : it->author),
                                                         QString::fromStdString(detail)));
    }
    if (m_log->count() == 0)
        m_log->addItem(tr("No changes yet."));
}

void ClassEditor::updateButtons()
{
    const int id = selectedClass();
    const int row = m_job.positionOf(id);
    const bool any = row >= 0;
    m_up->setEnabled(any && row > 0);
    m_down->setEnabled(any && row + 1 < int(m_job.classes.size()));
    for (QPushButton *b : {m_color, m_key, m_remove})
        b->setEnabled(any);
    m_merge->setEnabled(any && m_job.classes.size() > 1);
    QUndoStack *stack = m_session.undoStack();
    m_undo->setEnabled(stack && stack->canUndo());
    m_redo->setEnabled(stack && stack->canRedo());
    m_undo->setToolTip(stack ? stack->undoText() : QString());
    m_redo->setToolTip(stack ? stack->redoText() : QString());
}

void ClassEditor::reload(bool labelsChanged)
{
    const int keep = selectedClass();
    if (auto job = m_session.store().job(m_job.name))
        m_job = *job;
    fill();
    showLog();
    if (m_job.classById(keep))
        selectClass(keep);
    updateButtons();
    if (m_hooks.changed)
        m_hooks.changed(m_job, labelsChanged);
}

bool ClassEditor::edit(int classId, const ClassEdit &after, const QString &text)
{
    const LabelClass *c = m_job.classById(classId);
    if (!c)
        return refuse(tr("Select a class first."));
    ClassEdit before;
    if (after.name)
        before.name = c->name;
    if (after.color)
        before.color = c->color;
    if (after.shortcut)
        before.shortcut = c->shortcut;
    if (after.position)
        before.position = m_job.positionOf(classId);
    if (auto r = m_session.store().editClass(m_job.id, classId, after, m_session.author()); !r)
        return refuse(QString::fromStdString(r.error().message));
    m_error->hide();
    if (QUndoStack *stack = m_session.undoStack())
        stack->push(new ClassEditCommand(m_session.store(), m_job.name, m_job.id, classId, before, after,
                                         m_session.author(), m_hooks, text));
    reload(false);
    selectClass(classId); // the class just changed stays selected (a second Move Up moves it again)
    return true;
}

bool ClassEditor::addClass(const QString &typed)
{
    LabelClass c;
    c.name = trimmedName(typed.toStdString());
    if (c.name.empty())
        return refuse(tr("Type the new class's name first."));
    if (const std::string problem = classNameProblem(c.name, m_job.type); !problem.empty())
        return refuse(QString::fromStdString(problem));
    if (m_job.classByName(c.name))
        return refuse(tr("The job already has a class named '%1'.").arg(QString::fromStdString(c.name)));
    // The key a new job would give it, when nothing else in the window uses that key.
    std::vector<LabelClass> withNew = m_job.classes;
    withNew.push_back(c);
    assignDefaultKeys(withNew);
    const QKeySequence key(QString::fromStdString(withNew.back().shortcut));
    if (!key.isEmpty() && m_shortcuts.conflict(key).isEmpty())
        c.shortcut = withNew.back().shortcut;
    auto added = m_session.store().addClass(m_job.id, c, m_session.author());
    if (!added)
        return refuse(QString::fromStdString(added.error().message));
    m_error->hide();
    if (m_counts)
        (*m_counts)[added->id] = 0;
    reload(false);
    selectClass(added->id);
    return true;
}

bool ClassEditor::renameClass(int classId, const QString &typed)
{
    const std::string name = trimmedName(typed.toStdString());
    const LabelClass *c = m_job.classById(classId);
    if (c && c->name == name)
        return true;
    ClassEdit e;
    e.name = name;
    return edit(classId, e, tr("Rename class %1 to %2").arg(c ? QString::fromStdString(c->name) : QString(), typed.trimmed()));
}

bool ClassEditor::setColor(int classId, const QString &color)
{
    const LabelClass *c = m_job.classById(classId);
    ClassEdit e;
    e.color = color.toLower().toStdString();
    return edit(classId, e, tr("Colour of class %1").arg(c ? QString::fromStdString(c->name) : QString()));
}

bool ClassEditor::setKey(int classId, const QKeySequence &key)
{
    const LabelClass *c = m_job.classById(classId);
    if (!c)
        return refuse(tr("Select a class first."));
    if (const QString used = m_shortcuts.conflict(key, {}, classId); !key.isEmpty() && !used.isEmpty())
        return refuse(used);
    ClassEdit e;
    e.shortcut = key.toString(QKeySequence::PortableText).toStdString();
    return edit(classId, e, tr("Key of class %1").arg(QString::fromStdString(c->name)));
}

bool ClassEditor::moveClass(int classId, int delta)
{
    const int from = m_job.positionOf(classId);
    if (from < 0)
        return refuse(tr("Select a class first."));
    const int to = from + delta;
    if (to < 0 || to >= int(m_job.classes.size()))
        return false;
    ClassEdit e;
    e.position = to;
    return edit(classId, e, tr("Move class %1").arg(QString::fromStdString(m_job.classes[size_t(from)].name)));
}

void ClassEditor::askRemove(bool merge)
{
    const LabelClass *c = m_job.classById(selectedClass());
    if (!c)
        return;
    const QString name = QString::fromStdString(c->name);
    QString used;
    if (m_counts) {
        auto it = m_counts->find(c->id);
        used = plural(it == m_counts->end() ? 0 : it->second, tr("%1 item carries it."), tr("%1 items carry it."));
    }
    QDialog ask(this);
    ask.setWindowTitle(merge ? tr("Merge %1").arg(name) : tr("Remove %1").arg(name));
    auto *layout = new QVBoxLayout(&ask);
    auto *targets = new QComboBox;
    for (const LabelClass &other : m_job.classes)
        if (other.id != c->id)
            targets->addItem(QString::fromStdString(other.name), other.id);
    auto *moveTo = new QRadioButton(tr("Move its labels to:"));
    auto *drop = new QRadioButton(job().type == TaskType::SemanticSegmentation
                                      ? tr("Take it off the labels (its pixels become background)")
                                      : tr("Take it off the labels (items with no other class lose their label)"));
    if (merge) {
        layout->addWidget(new QLabel(tr("Every label of '%1' becomes the class below, then '%1' is removed. %2")
                                         .arg(name, used)));
        layout->addWidget(targets);
    } else {
        layout->addWidget(new QLabel(tr("Remove the class '%1'? %2").arg(name, used)));
        auto *group = new QButtonGroup(&ask);
        group->addButton(moveTo);
        group->addButton(drop);
        layout->addWidget(moveTo);
        layout->addWidget(targets);
        layout->addWidget(drop);
        (targets->count() ? moveTo : drop)->setChecked(true);
        moveTo->setEnabled(targets->count() > 0);
        connect(drop, &QRadioButton::toggled, targets, [targets](bool on) { targets->setEnabled(!on); });
    }
    auto *note = new QLabel(tr("This cannot be undone. Each changed label keeps its earlier versions in its "
                               "history, and the change log records who did it."));
    note->setWordWrap(true);
    layout->addWidget(note);
    auto *box = new QDialogButtonBox(QDialogButtonBox::Cancel);
    box->addButton(merge ? tr("Merge") : tr("Remove"), QDialogButtonBox::AcceptRole);
    connect(box, &QDialogButtonBox::accepted, &ask, &QDialog::accept);
    connect(box, &QDialogButtonBox::rejected, &ask, &QDialog::reject);
    layout->addWidget(box);
    if (ask.exec() != QDialog::Accepted)
        return;
    const std::optional<int> target = merge || moveTo->isChecked()
                                          ? std::optional<int>(targets->currentData().toInt())
                                          : std::nullopt;
    removeClass(c->id, target);
}

bool ClassEditor::removeClass(int classId, std::optional<int> target)
{
    const LabelClass *c = m_job.classById(classId);
    if (!c)
        return refuse(tr("Select a class first."));
    if (target && (!m_job.classById(*target) || *target == classId))
        return refuse(tr("Choose another class to move the labels to."));
    // Every label of the class is rewritten in one transaction: on a connection of its own, off this thread.
    const std::string project = m_session.store().path(), author = m_session.author();
    const int64_t jobId = m_job.id;
    QFutureWatcher<Result<int64_t>> watcher;
    QProgressDialog busy(tr("Changing the labels of '%1'…").arg(QString::fromStdString(c->name)), QString(), 0, 0, this);
    busy.setWindowModality(Qt::WindowModal);
    busy.setMinimumDuration(300);
    busy.setCancelButton(nullptr);
    QEventLoop loop;
    connect(&watcher, &QFutureWatcher<Result<int64_t>>::finished, &loop, &QEventLoop::quit);
    watcher.setFuture(QtConcurrent::run(workPool(), [=]() -> Result<int64_t> {
        auto store = ProjectStore::open(project, ProjectStore::OpenMode::OpenExisting);
        if (!store)
            return fail(store.error());
        return (*store)->removeClass(jobId, classId, target, author);
    }));
    loop.exec();
    busy.reset();
    const Result<int64_t> done = watcher.result();
    if (!done)
        return refuse(QString::fromStdString(done.error().message));
    m_error->hide();
    if (m_counts) {
        const int64_t moved = (*m_counts)[classId];
        m_counts->erase(classId);
        if (target)
            (*m_counts)[*target] += moved; // until the window counts again (an item may have had both)
    }
    reload(true);
    return true;
}

} // namespace gw::ui

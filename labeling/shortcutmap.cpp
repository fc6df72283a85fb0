#include "labeling/shortcutmap.h"

#include <QCoreApplication>

namespace gw::labeling {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("ShortcutMap", text);
}

QString show(const QKeySequence &k)
{
    return k.toString(QKeySequence::NativeText);
}

} // namespace

ShortcutMap ShortcutMap::defaults()
{
    // Bare digits are left to class keys; single letters used here are the usual ones of labeling tools.
    ShortcutMap m;
    const QString nav = tr("Navigate"), edit = tr("Edit"), tools = tr("Tools"), view = tr("View"), app = tr("Application");
    m.add(QStringLiteral("nav.next"), tr("Next item"), nav, QKeySequence(Qt::Key_D));
    m.add(QStringLiteral("nav.previous"), tr("Previous item"), nav, QKeySequence(Qt::Key_A));
    m.add(QStringLiteral("nav.nextUnlabeled"), tr("Next unlabeled item"), nav, QKeySequence(Qt::Key_N));
    m.add(QStringLiteral("nav.nextPage"), tr("Next item (alternative)"), nav, QKeySequence(Qt::Key_PageDown));
    m.add(QStringLiteral("nav.previousPage"), tr("Previous item (alternative)"), nav, QKeySequence(Qt::Key_PageUp));
    m.add(QStringLiteral("edit.undo"), tr("Undo"), edit, QKeySequence(Qt::CTRL | Qt::Key_Z));
    m.add(QStringLiteral("edit.redo"), tr("Redo"), edit, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z));
    m.add(QStringLiteral("edit.clear"), tr("Clear the item's label"), edit, QKeySequence(Qt::SHIFT | Qt::Key_Delete));
    m.add(QStringLiteral("edit.accept"), tr("Accept the automatic label"), edit, QKeySequence(Qt::Key_Return));
    m.add(QStringLiteral("edit.reject"), tr("Reject the automatic label"), edit, QKeySequence(Qt::Key_Backspace));
    m.add(QStringLiteral("edit.copyBoxes"), tr("Copy the previous image's boxes"), edit,
          QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V));
    m.add(QStringLiteral("edit.nextClass"), tr("Next class"), edit, QKeySequence(Qt::Key_E));
    m.add(QStringLiteral("edit.previousClass"), tr("Previous class"), edit, QKeySequence(Qt::Key_Q));
    m.add(QStringLiteral("tool.box"), tr("Box tool"), tools, QKeySequence(Qt::Key_B));
    m.add(QStringLiteral("tool.polygon"), tr("Polygon tool"), tools, QKeySequence(Qt::Key_P));
    m.add(QStringLiteral("tool.brush"), tr("Brush"), tools, QKeySequence(Qt::Key_R));
    m.add(QStringLiteral("tool.eraser"), tr("Eraser"), tools, QKeySequence(Qt::Key_X));
    // Short: these are the toolbar's words too (the cheat sheet and the README say how each is used). The assists
    // take Shift + a letter, so that the letters stay free for classes named by one letter.
    m.add(QStringLiteral("tool.select"), tr("Select"), tools, QKeySequence(Qt::Key_V));
    m.add(QStringLiteral("tool.grabcut"), tr("GrabCut"), tools, QKeySequence(Qt::SHIFT | Qt::Key_C));
    m.add(QStringLiteral("tool.wand"), tr("Magic wand"), tools, QKeySequence(Qt::SHIFT | Qt::Key_W));
    m.add(QStringLiteral("tool.superpixels"), tr("Superpixels"), tools, QKeySequence(Qt::SHIFT | Qt::Key_S));
    m.add(QStringLiteral("tool.watershed"), tr("Watershed"), tools, QKeySequence(Qt::SHIFT | Qt::Key_T));
    m.add(QStringLiteral("tool.scissors"), tr("Scissors"), tools, QKeySequence(Qt::SHIFT | Qt::Key_I));
    m.add(QStringLiteral("view.fit"), tr("Zoom to fit"), view, QKeySequence(Qt::Key_F));
    m.add(QStringLiteral("view.actual"), tr("Zoom 1:1"), view, QKeySequence(Qt::CTRL | Qt::Key_1));
    m.add(QStringLiteral("view.zoomIn"), tr("Zoom in"), view, QKeySequence(Qt::Key_Plus));
    m.add(QStringLiteral("view.zoomOut"), tr("Zoom out"), view, QKeySequence(Qt::Key_Minus));
    m.add(QStringLiteral("view.annotations"), tr("Show or hide annotations"), view, QKeySequence(Qt::Key_H));
    m.add(QStringLiteral("view.opacityUp"), tr("More opaque mask"), view, QKeySequence(Qt::Key_Period));
    m.add(QStringLiteral("view.opacityDown"), tr("More transparent mask"), view, QKeySequence(Qt::Key_Comma));
    m.add(QStringLiteral("view.gallery"), tr("Focus the gallery"), view, QKeySequence(Qt::Key_G));
    m.add(QStringLiteral("app.cheatSheet"), tr("Keyboard cheat sheet"), app, QKeySequence(Qt::Key_F1));
    m.add(QStringLiteral("app.open"), tr("Open project"), app, QKeySequence(Qt::CTRL | Qt::Key_O));
    m.add(QStringLiteral("app.new"), tr("New project"), app, QKeySequence(Qt::CTRL | Qt::Key_N));
    m.add(QStringLiteral("app.addImages"), tr("Add images"), app, QKeySequence(Qt::CTRL | Qt::Key_I));
    m.add(QStringLiteral("app.newJob"), tr("New labeling job"), app, QKeySequence(Qt::CTRL | Qt::Key_J));
    m.add(QStringLiteral("app.editClasses"), tr("Edit the job's classes"), app,
          QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_J));
    m.add(QStringLiteral("app.reviewJob"), tr("Review the job's labels (a review, verification or adjustment job)"), app,
          QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    m.add(QStringLiteral("app.myQueue"), tr("My queue: the items handed to me"), app, QKeySequence(Qt::CTRL | Qt::Key_M));
    m.add(QStringLiteral("app.workers"), tr("The job's workers (answers, queues, agreement)"), app,
          QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_W));
    m.add(QStringLiteral("app.exportDataset"), tr("Export dataset"), app, QKeySequence(Qt::CTRL | Qt::Key_E));
    m.add(QStringLiteral("app.explore"), tr("Explore the dataset (charts)"), app,
          QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    m.add(QStringLiteral("app.training"), tr("Training runs and experiments"), app,
          QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
    m.add(QStringLiteral("app.importDataset"), tr("Import labeled dataset"), app,
          QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I));
    m.add(QStringLiteral("app.settings"), tr("Keyboard settings"), app, QKeySequence(Qt::CTRL | Qt::Key_Comma));
    m.add(QStringLiteral("app.quit"), tr("Quit"), app, QKeySequence(Qt::CTRL | Qt::Key_Q));
    return m;
}

void ShortcutMap::add(const QString &id, const QString &text, const QString &group, const QKeySequence &key)
{
    m_actions.push_back({id, text, group, key, key});
}

const ShortcutAction *ShortcutMap::action(const QString &id) const
{
    for (const ShortcutAction &a : m_actions)
        if (a.id == id)
            return &a;
    return nullptr;
}

QKeySequence ShortcutMap::key(const QString &id) const
{
    const ShortcutAction *a = action(id);
    return a ? a->key : QKeySequence();
}

QString ShortcutMap::conflict(const QKeySequence &key, const QString &exceptAction, int exceptClass) const
{
    if (key.isEmpty())
        return {};
    for (const ShortcutAction &a : m_actions)
        if (a.id != exceptAction && a.key == key)
            return tr("'%1' is already the key of '%2'").arg(show(key), a.text);
    for (const datasets::LabelClass &c : m_classes)
        if (c.id != exceptClass && !c.shortcut.empty() && QKeySequence(QString::fromStdString(c.shortcut)) == key)
            return tr("'%1' is already the key of class '%2'").arg(show(key), QString::fromStdString(c.name));
    return {};
}

Result<> ShortcutMap::setKey(const QString &id, const QKeySequence &key)
{
    auto it = std::find_if(m_actions.begin(), m_actions.end(), [&](const ShortcutAction &a) { return a.id == id; });
    if (it == m_actions.end())
        return fail(Error::notFound("no action " + id.toStdString()));
    if (const QString c = conflict(key, id); !c.isEmpty())
        return fail(Error::conflict(c.toStdString()));
    it->key = key;
    return {};
}

Result<> ShortcutMap::setClassKey(int classId, const QKeySequence &key)
{
    auto it = std::find_if(m_classes.begin(), m_classes.end(), [&](const datasets::LabelClass &c) { return c.id == classId; });
    if (it == m_classes.end())
        return fail(Error::notFound("no such class"));
    if (const QString c = conflict(key, {}, classId); !c.isEmpty())
        return fail(Error::conflict(c.toStdString()));
    it->shortcut = key.toString(QKeySequence::PortableText).toStdString();
    return {};
}

int ShortcutMap::classForKey(const QKeySequence &key) const
{
    for (const datasets::LabelClass &c : m_classes)
        if (!c.shortcut.empty() && QKeySequence(QString::fromStdString(c.shortcut)) == key)
            return c.id;
    return -1;
}

QMap<QString, QString> ShortcutMap::overrides() const
{
    QMap<QString, QString> out;
    for (const ShortcutAction &a : m_actions)
        if (a.key != a.defaultKey)
            out.insert(a.id, a.key.toString(QKeySequence::PortableText));
    return out;
}

QStringList ShortcutMap::applyOverrides(const QMap<QString, QString> &overrides)
{
    QStringList problems;
    // Free the overridden keys first, so that swapped keys (A <-> D) apply in any order.
    for (ShortcutAction &a : m_actions)
        if (overrides.contains(a.id))
            a.key = QKeySequence();
    QStringList failed;
    for (auto it = overrides.begin(); it != overrides.end(); ++it) {
        if (auto r = setKey(it.key(), QKeySequence(it.value(), QKeySequence::PortableText)); !r) {
            problems << QString::fromStdString(r.error().message);
            failed << it.key();
        }
    }
    // An override that could not apply leaves its action on the default key (when that is still free).
    for (const QString &id : failed)
        if (const ShortcutAction *a = action(id))
            (void)setKey(id, a->defaultKey);
    return problems;
}

} // namespace gw::labeling

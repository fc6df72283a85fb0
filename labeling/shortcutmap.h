#pragma once

// Keyboard shortcuts of the labeling screen: global actions (configurable in settings) and the current job's
// class keys. One place decides conflicts, so an assignment that would clash is refused with a message,
// and class keys always win over global actions while labeling.

#include "datasets/result.h"
#include "datasets/types.h"

#include <QKeySequence>
#include <QMap>
#include <QString>

#include <vector>

namespace gw::labeling {

struct ShortcutAction
{
    QString id;        ///< stable, e.g. "nav.next"
    QString text;      ///< for people, e.g. "Next item"
    QString group;     ///< cheat sheet section
    QKeySequence defaultKey;
    QKeySequence key;  ///< current (default unless overridden)
};

class ShortcutMap
{
public:
    /// The default actions of the labeling screen.
    static ShortcutMap defaults();

    void add(const QString &id, const QString &text, const QString &group, const QKeySequence &key);
    const std::vector<ShortcutAction> &actions() const { return m_actions; }
    const ShortcutAction *action(const QString &id) const;
    QKeySequence key(const QString &id) const;

    /// The classes whose keys are in force (the open job's).
    void setClasses(const std::vector<datasets::LabelClass> &classes) { m_classes = classes; }
    const std::vector<datasets::LabelClass> &classes() const { return m_classes; }

    /// What already uses a key, as a message ("'N' is the key of 'Next unlabeled'"); empty when free.
    /// The action or class being changed is left out.
    QString conflict(const QKeySequence &key, const QString &exceptAction = {}, int exceptClass = -1) const;
    /// Assigns a key to an action (an empty sequence removes it); refused when it conflicts.
    Result<> setKey(const QString &id, const QKeySequence &key);
    /// Assigns a key to a class of the current classes; refused when it conflicts.
    Result<> setClassKey(int classId, const QKeySequence &key);

    /// The class whose key this is, or -1.
    int classForKey(const QKeySequence &key) const;

    /// Overrides of the defaults, for settings ("id" -> portable key text).
    QMap<QString, QString> overrides() const;
    /// Applies saved overrides; ones that conflict or name unknown actions are skipped and reported.
    QStringList applyOverrides(const QMap<QString, QString> &overrides);

private:
    std::vector<ShortcutAction> m_actions;
    std::vector<datasets::LabelClass> m_classes;
};

} // namespace gw::labeling

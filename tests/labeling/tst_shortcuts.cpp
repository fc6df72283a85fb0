// Shortcuts: conflicts between global actions and class keys are refused with a message.

#include "labeling/shortcutmap.h"

#include <QTest>

using namespace gw;
using namespace gw::labeling;

namespace {

std::vector<datasets::LabelClass> classes()
{
    return {{0, "cat", "#1f77b4", "1", {}}, {1, "dog", "#ff7f0e", "2", {}}, {2, "cow", "#2ca02c", "C", {}}};
}

} // namespace

class TestShortcuts : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void defaultsHaveNoConflicts()
    {
        const ShortcutMap m = ShortcutMap::defaults();
        for (const ShortcutAction &a : m.actions()) {
            QVERIFY2(m.conflict(a.key, a.id).isEmpty(), qPrintable(a.id));
            // Bare digits stay free for class keys.
            QVERIFY2(!(a.key.count() == 1 && a.key[0].key() >= Qt::Key_0 && a.key[0].key() <= Qt::Key_9
                       && a.key[0].keyboardModifiers() == Qt::NoModifier),
                     qPrintable(a.id));
        }
    }

    void classKeysAreFoundAndConflictsRefused()
    {
        ShortcutMap m = ShortcutMap::defaults();
        m.setClasses(classes());
        QCOMPARE(m.classForKey(QKeySequence(Qt::Key_2)), 1);
        QCOMPARE(m.classForKey(QKeySequence(Qt::Key_C)), 2);
        QCOMPARE(m.classForKey(QKeySequence(Qt::Key_7)), -1);
        // A class key equal to a global action is refused, naming the action.
        auto r = m.setClassKey(0, QKeySequence(Qt::Key_D));
        QVERIFY(!r);
        QVERIFY(QString::fromStdString(r.error().message).contains(QStringLiteral("Next item")));
        // Two classes cannot share a key.
        auto dup = m.setClassKey(0, QKeySequence(Qt::Key_2));
        QVERIFY(!dup);
        QVERIFY(QString::fromStdString(dup.error().message).contains(QStringLiteral("class 'dog'")));
        // An action cannot take a class key.
        auto act = m.setKey(QStringLiteral("nav.next"), QKeySequence(Qt::Key_C));
        QVERIFY(!act);
        QVERIFY(QString::fromStdString(act.error().message).contains(QStringLiteral("class 'cow'")));
        QVERIFY(m.setClassKey(0, QKeySequence(Qt::Key_9)).has_value());
        QCOMPARE(m.classForKey(QKeySequence(Qt::Key_9)), 0);
        QCOMPARE(m.classForKey(QKeySequence(Qt::Key_1)), -1);
    }

    void overridesRoundTripIncludingSwaps()
    {
        ShortcutMap m = ShortcutMap::defaults();
        QVERIFY(m.setKey(QStringLiteral("nav.next"), QKeySequence(Qt::Key_L)).has_value());
        QVERIFY(m.setKey(QStringLiteral("nav.previous"), QKeySequence(Qt::Key_D)).has_value());
        QVERIFY(m.setKey(QStringLiteral("nav.next"), QKeySequence(Qt::Key_A)).has_value());
        const auto saved = m.overrides();
        QCOMPARE(saved.size(), 2);
        ShortcutMap fresh = ShortcutMap::defaults();
        QCOMPARE(fresh.applyOverrides(saved), QStringList());
        QCOMPARE(fresh.key(QStringLiteral("nav.next")), QKeySequence(Qt::Key_A));
        QCOMPARE(fresh.key(QStringLiteral("nav.previous")), QKeySequence(Qt::Key_D));
        // A saved override that now conflicts is reported, not applied.
        QMap<QString, QString> bad{{QStringLiteral("tool.box"), QStringLiteral("N")}};
        ShortcutMap other = ShortcutMap::defaults();
        QCOMPARE(other.applyOverrides(bad).size(), 1);
        QCOMPARE(other.key(QStringLiteral("tool.box")), QKeySequence(Qt::Key_B));
    }
};

QTEST_GUILESS_MAIN(TestShortcuts)
#include "tst_shortcuts.moc"

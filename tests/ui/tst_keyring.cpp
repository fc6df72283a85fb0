// Team-server passwords in the desktop keyring (issue 17), against GNOME Keyring's real Secret Service in a private
// D-Bus session (tests/keyring-session.sh): kept and found by the project's address, forgotten on request; the
// Connect dialog offers it and fills the password in; the window opens a team project by its address alone with the
// password the keyring keeps.

#include "datasets/pg.h"
#include "datasets/teamserver.h"
#include "pgserver.h"
#include "ui/keyring.h"
#include "ui/mainwindow.h"
#include "ui/teamserverdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTest>

using namespace gw;
using namespace gw::datasets;

class TestKeyring : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY2(ui::keyring::available(), "no Secret Service in this session (run through tests/keyring-session.sh)");
    }

    void keepsFindsAndForgetsByAddress()
    {
        const QString address = QStringLiteral("postgresql://ann@labels.example.org:5432/birds?sslmode=require");
        QVERIFY(ui::keyring::store(address, QStringLiteral("correct horse")));
        QCOMPARE(ui::keyring::lookup(address).value_or(QString()), QStringLiteral("correct horse"));
        QVERIFY(!ui::keyring::lookup(QStringLiteral("postgresql://bob@labels.example.org:5432/birds")));
        QVERIFY(ui::keyring::store(address, QStringLiteral("battery staple"))); // replaced, not added
        QCOMPARE(ui::keyring::lookup(address).value_or(QString()), QStringLiteral("battery staple"));
        QVERIFY(ui::keyring::forget(address));
        QVERIFY(!ui::keyring::lookup(address));
    }

    void theWindowOpensATeamProjectWithTheKeptPassword()
    {
        test::PgServer server;
        QVERIFY2(server.running(), qPrintable(server.error()));
        {
            pg::Connection admin;
            QVERIFY(admin.open(server.adminUrl("postgres")));
            QVERIFY(admin.exec("CREATE DATABASE kept"));
        }
        QVERIFY(ProjectStore::open(server.adminUrl("kept"), ProjectStore::OpenMode::Create));
        QVERIFY(teamserver::addUser(server.adminUrl("kept"), "ann", teamserver::Role::Annotator, "from the keyring"));

        // The dialog keeps the password when asked...
        {
            ui::TeamServerDialog dialog;
            QVERIFY(dialog.rememberBox()->isEnabled());
            dialog.serverEdit()->setText(QStringLiteral("127.0.0.1"));
            dialog.portBox()->setValue(server.port());
            dialog.projectEdit()->setText(QStringLiteral("kept"));
            dialog.nameEdit()->setText(QStringLiteral("ann"));
            dialog.passwordEdit()->setText(QStringLiteral("from the keyring"));
            dialog.encryptionBox()->setCurrentIndex(dialog.encryptionBox()->findData(QStringLiteral("disable")));
            dialog.rememberBox()->setChecked(true);
            dialog.show();
            QPushButton *connect = nullptr;
            for (QPushButton *b : dialog.findChildren<QPushButton *>())
                if (b->text() == QStringLiteral("&Connect"))
                    connect = b;
            QVERIFY(connect && connect->isEnabled());
            connect->click();
            QCOMPARE(dialog.result(), int(QDialog::Accepted));
            QCOMPARE(ui::keyring::lookup(dialog.shownUrl()).value_or(QString()), QStringLiteral("from the keyring"));
        }
        // ...fills it in next time...
        ui::TeamServerDialog again;
        QCOMPARE(again.passwordEdit()->text(), QStringLiteral("from the keyring"));
        // ...and the window opens the project by its address alone (Open Recent) with it.
        ui::MainWindow w;
        QVERIFY(w.openProject(again.shownUrl()));
        QCOMPARE(QString::fromStdString(teamserver::userOf(*w.store())), QStringLiteral("ann"));
        QVERIFY(ui::keyring::forget(again.shownUrl()));
    }
};

QTEST_MAIN(TestKeyring)
#include "tst_keyring.moc"

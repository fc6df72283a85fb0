// A full disk: a failed import or export reports it, and nothing already stored is lost or half-written.
// Needs root to mount a small tmpfs (CI runs as root); skipped otherwise.

#include "datasets/manifest.h"
#include "testutil.h"

#include <QDir>
#include <QProcess>
#include <QTest>

#include <unistd.h>

using namespace gw;
using namespace gw::datasets;

class TestFullDisk : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        if (geteuid() != 0)
            QSKIP("needs root to mount a small tmpfs");
        QVERIFY(m_tmp.isValid());
        m_mount = m_tmp.path() + QStringLiteral("/small");
        QDir().mkpath(m_mount);
        const int rc = QProcess::execute(QStringLiteral("mount"),
                                         {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
                                          QStringLiteral("size=384k"), QStringLiteral("tmpfs"), m_mount});
        if (rc != 0)
            QSKIP("cannot mount a tmpfs here");
        m_mounted = true;
    }

    void cleanupTestCase()
    {
        if (m_mounted)
            QProcess::execute(QStringLiteral("umount"), {m_mount});
    }

    void importThatFillsTheDiskChangesNothing()
    {
        const std::string project = (m_mount + QStringLiteral("/p.gwproj")).toStdString();
        {
            auto store = test::newProject(project);
            test::writeFile(test::path(m_tmp, "small.manifest"),
                            "{\"source\":\"kept one\"}\n{\"source\":\"kept two\"}\n");
            GW_VERIFY_OK(importManifest(*store, test::path(m_tmp, "small.manifest"), {}));
        }
        std::string big;
        for (int i = 0; i < 20000; ++i)
            big += "{\"source\":\"a line long enough to fill a small disk quickly, number " + std::to_string(i) + "\"}\n";
        test::writeFile(test::path(m_tmp, "big.manifest"), big);
        {
            auto store = ProjectStore::open(project, ProjectStore::OpenMode::OpenExisting);
            GW_VERIFY_OK(store);
            auto r = importManifest(**store, test::path(m_tmp, "big.manifest"), {});
            QVERIFY(!r);
            QVERIFY2(r.error().message.find("disk is full") != std::string::npos, r.error().message.c_str());
        }
        auto store = ProjectStore::open(project, ProjectStore::OpenMode::OpenExisting);
        GW_VERIFY_OK(store);
        QCOMPARE(*(*store)->countItems({}), int64_t(2));
        QCOMPARE((*store)->item(2)->text, std::string("kept two"));
    }

    void exportThatFillsTheDiskLeavesNoFile()
    {
        auto store = test::newProject(test::path(m_tmp, "q.gwproj"));
        std::string big;
        for (int i = 0; i < 20000; ++i)
            big += "{\"source\":\"another long line that will not fit on the small disk, number " + std::to_string(i) + "\"}\n";
        test::writeFile(test::path(m_tmp, "q.manifest"), big);
        GW_VERIFY_OK(importManifest(*store, test::path(m_tmp, "q.manifest"), {}));
        ExportOptions opt;
        opt.outPath = (m_mount + QStringLiteral("/out.manifest")).toStdString();
        auto r = exportManifest(*store, opt);
        QVERIFY(!r);
        QVERIFY(r.error().message.find("out.manifest") != std::string::npos);
        QVERIFY(!QFile::exists(m_mount + QStringLiteral("/out.manifest")));
        // And no temporary file is left behind.
        QCOMPARE(QDir(m_mount).entryList({QStringLiteral("out.manifest*")}, QDir::Files).size(), 0);
    }

private:
    QTemporaryDir m_tmp;
    QString m_mount;
    bool m_mounted = false;
};

QTEST_GUILESS_MAIN(TestFullDisk)
#include "tst_fulldisk.moc"

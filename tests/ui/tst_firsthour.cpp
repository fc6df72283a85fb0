// A newcomer's first hour, from the GUI only: a new project, a folder of real images added, a job created in
// its dialog, items labelled with keys, a class renamed in the class editor, and a dataset exported from the
// export dialog — then the exported manifest is read back to check it says what was labelled, under the new
// class name.

#include "datasets/json.h"
#include "ui/classeditor.h"
#include "ui/datasetdialogs.h"
#include "ui/newjobdialog.h"
#include "ui/welcomepage.h"
#include "windowtestutil.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QTableWidget>
#include <QTimer>

#include <functional>

using namespace gw;
using namespace gw::datasets;
using namespace gw::test;

namespace {

/// Runs fn on the modal dialog of type T as soon as it is open (the code that opens it waits in exec()).
template<typename T>
void whenOpen(const std::function<void(T *)> &fn, int attempts = 200)
{
    QTimer::singleShot(20, qApp, [fn, attempts] {
        if (auto *d = qobject_cast<T *>(QApplication::activeModalWidget()))
            fn(d);
        else if (attempts > 0)
            whenOpen<T>(fn, attempts - 1);
        else
            qWarning("no dialog appeared");
    });
}

QPushButton *button(QDialog *d, const QString &text)
{
    for (QPushButton *b : d->findChildren<QPushButton *>())
        if (b->text().remove(QLatin1Char('&')) == text)
            return b;
    return nullptr;
}

} // namespace

class TestFirstHour : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("GroundworkTests"));
        QSettings().clear();
    }

    void fromNothingToAnExportedDatasetWithoutTheCommandLine()
    {
        QTemporaryDir dir;
        const QString photos = dir.path() + QStringLiteral("/photos");
        QDir().mkpath(photos);
        for (int i = 0; i < 5; ++i) {
            QImage img(64, 48, QImage::Format_RGB32);
            img.fill(QColor::fromHsv(i * 60, 180, 200));
            QVERIFY(img.save(photos + QStringLiteral("/photo%1.jpg").arg(i)));
        }
        ui::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QVERIFY(w.showingWelcome());

        // New project, then a folder of images.
        const QString project = dir.path() + QStringLiteral("/pets.gwproj");
        QVERIFY(w.newProject(project));
        QVERIFY(!w.showingWelcome());
        QVERIFY(w.addPaths({photos}));
        QCOMPARE(*w.store()->countItems({}), int64_t(5));

        // A job with two classes, from the New Job dialog.
        whenOpen<ui::NewJobDialog>([](ui::NewJobDialog *d) {
            d->findChild<QLineEdit *>()->setText(QStringLiteral("pet"));
            d->findChild<QPlainTextEdit *>()->setPlainText(QStringLiteral("cat\ndog"));
            d->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
        });
        w.action(QStringLiteral("app.newJob"))->trigger();
        auto job = w.store()->job("pet");
        QVERIFY(job);
        QCOMPARE(job->type, TaskType::ImageClassification);
        QCOMPARE(w.labelingPane()->job().name, std::string("pet"));

        // Label with keys: each one labels the item shown and moves on.
        QTRY_COMPARE(w.labelingPane()->currentItem(), int64_t(1));
        w.activateWindow(); // as the window manager does when the dialog closes
        QVERIFY(QTest::qWaitForWindowActive(&w));
        ui::ImageCanvas *canvas = w.labelingPane()->canvas();
        canvas->setFocus();
        for (Qt::Key k : {Qt::Key_1, Qt::Key_2, Qt::Key_2, Qt::Key_1})
            QTest::keyClick(canvas, k);
        QCOMPARE(w.labelingPane()->currentItem(), int64_t(5));
        QCOMPARE(label(w.store(), "pet", 2)->payload.classes, std::vector<int>{1});

        // "dog" becomes "hound" in the class editor, opened from the Job menu.
        w.action(QStringLiteral("app.editClasses"))->trigger();
        auto *editor = w.findChild<ui::ClassEditor *>();
        QVERIFY(editor);
        QTRY_VERIFY(editor->isVisible());
        editor->table()->item(1, 0)->setText(QStringLiteral("hound"));
        QVERIFY2(editor->error().isEmpty(), qPrintable(editor->error()));
        editor->close();
        QCOMPARE(w.store()->job("pet")->classById(1)->name, std::string("hound"));

        // Export a Ground Truth manifest from the export dialog.
        const QString out = dir.path() + QStringLiteral("/out/pets.manifest");
        bool exported = false;
        whenOpen<ui::ExportDialog>([&](ui::ExportDialog *d) {
            d->setFormat(QStringLiteral("groundtruth"));
            d->setOutPath(out);
            button(d, QStringLiteral("Export"))->click(); // runs the export, then closes the dialog
            exported = true;
        });
        w.action(QStringLiteral("app.exportDataset"))->trigger();
        QVERIFY(exported);
        QFile file(out);
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(out));
        const QList<QByteArray> lines = file.readAll().split('\n');
        int hounds = 0, cats = 0, labelled = 0;
        for (const QByteArray &line : lines) {
            if (line.trimmed().isEmpty())
                continue;
            json::Value v;
            QVERIFY(json::parse(line.toStdString(), v));
            const json::Value *md = v.find("pet-metadata");
            if (!md)
                continue;
            ++labelled;
            const json::Value *name = md->find("class-name");
            QVERIFY(name && name->isString());
            hounds += name->toString() == "hound";
            cats += name->toString() == "cat";
        }
        QCOMPARE(labelled, 4);
        QCOMPARE(hounds, 2);
        QCOMPARE(cats, 2);
    }
};

QTEST_MAIN(TestFirstHour)
#include "tst_firsthour.moc"

// The export and import dialogs as a user drives them: pick a format generated from the registry, its
// options and splits, augmented copies with a live preview, export in the background into a recorded
// version; then import what was written into a new job.

#include "datasets/importers.h"
#include "testutil.h"
#include "ui/datasetdialogs.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QImage>
#include <QMessageBox>
#include <QPushButton>
#include <QTest>

using namespace gw;
using namespace gw::datasets;

namespace {

/// Three photos-like images with boxes, two of them in the train split.
std::string makeProject(const QTemporaryDir &dir)
{
    const std::string path = test::path(dir, "p.gwproj");
    auto s = test::newProject(path);
    Job j;
    j.name = "objects";
    j.type = TaskType::BoundingBox;
    j.classes = {{0, "car", "#1f77b4", "1", {}}, {1, "person", "#d62728", "2", {}}};
    const Job job = *s->createJob(j);
    for (int i = 0; i < 3; ++i) {
        QImage img(120, 90, QImage::Format_RGB32);
        img.fill(QColor::fromHsv(i * 100, 120, 200));
        const QString file = dir.path() + QStringLiteral("/photo%1.png").arg(i);
        img.save(file);
        (void)importImageFiles(*s, {file.toStdString()}, "t", {});
        Annotation a;
        a.jobId = job.id;
        a.itemId = i + 1;
        a.payload.boxes = {{0, 10.0 + i, 20, 40, 30, std::nullopt}, {1, 70, 10, 30, 60, std::nullopt}};
        a.payload.imageWidth = 120;
        a.payload.imageHeight = 90;
        auto tx = s->begin();
        (void)(*tx)->putAnnotation(a);
        if (i < 2)
            (void)(*tx)->setSplit(a.itemId, "train");
        (void)(*tx)->commit();
    }
    return path;
}

} // namespace

class TestDatasetDialogs : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void exportWithAugmentationThenImport()
    {
        QTemporaryDir dir;
        const std::string project = makeProject(dir);
        ui::ExportDialog dialog(QString::fromStdString(project), QStringLiteral("objects"));
        dialog.show();
        // Only formats that hold boxes are offered.
        auto *formats = dialog.findChildren<QComboBox *>().at(1);
        QStringList offered;
        for (int i = 0; i < formats->count(); ++i)
            offered << formats->itemData(i).toString();
        QCOMPARE(offered, (QStringList{QStringLiteral("groundtruth"), QStringLiteral("coco"), QStringLiteral("labelme"),
                                       QStringLiteral("yolo"), QStringLiteral("voc")}));
        dialog.setFormat(QStringLiteral("yolo"));
        QVERIFY(!dialog.request()); // no output chosen yet
        const QString out = dir.path() + QStringLiteral("/yolo");
        dialog.setOutPath(out);
        dialog.setAugmentation(QStringLiteral("copies=2,rotate=10,hflip=0.5"));
        QTRY_COMPARE_WITH_TIMEOUT(dialog.previewCount(), 4, 10000); // four copies of the first labelled image
        auto request = dialog.request();
        GW_VERIFY_OK(request);
        QCOMPARE(request->format, std::string("yolo"));
        QCOMPARE(request->options.augment.copies, 2);
        QCOMPARE(request->options.settings.at("files"), std::string("copy"));

        QVERIFY2(dialog.runExport(), qPrintable(dialog.outcomeText()));
        QVERIFY2(dialog.outcomeText().contains(QStringLiteral("dataset version 1")), qPrintable(dialog.outcomeText()));
        QVERIFY(QFile::exists(out + QStringLiteral("/data.yaml")));
        QVERIFY(QFile::exists(dir.path() + QStringLiteral("/yolo-augmented/augmentation.jsonl")));
        auto store = ProjectStore::open(project, ProjectStore::OpenMode::OpenExisting);
        QCOMPARE((*store)->datasetVersions()->size(), size_t(1));

        // What was written comes back through the import dialog: 3 images and 6 copies, with boxes.
        ui::ImportDatasetDialog import(QString::fromStdString(project));
        import.setFormat(QStringLiteral("yolo"));
        import.setPath(out);
        import.setJob(QStringLiteral("again"));
        QVERIFY2(import.runImport(), qPrintable(import.outcomeText()));
        QVERIFY2(import.outcomeText().contains(QStringLiteral("9 labels")), qPrintable(import.outcomeText()));
        auto again = (*store)->job("again");
        GW_VERIFY_OK(again);
        QCOMPARE(again->classes.size(), size_t(2));
        int64_t boxes = 0;
        (void)(*store)->forEachAnnotation(again->id, [&](const Annotation &a) {
            boxes += int64_t(a.payload.boxes.size());
            return true;
        });
        QVERIFY(boxes >= 9 * 2 - 2); // a rotated copy may lose a box that leaves the frame
    }

    void failuresAreReportedAndWriteNothing()
    {
        QTemporaryDir dir;
        const std::string project = makeProject(dir);
        ui::ImportDatasetDialog import(QString::fromStdString(project));
        import.setFormat(QStringLiteral("voc"));
        import.setPath(dir.path() + QStringLiteral("/nothing-here"));
        QVERIFY(!import.runImport());
        QVERIFY2(import.outcomeText().contains(QStringLiteral("nothing-here")), qPrintable(import.outcomeText()));

        ui::ExportDialog dialog(QString::fromStdString(project), QStringLiteral("objects"));
        dialog.setFormat(QStringLiteral("coco"));
        dialog.setOutPath(dir.path()); // a folder where COCO writes a file
        QVERIFY(!dialog.runExport());
        QVERIFY2(dialog.outcomeText().contains(QStringLiteral("is a folder")), qPrintable(dialog.outcomeText()));
        // The project's own folder is refused before anything runs, without asking.
        dialog.setFormat(QStringLiteral("yolo"));
        dialog.setReplaceAnswer([](QMessageBox &) {
            qFatal("asked to replace a folder that must be refused");
            return true;
        });
        QVERIFY(!dialog.runExport());
        QVERIFY2(dialog.outcomeText().contains(QStringLiteral("holds the project")), qPrintable(dialog.outcomeText()));
        auto store = ProjectStore::open(project, ProjectStore::OpenMode::OpenExisting);
        QCOMPARE((*store)->datasetVersions()->size(), size_t(0));
        QVERIFY(QFile::exists(QString::fromStdString(project)));
    }

    // An earlier export at the target is replaced only when the user agrees; nothing else is ever asked about.
    void anEarlierExportIsReplacedOnlyWhenTheUserAgrees()
    {
        QTemporaryDir dir;
        const std::string project = makeProject(dir);
        ui::ExportDialog dialog(QString::fromStdString(project), QStringLiteral("objects"));
        dialog.setFormat(QStringLiteral("yolo"));
        const QString out = dir.path() + QStringLiteral("/yolo");
        dialog.setOutPath(out);
        int asked = 0;
        bool answer = false;
        dialog.setReplaceAnswer([&](QMessageBox &question) {
            ++asked;
            // It names the folder and where it is, and offers "Keep It" as the default.
            return question.text().contains(QStringLiteral("“yolo”"))
                   && question.informativeText().contains(QDir::toNativeSeparators(out))
                   && question.defaultButton() == static_cast<QAbstractButton *>(question.button(QMessageBox::No)) && answer;
        });
        QVERIFY2(dialog.runExport(), qPrintable(dialog.outcomeText()));
        QCOMPARE(asked, 0); // a new folder: nothing to ask
        const QByteArray first = test::readFile((out + QStringLiteral("/.groundwork-output")).toStdString()).c_str();
        QVERIFY(!dialog.runExport());
        QCOMPARE(asked, 1);
        QVERIFY2(dialog.outcomeText().contains(QStringLiteral("Nothing was written")), qPrintable(dialog.outcomeText()));
        QCOMPARE(QByteArray(test::readFile((out + QStringLiteral("/.groundwork-output")).toStdString()).c_str()), first);
        answer = true;
        QTest::qWait(2); // a later marker
        QVERIFY2(dialog.runExport(), qPrintable(dialog.outcomeText()));
        QCOMPARE(asked, 2);
        QVERIFY(QByteArray(test::readFile((out + QStringLiteral("/.groundwork-output")).toStdString()).c_str()) != first);
        auto store = ProjectStore::open(project, ProjectStore::OpenMode::OpenExisting);
        QCOMPARE((*store)->datasetVersions()->size(), size_t(2));
    }
};

QTEST_MAIN(TestDatasetDialogs)
#include "tst_datasetdialogs.moc"

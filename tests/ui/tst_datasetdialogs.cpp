// The export and import dialogs as a user drives them: pick a format generated from the registry, its
// options and splits, augmented copies with a live preview, export in the background into a recorded
// version; then import what was written into a new job. The export dialog offers only what applies to the
// job, in words for people rather than the command line's, and cuts no control off.

#include "datasets/importers.h"
#include "testutil.h"
#include "ui/datasetdialogs.h"

#include <QAbstractSpinBox>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QGroupBox>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QScopeGuard>
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

/// The job addJobOfEveryType made for a task type: its id, with the "-ref" a segmentation job's name needs.
QString jobFor(TaskType type)
{
    const QString id = QString::fromLatin1(taskInfo(type).id);
    return type == TaskType::SemanticSegmentation || type == TaskType::InstanceSegmentation ? id + QStringLiteral("-ref")
                                                                                             : id;
}

/// A job of every task type beside makeProject's boxes (see jobFor); they need no labels, since what the
/// dialog offers depends on the type alone.
bool addJobOfEveryType(const std::string &project)
{
    auto s = ProjectStore::open(project, ProjectStore::OpenMode::OpenExisting);
    for (const TaskInfo &t : allTasks()) {
        Job j;
        j.name = jobFor(t.type).toStdString();
        j.type = t.type;
        j.classes = {{0, "cat", "#1f77b4", "1", {}}, {1, "dog", "#d62728", "2", {}}};
        if (!validateLabelAttributeName(j.name, j.type).empty() || !(*s)->createJob(j))
            return false;
    }
    return true;
}

QStringList offeredFormats(const ui::ExportDialog &dialog)
{
    auto *formats = dialog.findChild<QComboBox *>(QStringLiteral("format"));
    QStringList ids;
    for (int i = 0; i < formats->count(); ++i)
        ids << formats->itemData(i).toString();
    return ids;
}

/// Whether a field the user can see offers this option value (as the registry and the command line spell it).
bool offersValue(const ui::ExportDialog &dialog, const QString &value)
{
    for (QComboBox *c : dialog.findChildren<QComboBox *>())
        if (c->isVisibleTo(&dialog) && c->findData(value) >= 0)
            return true;
    return false;
}

/// Every text the dialog shows as it stands: labels, buttons, group titles, every entry of its lists, hints.
QStringList visibleTexts(const QDialog &dialog)
{
    QStringList out;
    for (QWidget *w : dialog.findChildren<QWidget *>()) {
        if (!w->isVisibleTo(&dialog))
            continue;
        if (auto *l = qobject_cast<QLabel *>(w))
            out << l->text();
        else if (auto *b = qobject_cast<QAbstractButton *>(w))
            out << b->text();
        else if (auto *g = qobject_cast<QGroupBox *>(w))
            out << g->title();
        else if (auto *e = qobject_cast<QLineEdit *>(w))
            out << e->placeholderText();
        if (auto *c = qobject_cast<QComboBox *>(w))
            for (int i = 0; i < c->count(); ++i)
                out << c->itemText(i);
    }
    return out;
}

/// What is cut off in the dialog as it stands: a spin box narrower or lower than it asks to be, a wrapped
/// text given fewer lines than it needs. Empty when nothing is.
QString cutOff(const QDialog &dialog)
{
    QStringList problems;
    for (QAbstractSpinBox *s : dialog.findChildren<QAbstractSpinBox *>())
        if (s->isVisibleTo(&dialog) &&
            (s->width() < s->sizeHint().width() || s->height() < s->sizeHint().height()))
            problems << QStringLiteral("spin box \"%1\" is %2×%3, asks for %4×%5")
                            .arg(s->text())
                            .arg(s->width())
                            .arg(s->height())
                            .arg(s->sizeHint().width())
                            .arg(s->sizeHint().height());
    for (QLabel *l : dialog.findChildren<QLabel *>())
        if (l->isVisibleTo(&dialog) && l->wordWrap() && l->height() < l->heightForWidth(l->width()))
            problems << QStringLiteral("\"%1…\" is %2 px high, needs %3")
                            .arg(l->text().left(30))
                            .arg(l->height())
                            .arg(l->heightForWidth(l->width()));
    return problems.join(QStringLiteral("; "));
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
        QCOMPARE(offeredFormats(dialog),
                 (QStringList{QStringLiteral("groundtruth"), QStringLiteral("coco"),
                              QStringLiteral("labelme"), QStringLiteral("yolo"), QStringLiteral("voc")}));
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

    // A classification job is not offered the formats that hold only boxes and masks, a box job is; each job
    // gets exactly the formats the registry says can hold its labels.
    void formatsFollowTheJobsTaskType()
    {
        QTemporaryDir dir;
        const std::string project = makeProject(dir);
        QVERIFY(addJobOfEveryType(project));
        QStringList boxesOrMasksOnly;
        for (const Format &f : allFormats())
            if (f.write && f.carries(TaskType::BoundingBox) && !f.carries(TaskType::ImageClassification))
                boxesOrMasksOnly << QString::fromStdString(f.id);
        QVERIFY(boxesOrMasksOnly.contains(QStringLiteral("coco")) &&
                boxesOrMasksOnly.contains(QStringLiteral("yolo")));

        const QStringList forClasses = offeredFormats(
            ui::ExportDialog(QString::fromStdString(project), jobFor(TaskType::ImageClassification)));
        QVERIFY2(forClasses.contains(QStringLiteral("class-folders")),
                 qPrintable(forClasses.join(QLatin1Char(' '))));
        for (const QString &id : boxesOrMasksOnly)
            QVERIFY2(!forClasses.contains(id), qPrintable(id));
        const QStringList forBoxes =
            offeredFormats(ui::ExportDialog(QString::fromStdString(project), QStringLiteral("objects")));
        for (const QString &id : boxesOrMasksOnly)
            QVERIFY2(forBoxes.contains(id), qPrintable(id));
        QVERIFY(!forBoxes.contains(QStringLiteral("class-folders")));

        for (const TaskInfo &t : allTasks()) {
            const QStringList offered =
                offeredFormats(ui::ExportDialog(QString::fromStdString(project), jobFor(t.type)));
            QStringList expected;
            for (const Format &f : allFormats())
                if (f.write && f.carries(t.type))
                    expected << QString::fromStdString(f.id);
            QVERIFY2(!offered.isEmpty(), t.id.data());
            QCOMPARE(offered, expected);
        }
    }

    // Options appear where they change the export: COCO's mask encoding for a mask job, not a box job; an
    // import setting never; unlabeled items only where the format can hold them, and a reason where not;
    // augmented copies only for images.
    void optionsFollowTheJobAndFormat()
    {
        QTemporaryDir dir;
        const std::string project = makeProject(dir);
        QVERIFY(addJobOfEveryType(project));
        const QString storePath = QString::fromStdString(project);

        ui::ExportDialog boxes(storePath, QStringLiteral("objects"));
        boxes.setOutPath(dir.path() + QStringLiteral("/out.json"));
        boxes.setFormat(QStringLiteral("coco"));
        QVERIFY(!offersValue(boxes, QStringLiteral("polygons")));
        QVERIFY(!boxes.request()->options.settings.contains("masks"));
        boxes.setFormat(QStringLiteral("yolo"));
        QVERIFY(offersValue(boxes, QStringLiteral("link")));
        QVERIFY(!offersValue(boxes, QStringLiteral("auto"))); // how to read a YOLO folder: import only

        ui::ExportDialog masks(storePath, jobFor(TaskType::SemanticSegmentation));
        masks.setOutPath(dir.path() + QStringLiteral("/out.json"));
        masks.setFormat(QStringLiteral("coco"));
        QVERIFY(offersValue(masks, QStringLiteral("polygons")));
        for (QComboBox *c : masks.findChildren<QComboBox *>())
            if (const int i = c->findData(QStringLiteral("polygons")); i >= 0)
                c->setCurrentIndex(i);
        // The registry's value goes into the request, not the words shown.
        QCOMPARE(masks.request()->options.settings.at("masks"), std::string("polygons"));

        ui::ExportDialog classes(storePath, jobFor(TaskType::ImageClassification));
        classes.setOutPath(dir.path() + QStringLiteral("/out"));
        auto *unlabeled = classes.findChild<QCheckBox *>(QStringLiteral("unlabeled"));
        auto *reason = classes.findChild<QLabel *>(QStringLiteral("unlabeledReason"));
        QVERIFY(unlabeled && reason);
        unlabeled->setChecked(true);
        classes.setFormat(QStringLiteral("labelme"));
        QVERIFY(unlabeled->isEnabled());
        QVERIFY(!reason->isVisibleTo(&classes));
        QVERIFY(!classes.request()->options.onlyLabeled);
        classes.setFormat(QStringLiteral("class-folders")); // an unlabeled image has no class folder to go in
        QVERIFY(!unlabeled->isEnabled() && !unlabeled->isChecked());
        QVERIFY(reason->isVisibleTo(&classes) && !reason->text().isEmpty());
        QVERIFY(classes.request()->options.onlyLabeled);
        QVERIFY(classes.findChild<QGroupBox *>()->isVisibleTo(&classes));

        ui::ExportDialog texts(storePath, jobFor(TaskType::TextClassification));
        texts.setOutPath(dir.path() + QStringLiteral("/out.csv"));
        texts.setAugmentation(QStringLiteral("copies=2"));
        QVERIFY(!texts.findChild<QGroupBox *>()->isVisibleTo(&texts));
        QCOMPARE(texts.request()->options.augment.copies, 0);
    }

    // Whatever the job and format, the dialog describes them in plain words: no command-line flag ("--out"),
    // no option syntax ("files=link"), no option key or value as the command line spells it.
    void speaksWithoutCommandLineSyntax()
    {
        QTemporaryDir dir;
        const std::string project = makeProject(dir);
        QVERIFY(addJobOfEveryType(project));
        const QRegularExpression cli(QStringLiteral(R"(--\w|\w=\w)"));
        int formatsSeen = 0;
        for (const TaskInfo &t : allTasks()) {
            ui::ExportDialog dialog(QString::fromStdString(project), jobFor(t.type));
            dialog.setAugmentation(QStringLiteral("copies=2"));
            for (const QString &id : offeredFormats(dialog)) {
                dialog.setFormat(id);
                ++formatsSeen;
                const QStringList texts = visibleTexts(dialog);
                const QString where = QStringLiteral("%1 job, %2: ").arg(QLatin1String(t.id), id);
                for (const QString &text : texts)
                    QVERIFY2(!cli.match(text).hasMatch(), qPrintable(where + text));
                for (const FormatOption &o : findFormat(id.toStdString())->options) {
                    QVERIFY2(!texts.contains(QString::fromStdString(o.key)),
                             qPrintable(where + QString::fromStdString(o.key)));
                    for (const std::string &c : o.choices)
                        QVERIFY2(!texts.contains(QString::fromStdString(c)),
                                 qPrintable(where + QString::fromStdString(c)));
                }
                QVERIFY2(!texts.join(QLatin1Char(' ')).contains(QStringLiteral("labelled")),
                         qPrintable(where));
            }
        }
        QVERIFY(formatsSeen >= int(allFormats().size()));
        // The Import dialog too.
        ui::ImportDatasetDialog import(QString::fromStdString(project));
        for (const Format &f : allFormats()) {
            if (!f.read && !f.parse)
                continue;
            import.setFormat(QString::fromStdString(f.id));
            for (const QString &text : visibleTexts(import))
                QVERIFY2(!cli.match(text).hasMatch(), qPrintable(QStringLiteral("import, %1: %2").arg(
                                                          QString::fromStdString(f.id), text)));
        }
    }

    // At the size it opens with, no control is cut off, whichever format's description and options show,
    // also with large text.
    void nothingIsCutOff_data()
    {
        QTest::addColumn<double>("fontScale");
        QTest::newRow("default font") << 1.0;
        QTest::newRow("large font") << 2.0;
    }

    void nothingIsCutOff()
    {
        QFETCH(double, fontScale);
        const QFont original = QApplication::font();
        QFont font = original;
        font.setPointSizeF(original.pointSizeF() * fontScale);
        QApplication::setFont(font);
        const auto restore = qScopeGuard([&] { QApplication::setFont(original); });
        QTemporaryDir dir;
        const std::string project = makeProject(dir);
        ui::ExportDialog dialog(QString::fromStdString(project), QStringLiteral("objects"));
        dialog.setAugmentation(QStringLiteral("copies=2,rotate=10,hflip=0.5,blur=1.5"));
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QTRY_COMPARE_WITH_TIMEOUT(dialog.previewCount(), 4, 10000);
        int spinBoxes = 0;
        for (QAbstractSpinBox *s : dialog.findChildren<QAbstractSpinBox *>())
            spinBoxes += s->isVisible() ? 1 : 0;
        QCOMPARE(spinBoxes, 10);
        for (const QString &id : offeredFormats(dialog)) {
            dialog.setFormat(id);
            QTRY_COMPARE(cutOff(dialog), QString());
        }
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

// gw-screenshots: drives the main window on real photos (Debian's labelme-examples) the way an annotator
// would — keys, box drags, polygon clicks, a brush stroke — and saves a picture of each tool in use.
// Run under Xvfb for real fonts:
//
//   xvfb-run -a -s '-screen 0 1600x1000x24' build/tests/gw-screenshots docs/screenshots

#include "activelearning/autolabeler.h"
#include "datasets/importers.h"
#include "datasets/media.h"
#include "datasets/projectstore.h"
#include "labeling/labeler.h"
#include "labeling/tools/brushtool.h"
#include "datasets/review.h"
#include "ui/autolabelpanel.h"
#include "ui/cheatsheet.h"
#include "ui/classeditor.h"
#include "ui/datasetdialogs.h"
#include "ui/edaview.h"
#include "ui/imagecanvas.h"
#include "ui/imageloader.h"
#include "ui/labelingpane.h"
#include "ui/mainwindow.h"
#include "ui/textlabelview.h"
#include "ui/rundialogs.h"
#include "ui/reviewjobdialog.h"
#include "ui/teamserverdialog.h"
#include "ui/trainingview.h"
#include "ui/workersdialog.h"
#include "activelearning/runs.h"
#include "datasets/splits.h"
#include "datasets/versions.h"

#include <QApplication>
#include <QComboBox>
#include <QLineEdit>
#include <QDir>
#include <QImage>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QKeyEvent>
#include <QMessageBox>
#include <QMouseEvent>
#include <QScreen>
#include <QScrollArea>
#include <QScrollBar>
#include <QTabWidget>
#include <QTableWidget>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>

#include <cstdio>
#include <map>

using namespace gw;
using namespace gw::datasets;

namespace {

const QString kExamples = QStringLiteral("/usr/share/doc/labelme-examples/examples");

void settle(int ms = 150)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms) {
        QApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(5);
    }
}

void mouse(QWidget *w, QEvent::Type type, QPointF pos, Qt::MouseButton button, Qt::MouseButtons held)
{
    QMouseEvent e(type, pos, w->mapToGlobal(pos), button, held, Qt::NoModifier);
    QApplication::sendEvent(w, &e);
}

void press(ui::ImageCanvas *c, QPointF p) { mouse(c, QEvent::MouseButtonPress, c->imageToWidget(p), Qt::LeftButton, Qt::LeftButton); }
void moveHeld(ui::ImageCanvas *c, QPointF p) { mouse(c, QEvent::MouseMove, c->imageToWidget(p), Qt::NoButton, Qt::LeftButton); }
void hover(ui::ImageCanvas *c, QPointF p) { mouse(c, QEvent::MouseMove, c->imageToWidget(p), Qt::NoButton, Qt::NoButton); }
void release(ui::ImageCanvas *c, QPointF p) { mouse(c, QEvent::MouseButtonRelease, c->imageToWidget(p), Qt::LeftButton, Qt::NoButton); }

void drag(ui::ImageCanvas *c, QPointF a, QPointF b)
{
    press(c, a);
    for (int i = 1; i <= 10; ++i)
        moveHeld(c, a + (b - a) * i / 10.0);
    release(c, b);
}

void click(ui::ImageCanvas *c, QPointF p)
{
    press(c, p);
    release(c, p);
}

/// A stroke with the right button (a background scribble, a GrabCut correction).
void rightDrag(ui::ImageCanvas *c, const QPolygonF &points)
{
    mouse(c, QEvent::MouseButtonPress, c->imageToWidget(points.first()), Qt::RightButton, Qt::RightButton);
    for (const QPointF &p : points)
        mouse(c, QEvent::MouseMove, c->imageToWidget(p), Qt::NoButton, Qt::RightButton);
    mouse(c, QEvent::MouseButtonRelease, c->imageToWidget(points.last()), Qt::RightButton, Qt::NoButton);
}

/// Waits for the canvas's assist to come back.
void waitAssist(ui::ImageCanvas *c)
{
    for (int i = 0; i < 200 && !c->busyText().isEmpty(); ++i)
        settle(50);
    settle(100);
}

void key(QWidget *w, int k, Qt::KeyboardModifiers m = Qt::NoModifier)
{
    QKeyEvent down(QEvent::KeyPress, k, m), up(QEvent::KeyRelease, k, m);
    QApplication::sendEvent(w, &down);
    QApplication::sendEvent(w, &up);
}

/// The polygons of a LabelMe file with a given label.
QList<QPolygonF> labelmePolygons(const QString &file, const QString &label)
{
    QFile f(file);
    f.open(QIODevice::ReadOnly);
    QList<QPolygonF> out;
    for (const QJsonValue &shape : QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("shapes")).toArray()) {
        if (shape[QStringLiteral("label")].toString() != label)
            continue;
        QPolygonF poly;
        for (const QJsonValue &pt : shape[QStringLiteral("points")].toArray())
            poly << QPointF(pt[0].toDouble(), pt[1].toDouble());
        out << poly;
    }
    return out;
}

void save(QWidget *w, const QString &dir, const char *name)
{
    settle(250);
    const QString path = dir + QLatin1Char('/') + QString::fromLatin1(name);
    w->grab().save(path);
    std::printf("wrote %s\n", qPrintable(path));
}

Job makeJob(const char *name, TaskType type, std::vector<std::pair<const char *, const char *>> classes)
{
    Job j;
    j.name = name;
    j.type = type;
    for (size_t i = 0; i < classes.size(); ++i)
        j.classes.push_back({int(i), classes[i].first, classes[i].second, std::to_string(i + 1), {}});
    return j;
}

/// A digits project (150 of each class from OpenCV's sheet) with two rounds of automated labeling done by a
/// simulated annotator who answers from the truth.
bool makeDigitsProject(const std::string &path, const QString &dir)
{
    QImage sheet(QStringLiteral("/usr/share/doc/opencv-doc/examples/data/digits.png"));
    if (sheet.isNull())
        return false;
    std::vector<std::string> files;
    std::map<std::string, int> classOf;
    QDir().mkpath(dir + QStringLiteral("/digits"));
    for (int cls = 0; cls < 10; ++cls)
        for (int i = 0; i < 150; ++i) {
            const int cell = cls * 500 + i;
            const QString file = dir + QStringLiteral("/digits/%1-%2.png").arg(cls).arg(i, 3, 10, QLatin1Char('0'));
            sheet.copy((cell % 100) * 20, (cell / 100) * 20, 20, 20).save(file);
            files.push_back(file.toStdString());
            classOf[file.toStdString()] = cls;
        }
    auto store = ProjectStore::open(path, ProjectStore::OpenMode::Create);
    if (!store)
        return false;
    (void)importImageFiles(**store, files, "digits", {});
    Job j;
    j.name = "digit";
    for (int c = 0; c < 10; ++c)
        j.classes.push_back({c, std::to_string(c), defaultClassColor(c), std::to_string((c + 1) % 10), {}});
    auto job = (*store)->createJob(j);
    activelearning::LoopOptions options;
    options.batchSize = 120;
    options.imageSize = 20;
    activelearning::AutoLabeler loop(**store, *job, options);
    labeling::Labeler oracle(**store, "oracle");
    for (int round = 0; round < 2; ++round) {
        (void)loop.start();
        const auto queue = loop.humanQueue();
        for (int64_t id : queue ? *queue : std::vector<int64_t>{}) {
            auto item = (*store)->item(id);
            Payload p;
            p.classes = {classOf.at(media::resolve((*store)->projectDir(), item->uri))};
            p.classConfidence = {std::nullopt};
            (void)oracle.setLabel(*job, *item, p);
        }
        if (!loop.iterate())
            return false;
    }
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    QStandardPaths::setTestModeEnabled(true); // its recent list and settings stay out of the user's
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("GroundworkScreenshots"));
    const QString out = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QStringLiteral("docs/screenshots");
    QDir().mkpath(out);
    if (!QDir(kExamples).exists()) {
        std::fprintf(stderr, "gw-screenshots: %s not found (install labelme-examples)\n", qPrintable(kExamples));
        return 1;
    }
    QTemporaryDir tmp;
    const std::string project = (tmp.path() + QStringLiteral("/photos.gwproj")).toStdString();
    {
        auto store = ProjectStore::open(project, ProjectStore::OpenMode::Create);
        std::vector<std::string> files;
        for (const char *sub : {"semantic_segmentation/data_annotated", "video_annotation/data_annotated"})
            for (const QFileInfo &fi : QDir(kExamples + QLatin1Char('/') + QLatin1String(sub)).entryInfoList({QStringLiteral("*.jpg")}, QDir::Files, QDir::Name))
                files.push_back(fi.absoluteFilePath().toStdString());
        (void)importImageFiles(**store, files, "labelme-examples", {});
        (void)(*store)->createJob(makeJob("scene", TaskType::ImageClassification,
                                          {{"indoor", "#1f77b4"}, {"street", "#ff7f0e"}, {"nature", "#2ca02c"}}));
        (void)(*store)->createJob(makeJob("objects", TaskType::BoundingBox,
                                          {{"person", "#d62728"}, {"bottle", "#9467bd"}, {"car", "#17becf"}}));
        (void)(*store)->createJob(makeJob("people-ref", TaskType::SemanticSegmentation,
                                          {{"person", "#d62728"}, {"furniture", "#bcbd22"}}));
        (void)(*store)->createJob(makeJob("things-ref", TaskType::InstanceSegmentation,
                                          {{"person", "#d62728"}, {"bottle", "#9467bd"}, {"furniture", "#bcbd22"}}));
        // An automatic label with its confidence, as the gallery and the canvas show them.
        auto scene = (*store)->job("scene");
        Annotation a;
        a.jobId = scene->id;
        a.itemId = 4;
        a.payload.classes = {1};
        a.payload.classConfidence = {std::nullopt};
        a.provenance.source = Source::Auto;
        a.provenance.humanAnnotated = false;
        a.provenance.author = "model-run-1";
        a.provenance.confidence = 0.97;
        auto tx = (*store)->begin();
        (void)(*tx)->putAnnotation(a);
        // A job three people answer: bob and carol have answered the first images (they disagree on one).
        Job team = makeJob("scene-team", TaskType::ImageClassification,
                           {{"indoor", "#1f77b4"}, {"street", "#ff7f0e"}, {"nature", "#2ca02c"}});
        team.annotatorsPerItem = 3;
        (void)(*tx)->saveJob(team);
        for (int64_t item = 1; item <= 6; ++item)
            for (const char *who : {"bob", "carol"}) {
                Annotation answer;
                answer.jobId = team.id;
                answer.itemId = item;
                answer.payload.classes = {item == 3 && who == std::string("carol") ? 2 : int(item % 2)};
                answer.provenance.author = who;
                answer.provenance.timeSpentMs = 2000 + 700 * item;
                answer.provenance.createdUs = nowUs() - (7 - item) * 60'000'000;
                (void)(*tx)->putAnnotation(answer);
            }
        (void)(*tx)->commit();
    }

    // The welcome page as a returning user sees it: this project, and one that was moved away since.
    QSettings().setValue(QStringLiteral("recentProjects"),
                         QStringList{QString::fromStdString(project), tmp.path() + QStringLiteral("/last-year/birds.gwproj")});
    ui::MainWindow w;
    const QRect screen = QApplication::primaryScreen()->availableGeometry();
    w.resize(std::min(1600, screen.width()), std::min(1000, screen.height()));
    w.move(0, 0);
    w.show();
    w.activateWindow();
    QApplication::setActiveWindow(&w); // Xvfb has no window manager to activate it
    settle(200);
    save(&w, out, "welcome.png");
    w.openProject(QString::fromStdString(project));
    ui::ImageCanvas *canvas = w.labelingPane()->canvas();
    auto waitImage = [&] {
        for (int i = 0; i < 100 && !w.labelingPane()->loader()->cached(w.labelingPane()->currentItem()); ++i)
            settle(30);
        settle(200);
    };

    // Classification: keys label and move on.
    w.selectJob(QStringLiteral("scene"));
    waitImage();
    canvas->setFocus();
    key(canvas, Qt::Key_1);
    waitImage();
    key(canvas, Qt::Key_1);
    waitImage();
    key(canvas, Qt::Key_2);
    waitImage();
    w.goToRow(3);
    waitImage();
    save(&w, out, "classification.png");

    // Boxes: two drawn, a third being drawn with the crosshair.
    w.selectJob(QStringLiteral("objects"));
    w.goToRow(1);
    waitImage();
    canvas->setFocus();
    key(canvas, Qt::Key_1);
    drag(canvas, QPointF(191, 107), QPointF(313, 329));
    drag(canvas, QPointF(365, 83), QPointF(499, 333));
    key(canvas, Qt::Key_2);
    press(canvas, QPointF(120, 150));
    for (int i = 1; i <= 5; ++i)
        moveHeld(canvas, QPointF(120 + i * 6, 150 + i * 22));
    save(&w, out, "boxes.png");
    release(canvas, QPointF(150, 260));

    // The class editor on the box job: a class added, one recoloured; the change log below.
    settle(1200); // class counts arrive a moment after labelling pauses
    if (ui::ClassEditor *editor = w.makeClassEditor()) {
        editor->addClass(QStringLiteral("bicycle"));
        if (const datasets::LabelClass *c = editor->job().classByName("bicycle"))
            editor->setColor(c->id, QStringLiteral("#8c564b"));
        editor->selectClass(editor->job().classes.front().id);
        editor->show();
        settle(300);
        save(editor, out, "class-editor.png");
        editor->close();
        delete editor;
    }

    // Working in a team: alice's queue of the three-person job (she sees only her own answers), then the
    // workers table.
    w.setWorker(QStringLiteral("alice"));
    w.selectJob(QStringLiteral("scene-team"));
    w.showMyQueue();
    waitImage();
    canvas->setFocus();
    key(canvas, Qt::Key_2);
    waitImage();
    key(canvas, Qt::Key_1);
    waitImage();
    settle(3500); // the answers are consolidated a moment after the last one
    save(&w, out, "my-queue.png");
    if (ui::WorkersDialog *workers = w.showWorkers()) {
        for (int i = 0; i < 200 && workers->isBusy(); ++i)
            settle(50);
        workers->move(0, 0);
        settle(200);
        save(workers, out, "workers.png");
        workers->close();
    }

    // Review mode: a review job of the boxes; the reviewer's queue holds the labeled items, Enter accepts,
    // Backspace rejects with a reason.
    if (auto objects = w.store()->job("objects")) {
        {
            ui::ReviewJobDialog dialog(*objects, &w);
            dialog.show();
            save(&dialog, out, "review-job.png");
        }
        {
            // File › Connect to a Team Server…, as a new annotator fills it in.
            ui::TeamServerDialog dialog(&w);
            dialog.serverEdit()->setText(QStringLiteral("labels.example.org"));
            dialog.projectEdit()->setText(QStringLiteral("birds"));
            dialog.nameEdit()->setText(QStringLiteral("ann"));
            dialog.passwordEdit()->setText(QStringLiteral("correct horse"));
            dialog.show();
            save(&dialog, out, "team-server.png");
        }
        if (auto review = datasets::review::chainedJob(datasets::JobKind::Review, *objects, "objects-review"))
            (void)w.store()->createJob(*review);
        w.reloadJobs(QStringLiteral("objects-review"));
        w.setWorker(QStringLiteral("rita"));
        w.showMyQueue();
        waitImage();
        save(&w, out, "review.png");
        w.findChild<QComboBox *>(QStringLiteral("itemFilter"))->setCurrentIndex(0);
    }
    w.setWorker(QString());

    // Segmentation: one person filled by polygon, a second polygon being clicked.
    w.selectJob(QStringLiteral("people-ref"));
    w.goToRow(0);
    waitImage();
    canvas->setFocus();
    const auto people = labelmePolygons(kExamples + QStringLiteral("/semantic_segmentation/data_annotated/2011_000003.json"),
                                        QStringLiteral("person"));
    key(canvas, Qt::Key_1);
    if (!people.isEmpty()) {
        for (const QPointF &p : people[0])
            click(canvas, p);
        key(canvas, Qt::Key_Return);
    }
    if (people.size() > 1) {
        const QPolygonF &second = people[1];
        for (int i = 0; i < second.size() * 2 / 3; ++i)
            click(canvas, second[i]);
        hover(canvas, second[second.size() * 2 / 3]);
    }
    save(&w, out, "polygon.png");
    key(canvas, Qt::Key_Escape);

    // Brush: a stroke of "furniture" and the brush outline.
    key(canvas, Qt::Key_R);
    key(canvas, Qt::Key_2);
    if (auto *brush = dynamic_cast<labeling::BrushTool *>(canvas->tool()))
        brush->setRadius(14);
    drag(canvas, QPointF(40, 300), QPointF(180, 260));
    hover(canvas, QPointF(200, 250));
    save(&w, out, "brush.png");

    // Instance segmentation: each person an object of their own, numbered, the second selected.
    w.selectJob(QStringLiteral("things-ref"));
    w.goToRow(0);
    waitImage();
    canvas->setFocus();
    key(canvas, Qt::Key_P);
    key(canvas, Qt::Key_1);
    for (const QPolygonF &person : people) {
        for (const QPointF &p : person)
            click(canvas, p);
        key(canvas, Qt::Key_Return);
    }
    key(canvas, Qt::Key_V);
    if (people.size() > 1)
        click(canvas, people[1].boundingRect().center());
    save(&w, out, "objects.png");
    key(canvas, Qt::Key_Escape);

    // GrabCut from a box around the bottle (the proposal, before Enter).
    const auto bottles = labelmePolygons(kExamples + QStringLiteral("/semantic_segmentation/data_annotated/2011_000003.json"),
                                         QStringLiteral("bottle"));
    key(canvas, Qt::Key_C, Qt::ShiftModifier);
    key(canvas, Qt::Key_2);
    if (!bottles.isEmpty()) {
        const QRectF b = bottles[0].boundingRect().adjusted(-3, -3, 3, 3);
        drag(canvas, b.topLeft(), b.bottomRight());
        waitAssist(canvas);
    }
    save(&w, out, "assist-grabcut.png");
    key(canvas, Qt::Key_Return);

    // The magic wand on the wall, its tolerance widened by the wheel.
    key(canvas, Qt::Key_W, Qt::ShiftModifier);
    key(canvas, Qt::Key_3);
    click(canvas, QPointF(60, 40));
    waitAssist(canvas);
    save(&w, out, "assist-wand.png");
    key(canvas, Qt::Key_Escape);

    // Superpixels: the first click finds them, a stroke takes those it crosses.
    key(canvas, Qt::Key_S, Qt::ShiftModifier);
    key(canvas, Qt::Key_3);
    click(canvas, QPointF(420, 300));
    waitAssist(canvas);
    drag(canvas, QPointF(380, 280), QPointF(470, 320));
    hover(canvas, QPointF(480, 320));
    save(&w, out, "assist-superpixels.png");
    key(canvas, Qt::Key_Escape);

    // Watershed: a scribble on the tray of food, a ring around it with the right button.
    key(canvas, Qt::Key_T, Qt::ShiftModifier);
    key(canvas, Qt::Key_3);
    drag(canvas, QPointF(335, 305), QPointF(390, 300));
    waitAssist(canvas);
    rightDrag(canvas, QPolygonF{QPointF(290, 262), QPointF(445, 262), QPointF(445, 337), QPointF(290, 337), QPointF(290, 262)});
    waitAssist(canvas);
    save(&w, out, "assist-watershed.png");
    key(canvas, Qt::Key_Escape);

    // Intelligent scissors: points along the second person's outline, the path following edges to the pointer.
    key(canvas, Qt::Key_I, Qt::ShiftModifier);
    if (people.size() > 1) {
        const QPolygonF &outline = people[1];
        click(canvas, outline[0]);
        waitAssist(canvas); // the image's edges
        const int step = std::max(1, int(outline.size()) / 8);
        for (int i = 0; i < int(outline.size()) * 3 / 4; i += step) {
            click(canvas, outline[i]);
            waitAssist(canvas);
        }
        hover(canvas, outline[int(outline.size()) * 3 / 4 + step / 2 < int(outline.size()) ? int(outline.size()) * 3 / 4 + step / 2 : 0]);
    }
    save(&w, out, "assist-scissors.png");
    key(canvas, Qt::Key_Escape);

    // Texts: named entities with the span list, in several scripts.
    const std::string texts = (tmp.path() + QStringLiteral("/texts.gwproj")).toStdString();
    {
        auto store = ProjectStore::open(texts, ProjectStore::OpenMode::Create);
        auto tx = (*store)->begin();
        const char *sentences[] = {
            "Zoë Martin flew from Lyon to Tokyo on 12 March 2024 to meet the Sony design team 🎉.",
            "On Monday, Dr. Amara Okafor of the University of Lagos presented the results in Geneva.",
            "株式会社トヨタは東京で新しい工場を発表しました。",
            "زار أحمد القاهرة في يناير.",
        };
        for (const char *t : sentences) {
            Item it;
            it.kind = MediaKind::Text;
            it.text = t;
            (void)(*tx)->addItem(it);
        }
        (void)(*tx)->commit();
        Job ner = makeJob("entities", TaskType::NamedEntityRecognition,
                          {{"person", "#d62728"}, {"organization", "#9467bd"}, {"location", "#1f77b4"}, {"date", "#2ca02c"}});
        (void)(*store)->createJob(ner);
    }
    w.openProject(QString::fromStdString(texts));
    w.selectJob(QStringLiteral("entities"));
    settle(200);
    ui::TextLabelView *view = w.labelingPane()->textView();
    view->setFocus();
    const QString first = view->toPlainText();
    auto mark = [&](const QString &what, int key) {
        const int at = int(first.indexOf(what));
        if (at >= 0) {
            view->selectRange(at, at + int(what.size()));
            QKeyEvent down(QEvent::KeyPress, key, Qt::NoModifier, QString(QChar(key)));
            QApplication::sendEvent(view, &down);
        }
    };
    mark(QString::fromUtf8("Zoë Martin"), Qt::Key_1);
    mark(QStringLiteral("Lyon"), Qt::Key_3);
    mark(QStringLiteral("Tokyo"), Qt::Key_3);
    mark(QStringLiteral("12 March 2024"), Qt::Key_4);
    mark(QStringLiteral("Sony"), Qt::Key_2);
    const int team = int(first.indexOf(QStringLiteral("design team")));
    view->selectRange(team, team + 6);
    save(&w, out, "ner.png");

    ui::CheatSheet sheet(w.shortcuts(), &w);
    sheet.show();
    save(&sheet, out, "cheatsheet.png");
    sheet.hide();

    // Export: COCO of the boxes job, with augmented copies previewed on a real photo.
    {
        ui::ExportDialog dialog(QString::fromStdString(project), QStringLiteral("objects"), &w);
        dialog.setFormat(QStringLiteral("coco"));
        dialog.setOutPath(tmp.path() + QStringLiteral("/objects.json"));
        dialog.setAugmentation(QStringLiteral("copies=3,hflip=0.5,rotate=12,scale=0.9:1.1,brightness=0.15"));
        dialog.show();
        for (int i = 0; i < 200 && dialog.previewCount() < 4; ++i)
            settle(50);
        save(&dialog, out, "export.png");
        // Exporting to the same file again: the app asks before it replaces the earlier export.
        dialog.setAugmentation(QString());
        if (dialog.runExport()) {
            dialog.setReplaceAnswer([&](QMessageBox &box) {
                box.show();
                settle(200);
                save(&box, out, "export-replace.png");
                return false;
            });
            (void)dialog.runExport();
        }
    }

    // Automated labeling: 1,500 real digits, two rounds played by a simulated annotator, then the panel on.
    const std::string digits = (tmp.path() + QStringLiteral("/digits.gwproj")).toStdString();
    if (!makeDigitsProject(digits, tmp.path())) {
        std::fprintf(stderr, "gw-screenshots: opencv-doc's digits.png is missing; no autolabel.png\n");
        return 0;
    }
    w.openProject(QString::fromStdString(digits));
    w.selectJob(QStringLiteral("digit"));
    w.autoLabelPanel()->setOn(true);
    for (int i = 0; i < 300 && w.autoLabelPanel()->isBusy(); ++i)
        settle(50);
    w.goToRow(0);
    waitImage();
    save(&w, out, "autolabel.png");

    // Exploring the same job: class balance, confidence, rounds, annotators.
    if (ui::EdaView *eda = w.explore()) {
        for (int i = 0; i < 200 && (eda->isComputing() || !eda->report()); ++i)
            settle(50);
        eda->window()->move(0, 0);
        save(eda->window(), out, "eda.png");
        if (auto *scroll = eda->findChild<QScrollArea *>()) { // the pixel figures and near-duplicates below
            scroll->verticalScrollBar()->setValue(scroll->verticalScrollBar()->maximum());
            save(eda->window(), out, "eda-pixels.png");
        }
        eda->window()->hide();
    }

    // Training: splits, a dataset version of the labelled digits, two built-in runs in their own processes,
    // their curves and evaluation, and the two side by side.
    {
        auto store = ProjectStore::open(digits, ProjectStore::OpenMode::OpenExisting);
        SplitOptions split;
        split.job = "digit";
        DatasetExport request;
        request.jobs = {"digit"};
        request.options.outPath = (tmp.path() + QStringLiteral("/digits.manifest")).toStdString();
        if (!store || !assignSplits(**store, split) || !exportDataset(**store, request))
            return 1;
    }
    if (ui::TrainingView *training = w.training()) {
        QWidget *window = training->window();
        window->move(0, 0);
        activelearning::RunRequest first;
        first.versionId = 1;
        first.hyperparameters = {{"epochs", "15"}, {"image_size", "28"}};
        activelearning::RunRequest second = first;
        second.hyperparameters["learning_rate"] = "0.01";
        second.hyperparameters["batch_size"] = "32";
        const auto a = training->launch(first);
        const auto b = training->launch(second);
        auto finished = [&](int64_t id) {
            for (int row = 0; row < training->runsTable()->rowCount(); ++row)
                if (training->runsTable()->item(row, 0)->data(Qt::UserRole).toLongLong() == id)
                    return training->runsTable()->item(row, 2)->text() != QStringLiteral("running") &&
                           training->runsTable()->item(row, 2)->text() != QStringLiteral("queued");
            return false;
        };
        for (int i = 0; i < 2400 && a && b && !(finished(*a) && finished(*b)); ++i)
            settle(50);
        if (a) {
            training->selectRun(*a);
            settle(300);
            auto *tabs = training->findChild<QTabWidget *>();
            tabs->setCurrentIndex(1);
            save(window, out, "training.png");
            tabs->setCurrentIndex(2);
            save(window, out, "training-evaluation.png");
        }
        {
            auto versions = ProjectStore::open(digits, ProjectStore::OpenMode::OpenExisting);
            ui::LaunchRunDialog launch((*versions)->datasetVersions().value_or(std::vector<DatasetVersion>{}), &w);
            launch.setSearch(true);
            launch.show();
            launch.move(0, 0);
            save(&launch, out, "training-new.png");
        }
        if (a && b) {
            training->runsTable()->clearSelection();
            for (int row = 0; row < training->runsTable()->rowCount(); ++row)
                training->runsTable()->selectionModel()->select(training->runsTable()->model()->index(row, 0),
                                                                QItemSelectionModel::Select | QItemSelectionModel::Rows);
            training->compareSelected();
            if (auto *compare = training->findChild<ui::CompareRunsDialog *>()) {
                compare->move(0, 0);
                save(compare, out, "training-compare.png");
            }
        }
    }
    return 0;
}

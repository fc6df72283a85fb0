#pragma once

// The main window in tests: a project with six images and three jobs, the window shown on it, and the mouse
// driven in image coordinates.

#include "testutil.h"
#include "ui/imageloader.h"
#include "ui/imagecanvas.h"
#include "ui/labelingpane.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QImage>
#include <QMouseEvent>
#include <QTest>

namespace gw::test {

using namespace gw::datasets;

constexpr int kWidth = 200, kHeight = 150;

/// A project with six images and a classification, a box and a segmentation job.
inline std::string makeProject(const QTemporaryDir &dir)
{
    const std::string path = test::path(dir, "p.gwproj");
    auto store = test::newProject(path);
    auto tx = store->begin();
    for (int i = 0; i < 6; ++i) {
        QImage img(kWidth, kHeight, QImage::Format_RGB32);
        img.fill(QColor::fromHsv(i * 50, 120, 200));
        const std::string file = "img" + std::to_string(i) + ".png";
        img.save(QString::fromStdString(test::path(dir, file.c_str())));
        Item it;
        it.uri = file;
        it.width = kWidth;
        it.height = kHeight;
        (void)(*tx)->addItem(it);
    }
    (void)(*tx)->commit();
    auto job = [&](const char *name, TaskType type, std::vector<std::string> classes) {
        Job j;
        j.name = name;
        j.type = type;
        for (size_t i = 0; i < classes.size(); ++i)
            j.classes.push_back({int(i), classes[i], defaultClassColor(int(i)), std::to_string(i + 1), {}});
        (void)store->createJob(j);
    };
    job("animal", TaskType::ImageClassification, {"cat", "dog", "cow"});
    job("boxes", TaskType::BoundingBox, {"car", "person"});
    job("seg-ref", TaskType::SemanticSegmentation, {"road", "car"});
    job("objects-ref", TaskType::InstanceSegmentation, {"road", "car"});
    return path;
}

/// A mouse event with explicit button state (QTest's helpers do not carry held buttons on moves).
inline void mouse(QWidget *w, QEvent::Type type, QPointF pos, Qt::MouseButton button, Qt::MouseButtons held)
{
    QMouseEvent e(type, pos, w->mapToGlobal(pos), button, held, Qt::NoModifier);
    QApplication::sendEvent(w, &e);
}

inline void drag(ui::ImageCanvas *c, QPointF fromImage, QPointF toImage)
{
    const QPointF a = c->imageToWidget(fromImage), b = c->imageToWidget(toImage);
    mouse(c, QEvent::MouseButtonPress, a, Qt::LeftButton, Qt::LeftButton);
    for (int i = 1; i <= 8; ++i)
        mouse(c, QEvent::MouseMove, a + (b - a) * i / 8.0, Qt::NoButton, Qt::LeftButton);
    mouse(c, QEvent::MouseButtonRelease, b, Qt::LeftButton, Qt::NoButton);
}

inline void click(ui::ImageCanvas *c, QPointF image)
{
    const QPointF p = c->imageToWidget(image);
    mouse(c, QEvent::MouseButtonPress, p, Qt::LeftButton, Qt::LeftButton);
    mouse(c, QEvent::MouseButtonRelease, p, Qt::LeftButton, Qt::NoButton);
}

inline std::optional<Annotation> label(ProjectStore *s, const char *job, int64_t item)
{
    auto j = s->job(job);
    auto a = s->currentAnnotation(j->id, item);
    return a ? *a : std::nullopt;
}

/// The window on a project, shown and active, with the canvas focused and the first image decoded.
struct Screen
{
    ui::MainWindow w;
    explicit Screen(const std::string &project, const char *job)
    {
        w.show();
        if (!QTest::qWaitForWindowActive(&w))
            qWarning("window not active");
        if (!w.openProject(QString::fromStdString(project)) || !w.selectJob(QString::fromLatin1(job)))
            qFatal("cannot open the test project");
        canvas()->setFocus();
    }
    ui::ImageCanvas *canvas() const { return w.labelingPane()->canvas(); }
    int64_t item() const { return w.labelingPane()->currentItem(); }
    bool imageShown() const { return w.labelingPane()->loader()->cached(item()) != nullptr; }
};

} // namespace gw::test

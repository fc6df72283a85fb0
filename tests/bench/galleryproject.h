#pragma once

// The project the gallery and window benchmarks open: IMAGES image items over a handful of real PNGs (so
// thumbnails and the canvas decode), two jobs with labels of every kind. Built once per size in a folder.

#include "datasets/projectstore.h"

#include <QColor>
#include <QDir>
#include <QImage>
#include <QString>

#include <string>

namespace gw::bench {

using namespace gw::datasets;

constexpr int kPngs = 8;
constexpr int kClasses = 10;

inline std::string galleryProjectPath(const QString &dir, int64_t images)
{
    return (dir + QStringLiteral("/gallery-v2-%1.gwproj").arg(images)).toStdString();
}

/// Image i: its PNG, and its label in job "animal": 50 % human (alice, bob, carol), 10 % auto, 10 % imported,
/// 30 % unlabeled; a rare author (dave) and a rare class (class 9) on one image in 100,000 each, and one
/// flagged image in 100,000. Job "review" has labeled all but one image in 100,000.
inline QSize pngSize(int k)
{
    return k % 2 ? QSize(320, 240) : QSize(240, 320);
}

inline bool buildGalleryProject(const std::string &path, const QString &dir, int64_t images)
{
    QDir(dir).mkpath(QStringLiteral("img"));
    for (int k = 0; k < kPngs; ++k) {
        QImage img(pngSize(k), QImage::Format_RGB32);
        img.fill(QColor::fromHsv(k * 360 / kPngs, 160, 220));
        if (!img.save(dir + QStringLiteral("/img/%1.png").arg(k)))
            return false;
    }
    auto store = ProjectStore::open(path, ProjectStore::OpenMode::Create);
    if (!store)
        return false;
    Job j;
    j.name = "animal";
    for (int c = 0; c < kClasses; ++c)
        j.classes.push_back({c, "class-" + std::to_string(c), defaultClassColor(c), std::to_string(c), {}});
    auto job = (*store)->createJob(j);
    if (!job)
        return false;
    Job r;
    r.name = "review";
    r.classes = {{0, "ok", defaultClassColor(0), "1", {}}, {1, "bad", defaultClassColor(1), "2", {}}};
    auto review = (*store)->createJob(r);
    if (!review)
        return false;
    auto tx = (*store)->begin();
    if (!tx)
        return false;
    Annotation checked;
    checked.jobId = review->id;
    checked.payload.classes = {0};
    checked.payload.classConfidence = {std::nullopt};
    checked.provenance.author = "lead";
    Item it;
    Annotation a;
    a.jobId = job->id;
    a.payload.classConfidence = {std::nullopt};
    static const char *const kAuthors[] = {"alice", "bob", "carol"};
    for (int64_t i = 0; i < images; ++i) {
        const int k = int(i % kPngs);
        it.uri = "img/" + std::to_string(k) + ".png";
        it.width = pngSize(k).width();
        it.height = pngSize(k).height();
        it.flags = i % 100000 == 50000 ? ItemMissing : ItemOk;
        if (!(*tx)->addItem(it))
            return false;
        checked.itemId = it.id;
        if (i % 100000 != 99999 && !(*tx)->putAnnotation(checked))
            return false;
        const int r = int(i % 10);
        if (r >= 7)
            continue;
        a.itemId = it.id;
        a.payload.classes = {i % 100000 == 2 ? 9 : int(i % (kClasses - 1))};
        a.provenance = {};
        a.provenance.createdUs = 1704067200000000 + i;
        if (r < 5) {
            a.provenance.author = i % 100000 == 1 ? "dave" : kAuthors[i % 3];
        } else if (r == 5) {
            a.provenance.source = Source::Auto;
            a.provenance.humanAnnotated = false;
            a.provenance.author = "model-1";
            a.provenance.confidence = 0.5 + double(i % 50) / 100;
        } else {
            a.provenance.source = Source::Imported;
            a.provenance.author = "import";
        }
        if (!(*tx)->putAnnotation(a))
            return false;
    }
    return bool((*tx)->commit());
}

} // namespace gw::bench

#pragma once

// A small real image set for model tests: OpenCV's sheet of handwritten digits (opencv-doc), cut into one
// PNG per digit and imported into a project with a "digit" job; the truth is kept beside it.

#include "datasets/importers.h"
#include "datasets/media.h"
#include "testutil.h"

#include <QImage>
#include <QTemporaryDir>
#include <QTest>

#include <map>

namespace gw::test {

inline const QString kDigits = QStringLiteral("/usr/share/doc/opencv-doc/examples/data/digits.png");

/// A project of real digits (perClass of each class from OpenCV's sheet) with a "digit" job, and the truth.
struct Digits
{
    std::unique_ptr<datasets::ProjectStore> store;
    datasets::Job job;
    std::map<int64_t, int> truth;
};

inline void makeDigits(const QTemporaryDir &dir, int perClass, Digits &out)
{
    QImage sheet(kDigits);
    if (sheet.isNull())
        QFAIL("opencv-doc's digits.png is not installed (scripts/setup.sh installs it)");
    // perClass digits per class from the sheet (rows of 100 cells, 500 per class).
    std::vector<std::string> files;
    std::map<std::string, int> classOfFile;
    for (int cls = 0; cls < 10; ++cls)
        for (int i = 0; i < perClass; ++i) {
            const int cell = cls * 500 + i;
            const QImage digit = sheet.copy((cell % 100) * 20, (cell / 100) * 20, 20, 20);
            const QString file = dir.path() + QStringLiteral("/d%1_%2.png").arg(cls).arg(i);
            QVERIFY(digit.save(file));
            files.push_back(file.toStdString());
            classOfFile[file.toStdString()] = cls;
        }
    out.store = newProject(path(dir, "digits.gwproj"));
    GW_VERIFY_OK(datasets::importImageFiles(*out.store, files, "digits", {}));
    datasets::Job j;
    j.name = "digit";
    for (int c = 0; c < 10; ++c)
        j.classes.push_back({c, std::to_string(c), datasets::defaultClassColor(c), std::to_string(c), {}});
    out.job = *out.store->createJob(j);
    GW_VERIFY_OK(out.store->forEachItem({}, [&](const datasets::Item &it) {
        out.truth[it.id] = classOfFile.at(datasets::media::resolve(out.store->projectDir(), it.uri));
        return true;
    }));
}

} // namespace gw::test

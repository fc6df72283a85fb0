#include "ui/edareport.h"

#include "datasets/media.h"
#include "datasets/output.h"
#include "ui/edacharts.h"

#include <QBuffer>
#include <QDateTime>
#include <QFileInfo>

namespace gw::ui {

using namespace gw::datasets;

namespace {

QString html(const QString &s)
{
    return s.toHtmlEscaped();
}

QString html(const std::string &s)
{
    return QString::fromStdString(s).toHtmlEscaped();
}

QString dataUri(const QImage &img)
{
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    img.save(&buffer, "PNG");
    return QStringLiteral("data:image/png;base64,") + QString::fromLatin1(png.toBase64());
}

QString count(const std::map<std::string, int64_t> &m, std::initializer_list<const char *> keys)
{
    int64_t n = 0;
    for (const char *k : keys)
        if (auto it = m.find(k); it != m.end())
            n += it->second;
    return QString::number(n);
}

const char *kStyle = R"css(
body { font-family: sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
.figures { display: flex; flex-wrap: wrap; gap: 16px; }
figure { margin: 0; border: 1px solid #e4e4e4; padding: 4px; }
table { border-collapse: collapse; margin: 0.5em 0; } td, th { border: 1px solid #ddd; padding: 3px 8px; text-align: right; }
td:first-child, th:first-child { text-align: left; }
.group { display: flex; gap: 6px; align-items: center; margin: 6px 0; } .group img { border: 1px solid #ccc; }
.note { color: #666; }
)css";

} // namespace

Result<> writeEdaReport(const std::string &path, const ProjectStore &store, const EdaReport &r,
                        const ImageStats *pixels, const activelearning::ModelInsights *insights, bool overwrite)
{
    QString out;
    out += QStringLiteral("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    out += QStringLiteral("<title>%1</title><style>%2</style></head><body>\n")
               .arg(html(QStringLiteral("Groundwork EDA — ") + QFileInfo(QString::fromStdString(store.path())).fileName()),
                    QString::fromLatin1(kStyle));
    out += QStringLiteral("<h1>%1</h1>\n").arg(html(QFileInfo(QString::fromStdString(store.path())).fileName() +
                                                    (r.job.empty() ? QString() : QStringLiteral(" — job ") +
                                                                                     QString::fromStdString(r.job))));
    out += QStringLiteral("<p>%1 items, %2 labeled; %3 missing or unreadable. Written %4.</p>\n")
               .arg(r.items)
               .arg(r.labelled)
               .arg(r.flagged + (pixels ? pixels->unreadable : 0))
               .arg(QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
    if (r.itemsLabelledTwice) {
        QString text = agreementText(r);
        text[0] = text[0].toUpper();
        out += QStringLiteral("<p>%1.</p>\n").arg(text.toHtmlEscaped());
    }

    out += QStringLiteral("<h2>Charts</h2>\n<div class=\"figures\">\n");
    for (EdaFigure &f : edaFigures(r, pixels)) {
        const QImage img = f.chart ? renderChart(f.chart, QSize(520, 340)) : f.image;
        out += QStringLiteral("<figure><img alt=\"%1\" src=\"%2\"><figcaption>%1</figcaption></figure>\n")
                   .arg(html(f.title), dataUri(img));
    }
    out += QStringLiteral("</div>\n");

    if (!r.classes.empty()) {
        out += QStringLiteral("<h2>Classes</h2>\n<table><tr><th>class</th><th>items</th><th>people</th><th>automatic"
                              "</th><th>imported</th><th>train</th><th>validation</th><th>test</th><th>no split</th>"
                              "</tr>\n");
        for (const ClassBalance &c : r.classes)
            out += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td><td>%5</td><td>%6</td><td>%7</td>"
                                  "<td>%8</td><td>%9</td></tr>\n")
                       .arg(html(c.name))
                       .arg(c.items)
                       .arg(count(c.bySource, {"human", "consolidated"}), count(c.bySource, {"auto"}),
                            count(c.bySource, {"imported"}), count(c.bySplit, {"train"}),
                            count(c.bySplit, {"validation"}), count(c.bySplit, {"test"}), count(c.bySplit, {""}));
        out += QStringLiteral("</table>\n");
    }
    if (!r.maskShares.empty()) {
        out += QStringLiteral("<h2>Mask pixels</h2>\n<table><tr><th>class</th><th>share</th></tr>\n");
        for (const auto &[name, share] : r.maskShares)
            out += QStringLiteral("<tr><td>%1</td><td>%2%</td></tr>\n").arg(html(name), QString::number(100 * share, 'f', 2));
        out += QStringLiteral("</table>\n");
    }
    if (!r.characteristicWords.empty()) {
        out += QStringLiteral("<h2>Characteristic words</h2>\n<table><tr><th>class</th><th>words</th></tr>\n");
        for (const auto &[cls, words] : r.characteristicWords) {
            QStringList list;
            for (const auto &[w, z] : words)
                list << QString::fromStdString(w);
            out += QStringLiteral("<tr><td>%1</td><td style=\"text-align:left\">%2</td></tr>\n")
                       .arg(html(cls), html(list.join(QStringLiteral(", "))));
        }
        out += QStringLiteral("</table>\n");
    }
    if (!r.annotators.empty()) {
        out += QStringLiteral("<h2>Annotators</h2>\n<table><tr><th>annotator</th><th>labels</th><th>per hour</th>"
                              "<th>seconds per item</th></tr>\n");
        for (const AnnotatorStats &a : r.annotators)
            out += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td></tr>\n")
                       .arg(html(a.name))
                       .arg(a.labels)
                       .arg(QString::number(a.itemsPerHour, 'f', 1),
                            a.medianSecondsPerItem > 0 ? QString::number(a.medianSecondsPerItem, 'f', 1)
                                                       : QStringLiteral("–"));
        out += QStringLiteral("</table>\n");
    }
    if (insights && !r.job.empty()) {
        auto job = store.job(r.job);
        if (!job)
            return fail(job.error());
        out += QStringLiteral("<h2>What the model says</h2>\n<p>Each labeled item scored by a model trained on the "
                              "others (%1 folds): it agrees with people on %2% of them.</p>\n")
                   .arg(insights->folds)
                   .arg(QString::number(100 * insights->outOfFoldAccuracy, 'f', 1));
        out += QStringLiteral("<figure><img alt=\"map\" src=\"%1\"></figure>\n")
                   .arg(dataUri(renderChart(insightMapChart(*insights, *job), QSize(720, 480))));
        out += QStringLiteral("<h2>Suspected label errors</h2>\n<table><tr><th>item</th><th>people said</th>"
                              "<th>the model says</th><th>its confidence</th></tr>\n");
        const std::string dir = store.projectDir();
        for (const activelearning::SuspectedError &e : insights->suspects) {
            auto item = store.item(e.itemId);
            if (!item)
                continue;
            QString what;
            if (item->kind == MediaKind::Image) {
                const QImage img(QString::fromStdString(media::resolve(dir, item->uri)));
                what = img.isNull() ? html(item->uri)
                                    : QStringLiteral("<img title=\"%1\" src=\"%2\">")
                                          .arg(html(item->uri), dataUri(img.scaled(64, 64, Qt::KeepAspectRatio)));
            } else {
                what = html(QString::fromStdString(item->text).left(120));
            }
            const LabelClass *given = job->classById(e.given), *predicted = job->classById(e.predicted);
            out += QStringLiteral("<tr><td style=\"text-align:left\">%1</td><td>%2</td><td>%3</td><td>%4</td></tr>\n")
                       .arg(what, html(given ? given->name : std::string("?")),
                            html(predicted ? predicted->name : std::string("?")), QString::number(e.confidence, 'f', 3));
        }
        out += QStringLiteral("</table>\n");
    }
    if (pixels) {
        out += QStringLiteral("<h2>Near-duplicates</h2>\n");
        if (pixels->duplicateGroups.empty())
            out += QStringLiteral("<p class=\"note\">None found.</p>\n");
        const std::string dir = store.projectDir();
        for (size_t g = 0; g < pixels->duplicateGroups.size() && g < 20; ++g) {
            const auto &group = pixels->duplicateGroups[g];
            out += QStringLiteral("<div class=\"group\">");
            for (size_t k = 0; k < group.size() && k < 8; ++k) {
                auto item = store.item(group[k]);
                if (!item)
                    continue;
                const QImage img(QString::fromStdString(media::resolve(dir, item->uri)));
                if (img.isNull())
                    continue;
                out += QStringLiteral("<img title=\"%1\" src=\"%2\">")
                           .arg(html(item->uri), dataUri(img.scaled(64, 64, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
            }
            if (group.size() > 8)
                out += QStringLiteral("<span class=\"note\">and %1 more</span>").arg(group.size() - 8);
            out += QStringLiteral("</div>\n");
        }
    }
    out += QStringLiteral("</body></html>\n");

    const QByteArray bytes = out.toUtf8();
    return writeOutputFile(path, std::string_view(bytes.constData(), size_t(bytes.size())),
                           outputRulesFor(store, overwrite));
}

} // namespace gw::ui

// gw init, import, import-labels, export, info, items.

#include "app/cli/cli.h"

#include "datasets/importers.h"
#include "datasets/manifest.h"
#include "datasets/media.h"

#include <QFileInfo>

#include <cstdio>

namespace gw::cli {

using namespace gw::datasets;

const QCommandLineOption &jsonOption()
{
    static const QCommandLineOption option(QStringLiteral("json"), QStringLiteral("Print the result as JSON on stdout."));
    return option;
}

const QCommandLineOption &replaceOption()
{
    static const QCommandLineOption option(
        QStringLiteral("replace"),
        QStringLiteral("Make every imported label current, even where the project's label is newer or a person's "
                       "and the file's is automatic (default: those are kept; the summary counts them)."));
    return option;
}

const QCommandLineOption &keepDuplicatesOption()
{
    static const QCommandLineOption option(
        QStringLiteral("keep-duplicates"),
        QStringLiteral("Add a text again although the project or the file already has exactly that text (default: "
                       "an identical text is the same item, as an image is by its path)."));
    return option;
}

const QCommandLineOption &overwriteOption()
{
    static const QCommandLineOption option(
        QStringLiteral("overwrite"),
        QStringLiteral("Replace an earlier output at the target: a file, or a folder an earlier export wrote (its "
                       ".groundwork-output lists every file in it). Without it an existing target is refused; the "
                       "project, its files and its images never are targets."));
    return option;
}

namespace {

json::Value reportJson(const ImportReport &r)
{
    json::Object o;
    o.set("lines", r.lines);
    o.set("items_added", r.itemsAdded);
    o.set("items_matched", r.itemsMatched);
    o.set("labels", r.labels);
    o.set("labels_replaced", r.labelsReplaced);
    o.set("labels_kept", r.labelsKept);
    o.set("labels_unchanged", r.labelsUnchanged);
    o.set("flagged", r.flagged);
    json::Array skipped, warnings, jobs;
    for (const auto &s : r.skipped)
        skipped.emplace_back(s);
    for (const auto &s : r.warnings)
        warnings.emplace_back(s);
    for (const auto &s : r.jobsCreated)
        jobs.emplace_back(s);
    o.set("skipped", std::move(skipped));
    o.set("warnings", std::move(warnings));
    o.set("jobs_created", std::move(jobs));
    return o;
}

} // namespace

void printImportReport(const std::string &path, const ImportReport &r, bool asJson)
{
    for (const auto &w : r.warnings)
        std::fprintf(stderr, "gw: warning: %s\n", w.c_str());
    for (const auto &s : r.skipped)
        std::fprintf(stderr, "gw: skipped %s\n", s.c_str());
    if (asJson) {
        json::Value v = reportJson(r);
        v.object().set("file", path);
        printJson(v);
        return;
    }
    std::printf("%s: %lld items added, %lld already in the project, %lld labels", path.c_str(),
                static_cast<long long>(r.itemsAdded), static_cast<long long>(r.itemsMatched),
                static_cast<long long>(r.labels));
    if (r.labelsReplaced)
        std::printf(" (%lld replacing the project's)", static_cast<long long>(r.labelsReplaced));
    if (r.labelsUnchanged)
        std::printf(", %lld unchanged", static_cast<long long>(r.labelsUnchanged));
    if (r.labelsKept)
        std::printf(", %lld kept as they were (the project's label is newer, or a person's where the file's is "
                    "automatic; --replace takes the file's)",
                    static_cast<long long>(r.labelsKept));
    if (r.flagged)
        std::printf(", %lld flagged (missing or unreadable)", static_cast<long long>(r.flagged));
    if (!r.skipped.empty())
        std::printf(", %zu lines skipped", r.skipped.size());
    std::printf("\n");
    for (const auto &j : r.jobsCreated)
        std::printf("created job '%s'\n", j.c_str());
}

int cmdInit(const QStringList &args)
{
    QCommandLineParser p;
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT.gwproj"),
                   QStringLiteral("Create a new, empty project file. Media are referenced, never copied: keep the "
                                  "project next to or above its media so that paths stay relative."),
                   1, code))
        return code;
    QString path = p.positionalArguments().at(0);
    if (!path.endsWith(QStringLiteral(".gwproj")))
        path += QStringLiteral(".gwproj");
    auto store = ProjectStore::open(str(path), ProjectStore::OpenMode::Create);
    if (!store)
        return report(store.error());
    std::printf("created %s\n", str(path).c_str());
    return ExitOk;
}

int cmdImport(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption skipBad(QStringLiteral("skip-bad"),
                                     QStringLiteral("Import the good lines of a file and list the bad ones "
                                                    "(default: a file with a bad line imports nothing)."));
    const QCommandLineOption textMode(QStringLiteral("text-mode"),
                                      QStringLiteral(".txt files: 'line' (an item per line, default) or 'file' "
                                                     "(an item per file; folders then import their .txt files)."),
                                      QStringLiteral("mode"), QStringLiteral("line"));
    const QCommandLineOption column(QStringLiteral("column"),
                                    QStringLiteral(".csv/.tsv: the text column (default: 'text' or 'source')."),
                                    QStringLiteral("name"));
    const QCommandLineOption field(QStringLiteral("field"),
                                   QStringLiteral(".jsonl: the text field; without it a .jsonl is read as a Ground "
                                                  "Truth manifest (source-ref or source per line)."),
                                   QStringLiteral("name"));
    const QCommandLineOption noMedia(QStringLiteral("no-media-check"),
                                     QStringLiteral("Do not open local images to read their size."));
    const FormatArgs formatArgs(false);
    p.addOptions({skipBad, textMode, column, field, noMedia, replaceOption(), keepDuplicatesOption(), jsonOption()});
    formatArgs.add(p);
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT PATH..."),
                   QStringLiteral("Add media to a project: folders (images, recursively: jpg jpeg png bmp tif tiff "
                                  "webp), images, Ground Truth manifests (.manifest, .jsonl with source-ref or "
                                  "source; labels in them are imported too), and texts (.txt, .csv, .tsv, .jsonl). "
                                  "With --format, labeled datasets of other tools (gw formats lists them)."),
                   2, code))
        return code;
    if (p.isSet(formatArgs.format))
        return importWithFormat(p, formatArgs);
    SourceOptions opt;
    opt.skipBad = p.isSet(skipBad);
    opt.checkMedia = !p.isSet(noMedia);
    opt.replace = p.isSet(replaceOption());
    opt.keepDuplicates = p.isSet(keepDuplicatesOption());
    opt.column = str(p.value(column));
    opt.field = str(p.value(field));
    if (p.value(textMode) == QStringLiteral("file"))
        opt.txtMode = SourceOptions::TxtMode::File;
    else if (p.value(textMode) != QStringLiteral("line"))
        return usageError(p, "--text-mode must be 'line' or 'file'");
    auto store = openProject(p.positionalArguments().at(0));
    if (!store)
        return report(store.error());
    const QStringList paths = p.positionalArguments().mid(1);
    int worst = ExitOk;
    for (const QString &path : paths) {
        Progress progress("importing " + str(path));
        opt.progress = std::ref(progress);
        auto r = importPath(**store, str(path), opt);
        if (!r) {
            worst = report(r.error());
            continue;
        }
        printImportReport(str(path), *r, p.isSet(jsonOption()));
    }
    return worst;
}

int cmdImportLabels(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption skipBad(QStringLiteral("skip-bad"),
                                     QStringLiteral("Import the good lines and list the bad ones."));
    const QCommandLineOption job(QStringLiteral("job"),
                                 QStringLiteral("Take only this label attribute (repeatable; default: all)."),
                                 QStringLiteral("name"));
    p.addOptions({skipBad, job, replaceOption(), jsonOption()});
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT MANIFEST"),
                   QStringLiteral("Import labels from a Ground Truth output (augmented) manifest onto items already "
                                  "in the project, matched by source-ref or source. Jobs that do not exist yet are "
                                  "created from the label attributes' metadata."),
                   2, code))
        return code;
    auto store = openProject(p.positionalArguments().at(0));
    if (!store)
        return report(store.error());
    ImportOptions opt;
    opt.skipBad = p.isSet(skipBad);
    opt.labelsOnly = true;
    opt.replace = p.isSet(replaceOption());
    for (const QString &j : p.values(job))
        opt.jobs.push_back(str(j));
    const std::string path = str(p.positionalArguments().at(1));
    Progress progress("importing labels from " + path);
    opt.progress = std::ref(progress);
    auto r = importManifest(**store, path, opt);
    if (!r)
        return report(r.error());
    printImportReport(path, *r, p.isSet(jsonOption()));
    return ExitOk;
}

int cmdInfo(const QStringList &args)
{
    QCommandLineParser p;
    p.addOption(jsonOption());
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT"),
                   QStringLiteral("Counts: items by kind, flagged media, and per job the labeled items by source "
                                  "(human, auto, consolidated, imported) and by class."),
                   1, code))
        return code;
    auto store = openProject(p.positionalArguments().at(0));
    if (!store)
        return report(store.error());
    auto s = (*store)->summary();
    if (!s)
        return report(s.error());
    if (p.isSet(jsonOption())) {
        json::Object o;
        o.set("project", (*store)->path());
        o.set("schema_version", (*store)->schemaVersion());
        o.set("items", s->items);
        o.set("images", s->images);
        o.set("texts", s->texts);
        o.set("flagged", s->flagged);
        json::Array jobs;
        for (const auto &j : s->jobs) {
            json::Object jo;
            jo.set("name", j.job);
            jo.set("type", j.type);
            jo.set("labeled", j.labeled);
            json::Object src, cls;
            for (const auto &[k, v] : j.bySource)
                src.set(k, v);
            for (const auto &[k, v] : j.byClass)
                cls.set(k, v);
            jo.set("by_source", std::move(src));
            jo.set("by_class", std::move(cls));
            jobs.emplace_back(std::move(jo));
        }
        o.set("jobs", std::move(jobs));
        printJson(json::Value(std::move(o)));
        return ExitOk;
    }
    std::printf("project  %s\nitems    %lld (%lld images, %lld texts)\n", (*store)->path().c_str(),
                static_cast<long long>(s->items), static_cast<long long>(s->images), static_cast<long long>(s->texts));
    if (s->flagged)
        std::printf("flagged  %lld (missing or unreadable media)\n", static_cast<long long>(s->flagged));
    for (const auto &j : s->jobs) {
        std::printf("\njob %s (%s): %lld of %lld labeled\n", j.job.c_str(), j.type.c_str(),
                    static_cast<long long>(j.labeled), static_cast<long long>(s->items));
        for (const auto &[k, v] : j.bySource)
            std::printf("  %-14s %lld\n", k.c_str(), static_cast<long long>(v));
        for (const auto &[k, v] : j.byClass)
            std::printf("  class %-20s %lld\n", k.c_str(), static_cast<long long>(v));
    }
    return ExitOk;
}

int cmdItems(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption job(QStringLiteral("job"), QStringLiteral("Filter by this job's labels."),
                                 QStringLiteral("name"));
    const QCommandLineOption labeled(QStringLiteral("labeled"), QStringLiteral("Only items labeled in --job."));
    const QCommandLineOption unlabeled(QStringLiteral("unlabeled"), QStringLiteral("Only items not labeled in --job."));
    const QCommandLineOption cls(QStringLiteral("class"), QStringLiteral("Only items whose --job label has this class."),
                                 QStringLiteral("name"));
    const QCommandLineOption source(QStringLiteral("source"),
                                    QStringLiteral("Only labels from: human, auto, consolidated, imported."),
                                    QStringLiteral("source"));
    const QCommandLineOption flagged(QStringLiteral("flagged"), QStringLiteral("Only items with missing or unreadable media."));
    const QCommandLineOption kind(QStringLiteral("kind"), QStringLiteral("image or text."), QStringLiteral("kind"));
    const QCommandLineOption limit(QStringLiteral("limit"), QStringLiteral("At most this many items."),
                                   QStringLiteral("n"));
    p.addOptions({job, labeled, unlabeled, cls, source, flagged, kind, limit, jsonOption()});
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT"),
                   QStringLiteral("List items (id, media, size, flags) with filters; one per line, or JSON Lines "
                                  "with --json."),
                   1, code))
        return code;
    auto store = openProject(p.positionalArguments().at(0));
    if (!store)
        return report(store.error());
    ItemFilter f;
    if (p.isSet(labeled) && p.isSet(unlabeled))
        return usageError(p, "--labeled and --unlabeled exclude each other");
    const bool needsJob = p.isSet(labeled) || p.isSet(unlabeled) || p.isSet(cls) || p.isSet(source);
    if (needsJob && !p.isSet(job))
        return usageError(p, "--labeled, --unlabeled, --class and --source need --job");
    if (p.isSet(job)) {
        auto j = (*store)->job(str(p.value(job)));
        if (!j)
            return report(j.error());
        f.jobId = j->id;
        if (p.isSet(labeled) || p.isSet(cls) || p.isSet(source))
            f.labeled = true;
        if (p.isSet(unlabeled))
            f.labeled = false;
        if (p.isSet(cls)) {
            const LabelClass *c = j->classByName(str(p.value(cls)));
            if (!c)
                return report(Error::invalid("unknown class '" + str(p.value(cls)) + "' in job '" + j->name + "'"));
            f.classId = c->id;
        }
    }
    if (p.isSet(source)) {
        auto s = sourceFromName(str(p.value(source)));
        if (!s)
            return usageError(p, "--source must be human, auto, consolidated or imported");
        f.source = *s;
    }
    if (p.isSet(kind)) {
        if (p.value(kind) == QStringLiteral("image"))
            f.kind = MediaKind::Image;
        else if (p.value(kind) == QStringLiteral("text"))
            f.kind = MediaKind::Text;
        else
            return usageError(p, "--kind must be image or text");
    }
    f.flaggedOnly = p.isSet(flagged);
    if (p.isSet(limit)) {
        bool ok = false;
        f.limit = p.value(limit).toLongLong(&ok);
        if (!ok || f.limit < 0)
            return usageError(p, "--limit needs a non-negative number");
    }
    const bool asJson = p.isSet(jsonOption());
    std::string line;
    auto r = (*store)->forEachItem(f, [&](const Item &it) {
        line.clear();
        if (asJson) {
            json::Object o;
            o.set("id", it.id);
            o.set("kind", it.kind == MediaKind::Image ? "image" : "text");
            if (it.kind == MediaKind::Image) {
                o.set("uri", it.uri);
                o.set("width", it.width);
                o.set("height", it.height);
            } else {
                o.set("text", it.text);
            }
            if (it.flags)
                o.set("flags", it.flags & ItemMissing ? "missing" : "corrupt");
            json::write(json::Value(std::move(o)), line);
        } else if (it.kind == MediaKind::Image) {
            line = std::to_string(it.id) + "\t" + it.uri + "\t" + std::to_string(it.width) + "x"
                   + std::to_string(it.height);
            if (it.flags)
                line += it.flags & ItemMissing ? "\tmissing" : "\tcorrupt";
        } else {
            std::string text = it.text.substr(0, 100);
            for (char &c : text)
                if (c == '\n' || c == '\t')
                    c = ' ';
            line = std::to_string(it.id) + "\t" + text;
        }
        line += '\n';
        return std::fwrite(line.data(), 1, line.size(), stdout) == line.size();
    });
    if (!r)
        return report(r.error());
    return ExitOk;
}

} // namespace gw::cli

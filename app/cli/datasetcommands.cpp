// gw export, gw import --format, gw formats, gw split: datasets in and out through the format registry.

#include "app/cli/cli.h"

#include "datasets/eda.h"
#include "datasets/formats/format.h"
#include "datasets/imagestats.h"
#include "datasets/output.h"
#include "datasets/splits.h"
#include "activelearning/insights.h"
#include "datasets/versions.h"
#include "ui/edareport.h"

#include <QDateTime>

#include <cstdio>

namespace gw::cli {

using namespace gw::datasets;

FormatArgs::FormatArgs(bool exporting_)
    : format(QStringLiteral("format"),
             exporting_ ? QStringLiteral("Output format (default groundtruth; gw formats lists them).")
                        : QStringLiteral("Read PATH as this format (gw formats lists them)."),
             QStringLiteral("id"), exporting_ ? QStringLiteral("groundtruth") : QString()),
      job(QStringLiteral("job"),
          exporting_ ? QStringLiteral("The job to write (manifests: repeatable, default every job; other formats: "
                                      "required).")
                     : QStringLiteral("The job the labels go to (created when missing)."),
          QStringLiteral("name")),
      split(QStringLiteral("split"), QStringLiteral("Only items in these splits (comma-separated: train,validation)."),
            QStringLiteral("names")),
      option(QStringLiteral("option"), QStringLiteral("A format setting KEY=VALUE (repeatable; gw formats lists them)."),
             QStringLiteral("key=value")),
      addClasses(QStringLiteral("add-classes"),
                 QStringLiteral("An existing job gains classes it does not have (default: they are refused).")),
      includeUnlabeled(QStringLiteral("include-unlabeled"),
                       QStringLiteral("Formats other than manifests: write unlabeled items too, where the format "
                                      "can hold them.")),
      onlyLabeled(QStringLiteral("only-labeled"), QStringLiteral("Manifests: leave out items with none of the chosen "
                                                                 "labels.")),
      augment(QStringLiteral("augment"),
              QStringLiteral("Add augmented copies of each labeled image, written to <out>-augmented/ with "
                             "augmentation.jsonl: copies=N,seed=N,hflip=P,vflip=P,rotate=DEG,scale=MIN:MAX,crop=F,"
                             "brightness=F,contrast=F,gamma=F,blur=SIGMA,noise=F,cutout=N,cutout-size=F,"
                             "min-visible=F (boxes keeping less of their area are dropped)."),
              QStringLiteral("spec")),
      exporting(exporting_)
{
}

void FormatArgs::add(QCommandLineParser &p) const
{
    p.addOptions({format, job, option});
    if (exporting)
        p.addOptions({split, includeUnlabeled, onlyLabeled, augment});
    else
        p.addOption(addClasses);
}

namespace {

Result<std::map<std::string, std::string>> settingsOf(const QCommandLineParser &p, const FormatArgs &a)
{
    std::map<std::string, std::string> settings;
    for (const QString &kv : p.values(a.option)) {
        const qsizetype eq = kv.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return fail(Error::invalid("--option takes KEY=VALUE, not '" + str(kv) + "'"));
        settings[str(kv.left(eq))] = str(kv.mid(eq + 1));
    }
    return settings;
}

Result<const Format *> formatOf(const QCommandLineParser &p, const FormatArgs &a)
{
    const std::string id = str(p.value(a.format));
    const Format *f = findFormat(id);
    if (!f) {
        std::string ids;
        for (const Format &x : allFormats())
            ids += (ids.empty() ? "" : ", ") + x.id;
        return fail(Error::invalid("unknown format '" + id + "' (there are " + ids + ")"));
    }
    return f;
}

std::string taskList(const Format &f)
{
    std::string out;
    for (TaskType t : f.tasks)
        out += (out.empty() ? "" : ", ") + std::string(taskInfo(t).id);
    return out;
}

} // namespace

int importWithFormat(const QCommandLineParser &p, const FormatArgs &a)
{
    auto format = formatOf(p, a);
    if (!format)
        return report(format.error());
    if (!(*format)->read)
        return report(Error::invalid((*format)->name + " cannot be imported"));
    auto settings = settingsOf(p, a);
    if (!settings)
        return report(settings.error());
    if (auto r = (*format)->check(*settings); !r)
        return report(r.error());
    auto store = openProject(p.positionalArguments().at(0));
    if (!store)
        return report(store.error());
    FormatImportOptions opt;
    opt.job = str(p.value(a.job));
    opt.addClasses = p.isSet(a.addClasses);
    opt.settings = *settings;
    opt.skipBad = p.isSet(QStringLiteral("skip-bad"));
    opt.checkMedia = !p.isSet(QStringLiteral("no-media-check"));
    opt.replace = p.isSet(replaceOption());
    opt.keepDuplicates = p.isSet(keepDuplicatesOption());
    int worst = ExitOk;
    for (const QString &path : p.positionalArguments().mid(1)) {
        Progress progress("importing " + str(path));
        opt.progress = std::ref(progress);
        auto r = (*format)->import(**store, str(path), opt);
        if (!r) {
            worst = report(r.error());
            continue;
        }
        printImportReport(str(path), *r, p.isSet(jsonOption()));
    }
    return worst;
}

namespace {

void printVersionLine(const DatasetVersion &v)
{
    json::Value lineage, settings;
    json::parse(v.lineage, lineage);
    json::parse(v.settings, settings);
    std::string labels;
    if (const json::Value *l = lineage.find("labels"); l && l->isObject())
        for (const auto &[source, n] : l->toObject())
            labels += (labels.empty() ? "" : ", ") + json::toString(n) + " " + source;
    const json::Value *format = settings.find("format");
    std::string written;
    for (const std::string &path : versionOutputs(v))
        written += (written.empty() ? "  written to " : ", ") + path;
    std::printf("version %lld  %s  %s  %lld items  %s  sha256 %.12s%s%s%s\n", static_cast<long long>(v.id),
                QDateTime::fromMSecsSinceEpoch(v.createdUs / 1000, Qt::UTC).toString(Qt::ISODate).toUtf8().constData(),
                format ? format->toString().c_str() : "?", static_cast<long long>(v.items),
                labels.empty() ? "no labels" : labels.c_str(), v.contentHash.c_str(), v.name.empty() ? "" : "  ",
                v.name.c_str(), written.c_str());
}

} // namespace

int cmdExport(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption out({QStringLiteral("o"), QStringLiteral("out")},
                                 QStringLiteral("The file or folder to write: a new one, or an empty folder (an "
                                                "earlier export's with --overwrite). It appears whole or not at all."),
                                 QStringLiteral("path"));
    const QCommandLineOption version(QStringLiteral("version"),
                                     QStringLiteral("Write a recorded dataset version again, byte for byte (gw versions "
                                                    "lists them); its format and settings are the version's."),
                                     QStringLiteral("id"));
    const QCommandLineOption name(QStringLiteral("name"), QStringLiteral("A name for the version this export records."),
                                  QStringLiteral("text"));
    const FormatArgs a(true);
    p.addOptions({out, version, name, overwriteOption(), jsonOption()});
    a.add(p);
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT --out PATH [--format ID --job NAME]"),
                   QStringLiteral("Write labels in a dataset format (gw formats lists them) and record the export as a "
                                  "dataset version (gw versions). The default, a Ground Truth augmented manifest, has "
                                  "one line per item in import order with the kept keys and a label attribute plus "
                                  "'-metadata' per job; segmentation masks are written beside it in <name>.masks/. "
                                  "Other formats write one job's labeled items."),
                   1, code))
        return code;
    if (!p.isSet(out))
        return usageError(p, "--out is required");
    auto store = openProject(p.positionalArguments().at(0));
    if (!store)
        return report(store.error());
    const std::string outPath = str(p.value(out));
    Progress progress("exporting " + outPath);
    Result<ExportOutcome> r;
    if (p.isSet(version)) {
        bool ok = false;
        const int64_t id = p.value(version).toLongLong(&ok);
        if (!ok)
            return usageError(p, "--version takes a version number");
        r = exportVersion(**store, id, outPath, std::ref(progress), p.isSet(overwriteOption()));
    } else {
        auto format = formatOf(p, a);
        if (!format)
            return report(format.error());
        const bool manifest = (*format)->id == "groundtruth";
        const QStringList jobs = p.values(a.job);
        if (!manifest && jobs.size() != 1)
            return usageError(p, (*format)->name + " holds one job's labels: give --job once");
        auto settings = settingsOf(p, a);
        if (!settings)
            return report(settings.error());
        DatasetExport request;
        request.format = (*format)->id;
        for (const QString &j : jobs)
            request.jobs.push_back(str(j));
        request.versionName = str(p.value(name));
        request.overwrite = p.isSet(overwriteOption());
        request.options.outPath = outPath;
        request.options.settings = *settings;
        request.options.onlyLabeled = manifest ? p.isSet(a.onlyLabeled) : !p.isSet(a.includeUnlabeled);
        for (const QString &s : p.value(a.split).split(QLatin1Char(','), Qt::SkipEmptyParts))
            request.options.splits.push_back(str(s.trimmed()));
        if (p.isSet(a.augment)) {
            auto spec = AugmentOptions::parse(str(p.value(a.augment)));
            if (!spec)
                return report(spec.error());
            request.options.augment = *spec;
        }
        request.options.progress = std::ref(progress);
        r = exportDataset(**store, request);
    }
    if (!r)
        return report(r.error());
    if (p.isSet(jsonOption())) {
        json::Object o;
        o.set("path", outPath);
        o.set("version", r->version.id);
        o.set("sha256", r->version.contentHash);
        o.set("lines", r->report.lines);
        o.set("labels", r->report.labels);
        o.set("masks_written", r->report.masksWritten);
        printJson(json::Value(std::move(o)));
    } else {
        std::printf("wrote %s: %lld items, %lld labels\n", outPath.c_str(), static_cast<long long>(r->report.lines),
                    static_cast<long long>(r->report.labels));
        printVersionLine(r->version);
    }
    return ExitOk;
}

int cmdVersions(const QStringList &args)
{
    QCommandLineParser p;
    p.addOption(jsonOption());
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT"),
                   QStringLiteral("The dataset versions: every export with its content hash, settings and lineage "
                                  "(jobs, human / auto / imported labels, automated-labeling runs). gw export "
                                  "--version V writes one again."),
                   1, code))
        return code;
    auto store = openProject(p.positionalArguments().at(0));
    if (!store)
        return report(store.error());
    if (auto settled = settlePendingVersions(**store); !settled)
        return report(settled.error());
    auto versions = (*store)->datasetVersions();
    if (!versions)
        return report(versions.error());
    for (const DatasetVersion &v : *versions) {
        if (!p.isSet(jsonOption())) {
            printVersionLine(v);
            continue;
        }
        json::Object o;
        o.set("id", v.id);
        o.set("name", v.name);
        o.set("sha256", v.contentHash);
        o.set("created_us", v.createdUs);
        o.set("items", v.items);
        json::Array outputs;
        for (const std::string &path : versionOutputs(v))
            outputs.emplace_back(path);
        o.set("outputs", std::move(outputs));
        json::Value settings, lineage;
        json::parse(v.settings, settings);
        json::parse(v.lineage, lineage);
        o.set("settings", settings);
        o.set("lineage", lineage);
        printJson(json::Value(std::move(o)));
    }
    return ExitOk;
}

int cmdFormats(const QStringList &args)
{
    QCommandLineParser p;
    p.addOption(jsonOption());
    int code = 0;
    if (!parseArgs(p, args, QString(), QStringLiteral("The dataset formats gw export and gw import --format know."), 0,
                   code))
        return code;
    for (const Format &f : allFormats()) {
        if (p.isSet(jsonOption())) {
            json::Object o;
            o.set("id", f.id);
            o.set("name", f.name);
            o.set("description", f.description);
            json::Array tasks, options;
            for (TaskType t : f.tasks)
                tasks.emplace_back(std::string(taskInfo(t).id));
            for (const FormatOption &x : f.options) {
                json::Object opt;
                opt.set("key", x.key);
                opt.set("description", x.description);
                opt.set("default", x.defaultValue);
                json::Array choices;
                for (const std::string &c : x.choices)
                    choices.emplace_back(c);
                opt.set("choices", std::move(choices));
                options.emplace_back(std::move(opt));
            }
            o.set("tasks", std::move(tasks));
            o.set("options", std::move(options));
            o.set("import", bool(f.read));
            o.set("export", bool(f.write));
            o.set("folder", f.writesFolder);
            printJson(json::Value(std::move(o)));
            continue;
        }
        std::printf("%-14s %s (%s%s%s)\n", f.id.c_str(), f.name.c_str(), f.read ? "import" : "",
                    f.read && f.write ? ", " : "", f.write ? (f.writesFolder ? "export to a folder" : "export") : "");
        std::printf("%-14s   %s\n", "", f.description.c_str());
        std::printf("%-14s   tasks: %s\n", "", taskList(f).c_str());
        for (const FormatOption &x : f.options) {
            std::string choices;
            for (const std::string &c : x.choices)
                choices += (choices.empty() ? "" : "|") + c;
            std::printf("%-14s   --option %s=%s  %s (default %s)\n", "", x.key.c_str(),
                        choices.empty() ? "VALUE" : choices.c_str(), x.description.c_str(), x.defaultValue.c_str());
        }
    }
    return ExitOk;
}

int cmdSplit(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption job(QStringLiteral("job"),
                                 QStringLiteral("Stratify by this job's labels (its classes, label sets or the classes "
                                                "present), and split only its kind of items."),
                                 QStringLiteral("name"));
    const QCommandLineOption ratios(QStringLiteral("ratios"),
                                    QStringLiteral("Train, validation and test shares (default 0.8,0.1,0.1)."),
                                    QStringLiteral("t,v,t"), QStringLiteral("0.8,0.1,0.1"));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Random seed (default 1)."), QStringLiteral("n"),
                                  QStringLiteral("1"));
    const QCommandLineOption groupBy(QStringLiteral("group-by"),
                                     QStringLiteral("Keep groups together: 'folder' (an image's folder) or 'field:NAME' "
                                                    "(a key of the items' manifest lines)."),
                                     QStringLiteral("key"));
    const QCommandLineOption keep(QStringLiteral("keep-existing"),
                                  QStringLiteral("Only assign items that have no split yet."));
    p.addOptions({job, ratios, seed, groupBy, keep, workerOption(), jsonOption()});
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT"),
                   QStringLiteral("Assign items to train, validation and test splits: by ratio, stratified by class, "
                                  "grouped by a key so near-copies stay together, reproducible from the seed. "
                                  "Exports honour the splits (gw export --split, split folders)."),
                   1, code))
        return code;
    SplitOptions o;
    const QStringList parts = p.value(ratios).split(QLatin1Char(','));
    bool ok = parts.size() == 3;
    for (int i = 0; ok && i < 3; ++i)
        o.ratios[size_t(i)] = parts[i].toDouble(&ok);
    if (!ok)
        return usageError(p, "--ratios takes three numbers: train,validation,test");
    o.seed = p.value(seed).toULongLong(&ok);
    if (!ok)
        return usageError(p, "--seed takes a whole number");
    o.job = str(p.value(job));
    o.keepExisting = p.isSet(keep);
    o.author = workerOf(p);
    if (p.isSet(groupBy)) {
        const QString g = p.value(groupBy);
        if (g == QStringLiteral("folder")) {
            o.groupBy = SplitOptions::GroupBy::Folder;
        } else if (g.startsWith(QStringLiteral("field:")) && g.size() > 6) {
            o.groupBy = SplitOptions::GroupBy::Field;
            o.field = str(g.mid(6));
        } else {
            return usageError(p, "--group-by takes 'folder' or 'field:NAME'");
        }
    }
    auto store = openProject(p.positionalArguments().at(0));
    if (!store)
        return report(store.error());
    auto r = assignSplits(**store, o);
    if (!r)
        return report(r.error());
    if (p.isSet(jsonOption())) {
        json::Object out;
        for (size_t s = 0; s < kSplitNames.size(); ++s)
            out.set(kSplitNames[s], r->items[s]);
        out.set("groups", r->groups);
        json::Object strata;
        for (const auto &[name, n] : r->strata)
            strata.set(name, json::Array{json::Value(n[0]), json::Value(n[1]), json::Value(n[2])});
        out.set("strata", std::move(strata));
        printJson(json::Value(std::move(out)));
        return ExitOk;
    }
    std::printf("train %lld, validation %lld, test %lld items (%lld groups)\n", static_cast<long long>(r->items[0]),
                static_cast<long long>(r->items[1]), static_cast<long long>(r->items[2]),
                static_cast<long long>(r->groups));
    if (!o.job.empty()) {
        std::printf("\n%-32s %8s %10s %8s\n", "stratum", "train", "validation", "test");
        for (const auto &[name, n] : r->strata)
            std::printf("%-32s %8lld %10lld %8lld\n", name.c_str(), static_cast<long long>(n[0]),
                        static_cast<long long>(n[1]), static_cast<long long>(n[2]));
    }
    return ExitOk;
}

int cmdEda(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption job(QStringLiteral("job"), QStringLiteral("The job whose labels to describe (default: "
                                                                       "items only)."),
                                 QStringLiteral("name"));
    const QCommandLineOption bins(QStringLiteral("bins"), QStringLiteral("Histogram bins (default 20)."),
                                  QStringLiteral("n"), QStringLiteral("20"));
    const QCommandLineOption images(QStringLiteral("images"),
                                    QStringLiteral("Also decode the images (once; kept in NAME.cache): brightness, "
                                                   "contrast, unreadable files and near-duplicate groups."));
    const QCommandLineOption distance(QStringLiteral("max-distance"),
                                      QStringLiteral("Near-duplicates: hashes at most this many bits apart (0-7, "
                                                     "default 4)."),
                                      QStringLiteral("bits"), QStringLiteral("4"));
    const QCommandLineOption out(QStringLiteral("out"),
                                 QStringLiteral("Write a self-contained HTML report (charts, tables, near-duplicate "
                                                "thumbnails; with --images the pixel figures too)."),
                                 QStringLiteral("report.html"));
    const QCommandLineOption model(QStringLiteral("model"),
                                   QStringLiteral("Also train a model on people's labels, k-fold, to list suspected "
                                                  "label errors (items it contradicts with confidence) and map the "
                                                  "items by its class scores (single-label classification)."));
    p.addOptions({job, bins, images, distance, model, out, overwriteOption(), jsonOption()});
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT [--job NAME]"),
                   QStringLiteral("Exploratory statistics: class balance by source and split, labels per item, box "
                                  "sizes and centres, mask pixel shares, image sizes, text lengths and each class's "
                                  "characteristic words, auto-label confidence, automated-labeling rounds, "
                                  "annotators and their agreement. --json prints every figure."),
                   1, code))
        return code;
    auto store = openProject(p.positionalArguments().at(0));
    if (!store)
        return report(store.error());
    const OutputRules outputRules = outputRulesFor(**store, p.isSet(overwriteOption()));
    if (p.isSet(out))
        if (auto allowed = checkTarget(str(p.value(out)), false, outputRules); !allowed)
            return report(allowed.error()); // before any work
    EdaOptions o;
    o.job = str(p.value(job));
    bool ok = false;
    o.bins = p.value(bins).toInt(&ok);
    if (!ok || o.bins < 1 || o.bins > 1000)
        return usageError(p, "--bins takes a number from 1 to 1000");
    Progress progress("computing statistics");
    o.progress = std::ref(progress);
    auto r = computeEda(**store, o);
    if (!r)
        return report(r.error());
    std::optional<ImageStats> pixels;
    if (p.isSet(images)) {
        ImageStatsOptions io;
        io.maxDistance = p.value(distance).toInt(&ok);
        if (!ok || io.maxDistance < 0 || io.maxDistance > 7)
            return usageError(p, "--max-distance takes 0 to 7");
        Progress decoding("reading images");
        io.progress = std::ref(decoding);
        auto s = computeImageStats(**store, io);
        if (!s)
            return report(s.error());
        pixels = std::move(*s);
    }
    std::optional<activelearning::ModelInsights> insights;
    if (p.isSet(model)) {
        if (o.job.empty())
            return usageError(p, "--model needs --job");
        auto j = (*store)->job(o.job);
        if (!j)
            return report(j.error());
        Progress training("training (folds)");
        activelearning::InsightOptions io;
        io.progress = std::ref(training);
        auto m = activelearning::modelInsights(**store, *j, io);
        if (!m)
            return report(m.error());
        insights = std::move(*m);
    }
    if (p.isSet(out)) {
        const std::string file = str(p.value(out));
        if (auto w = ui::writeEdaReport(file, **store, *r, pixels ? &*pixels : nullptr, insights ? &*insights : nullptr,
                                        outputRules.overwrite);
            !w)
            return report(w.error());
        std::fprintf(stderr, "gw: wrote %s\n", file.c_str());
    }
    if (p.isSet(jsonOption())) {
        json::Value v = toJson(*r);
        if (pixels) {
            std::vector<double> brightness, contrast;
            for (const ImageFigures &f : pixels->images)
                if (!f.unreadable) {
                    brightness.push_back(f.brightness);
                    contrast.push_back(f.contrast);
                }
            json::Object px;
            px.set("brightness", toJson(Histogram::of(brightness, o.bins)));
            px.set("contrast", toJson(Histogram::of(contrast, o.bins)));
            px.set("unreadable", pixels->unreadable);
            px.set("decoded", pixels->decoded);
            json::Array groups;
            for (const auto &g : pixels->duplicateGroups) {
                json::Array ids;
                for (int64_t id : g)
                    ids.emplace_back(id);
                groups.emplace_back(std::move(ids));
            }
            px.set("duplicate_groups", std::move(groups));
            v.object().set("images", std::move(px));
        }
        if (insights) {
            json::Object m;
            m.set("folds", int64_t(insights->folds));
            m.set("out_of_fold_accuracy", insights->outOfFoldAccuracy);
            json::Array suspects;
            for (const activelearning::SuspectedError &e : insights->suspects) {
                json::Object x;
                x.set("item", e.itemId);
                x.set("given", int64_t(e.given));
                x.set("predicted", int64_t(e.predicted));
                x.set("confidence", e.confidence);
                suspects.emplace_back(std::move(x));
            }
            m.set("suspects", std::move(suspects));
            m.set("explained", json::Array{json::Value(insights->explained[0]), json::Value(insights->explained[1])});
            v.object().set("model", std::move(m));
        }
        printJson(v);
        return ExitOk;
    }
    if (insights) {
        std::printf("model (%d folds, out of fold): agrees with people on %.1f%% of the labeled items; suspected "
                    "label errors, most confident first:\n",
                    insights->folds, 100 * insights->outOfFoldAccuracy);
        auto j = (*store)->job(o.job);
        for (size_t k = 0; k < insights->suspects.size() && k < 15; ++k) {
            const activelearning::SuspectedError &e = insights->suspects[k];
            auto item = (*store)->item(e.itemId);
            const LabelClass *given = j->classById(e.given), *predicted = j->classById(e.predicted);
            std::string what = item ? (item->kind == MediaKind::Text ? item->text.substr(0, 60) : item->uri) : "?";
            std::printf("  item %lld  %s → %s (%.3f)  %s\n", static_cast<long long>(e.itemId),
                        given ? given->name.c_str() : "?", predicted ? predicted->name.c_str() : "?", e.confidence,
                        what.c_str());
        }
    }
    if (pixels) {
        int64_t copies = 0;
        for (const auto &g : pixels->duplicateGroups)
            copies += int64_t(g.size()) - 1;
        std::printf("images: %lld decoded now, %lld from the cache, %lld unreadable; %zu near-duplicate groups "
                    "(%lld images that repeat another) (%.2f s)\n",
                    static_cast<long long>(pixels->decoded),
                    static_cast<long long>(int64_t(pixels->images.size()) - pixels->decoded),
                    static_cast<long long>(pixels->unreadable), pixels->duplicateGroups.size(),
                    static_cast<long long>(copies), pixels->seconds);
        for (size_t g = 0; g < pixels->duplicateGroups.size() && g < 10; ++g) {
            const auto &group = pixels->duplicateGroups[g];
            std::string line;
            for (size_t k = 0; k < group.size() && k < 4; ++k)
                if (auto item = (*store)->item(group[k]))
                    line += (line.empty() ? "" : "  ") + item->uri;
            if (group.size() > 4)
                line += "  and " + std::to_string(group.size() - 4) + " more";
            std::printf("  %s\n", line.c_str());
        }
    }
    std::printf("%lld items, %lld labeled in job '%s'; %lld missing or unreadable (%.2f s)\n",
                static_cast<long long>(r->items), static_cast<long long>(r->labelled), r->job.c_str(),
                static_cast<long long>(r->flagged), r->seconds);
    if (!r->classes.empty()) {
        std::printf("\n%-24s %8s %8s %8s %8s %8s %8s\n", "class", "items", "human", "auto", "train", "val", "test");
        for (const ClassBalance &c : r->classes) {
            auto get = [](const std::map<std::string, int64_t> &m, const char *k) {
                auto it = m.find(k);
                return static_cast<long long>(it == m.end() ? 0 : it->second);
            };
            std::printf("%-24s %8lld %8lld %8lld %8lld %8lld %8lld\n", c.name.c_str(), static_cast<long long>(c.items),
                        get(c.bySource, "human") + get(c.bySource, "imported") + get(c.bySource, "consolidated"),
                        get(c.bySource, "auto"), get(c.bySplit, "train"), get(c.bySplit, "validation"),
                        get(c.bySplit, "test"));
        }
    }
    if (r->labelsPerItem.total)
        std::printf("\nlabels per item: mean %.2f (%g to %g)\n", r->labelsPerItem.mean, r->labelsPerItem.lowest,
                    r->labelsPerItem.highest);
    if (r->boxWidth.total)
        std::printf("boxes: %lld, mean %.1f × %.1f px\n", static_cast<long long>(r->boxWidth.total), r->boxWidth.mean,
                    r->boxHeight.mean);
    if (r->textLength.total)
        std::printf("text length: mean %.1f characters (%g to %g)\n", r->textLength.mean, r->textLength.lowest,
                    r->textLength.highest);
    for (const auto &[cls, words] : r->characteristicWords) {
        std::string list;
        for (const auto &[w, z] : words)
            list += (list.empty() ? "" : ", ") + w;
        std::printf("%s: %s\n", cls.c_str(), list.c_str());
    }
    for (const AnnotatorStats &a : r->annotators)
        std::printf("annotator %s: %lld labels, %.1f per hour\n", a.name.c_str(), static_cast<long long>(a.labels),
                    a.itemsPerHour);
    if (r->itemsLabelledTwice) {
        std::printf("agreement: all answers the same on %.1f%% of %lld items answered by two people or more",
                    100 * r->agreement, static_cast<long long>(r->itemsLabelledTwice));
        if (r->alpha)
            std::printf("; Krippendorff's alpha %.3f", *r->alpha);
        if (r->kappa)
            std::printf("; Fleiss' kappa %.3f", *r->kappa);
        if (r->pairwise && !r->alpha)
            std::printf("; %s between two answers %.3f on average", r->agreementMeasure.c_str(), *r->pairwise);
        std::printf("; %lld items below half\n", static_cast<long long>(r->lowAgreement));
    }
    return ExitOk;
}

int cmdSetAside(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption item(QStringLiteral("item"), QStringLiteral("An item to set aside (repeatable)."),
                                  QStringLiteral("id"));
    const QCommandLineOption restore(QStringLiteral("restore"), QStringLiteral("Bring the items back instead."));
    p.addOptions({item, restore, workerOption()});
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT --item N [--item N ...] [--restore]"),
                   QStringLiteral("Take items out of the dataset (near-duplicates, out-of-scope media) without "
                                  "deleting anything: set-aside items are not exported and not used by automated "
                                  "labeling; --restore brings them back. Recorded in the change log."),
                   1, code))
        return code;
    if (!p.isSet(item))
        return usageError(p, "--item is required");
    std::vector<int64_t> ids;
    for (const QString &v : p.values(item)) {
        bool ok = false;
        ids.push_back(v.toLongLong(&ok));
        if (!ok)
            return usageError(p, "--item takes an item id");
    }
    auto store = openProject(p.positionalArguments().at(0));
    if (!store)
        return report(store.error());
    auto r = setAside(**store, ids, workerOf(p), p.isSet(restore));
    if (!r)
        return report(r.error());
    std::printf("%s %lld items\n", p.isSet(restore) ? "restored" : "set aside", static_cast<long long>(*r));
    return ExitOk;
}

} // namespace gw::cli

// gw job ..., label, history, changes.

#include "app/cli/cli.h"

#include "datasets/review.h"
#include "datasets/convertjob.h"
#include "datasets/groundtruth.h"
#include "datasets/mask.h"
#include "datasets/payload.h"
#include "datasets/media.h"
#include "labeling/labeler.h"

#include <cstdio>

namespace gw::cli {

using namespace gw::datasets;

namespace {

QStringList splitList(const QString &s)
{
    QStringList out;
    for (const QString &part : s.split(QLatin1Char(',')))
        out << part.trimmed();
    return out;
}

/// gw job create --review-of / --verify-of / --adjust-of.
int chainedJobCreate(QCommandLineParser &p, const QCommandLineOption &name, const QCommandLineOption &parentOption,
                     JobKind kind, const QCommandLineOption &classes, const QCommandLineOption &instructions,
                     const QCommandLineOption &annotators)
{
    if (!p.isSet(name))
        return usageError(p, "--name is required");
    if (int(p.isSet(QStringLiteral("review-of"))) + int(p.isSet(QStringLiteral("verify-of")))
            + int(p.isSet(QStringLiteral("adjust-of")))
        > 1)
        return usageError(p, "give one of --review-of, --verify-of and --adjust-of");
    if (p.isSet(QStringLiteral("type")))
        return usageError(p, "a review, verification or adjustment job takes its task type from the job it works on");
    for (const char *option : {"colors", "keys", "allow-overlap"})
        if (p.isSet(QString::fromLatin1(option)))
            return usageError(p, std::string("--") + option + " is for labeling jobs (a chained job's classes come "
                                                               "from its verdicts or its parent)");
    auto store = openProject(p.positionalArguments().at(0));
    if (!store)
        return report(store.error());
    auto parent = (*store)->job(str(p.value(parentOption)));
    if (!parent)
        return report(parent.error());
    std::vector<std::string> verdicts;
    if (p.isSet(classes)) {
        if (kind != JobKind::Verification)
            return usageError(p, "--classes names the verdicts of a verification job only");
        for (const QString &c : splitList(p.value(classes)))
            verdicts.push_back(str(c));
    }
    auto job = review::chainedJob(kind, *parent, str(p.value(name)), verdicts);
    if (!job)
        return report(job.error());
    if (const std::string msg = validateLabelAttributeName(job->name, job->type); !msg.empty())
        return report(Error::invalid(msg));
    if (p.isSet(instructions))
        job->instructions = str(p.value(instructions));
    if (p.isSet(QStringLiteral("below"))) {
        bool okBelow = false;
        job->reviewBelow = p.value(QStringLiteral("below")).toDouble(&okBelow);
        if (!okBelow || job->reviewBelow <= 0 || job->reviewBelow > 1 || kind == JobKind::Adjustment)
            return usageError(p, "--below takes a confidence above 0 and at most 1, for review and verification jobs");
    }
    bool ok = false;
    job->annotatorsPerItem = p.value(annotators).toInt(&ok);
    if (!ok || job->annotatorsPerItem < 1 || job->annotatorsPerItem > 9)
        return usageError(p, "--annotators must be 1-9");
    auto created = (*store)->createJob(*job);
    if (!created)
        return report(created.error());
    std::printf("created %s job '%s' of job '%s' (%zu %s)\n", std::string(jobKindName(kind)).c_str(),
                created->name.c_str(), parent->name.c_str(), created->classes.size(),
                created->givesVerdicts() ? "verdicts" : "classes");
    return ExitOk;
}

int jobCreate(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption name(QStringLiteral("name"),
                                  QStringLiteral("The label attribute name (Ground Truth rules: letters, digits, "
                                                 "hyphens; '-ref' at the end for segmentation only)."),
                                  QStringLiteral("name"));
    QString types;
    for (const TaskInfo &t : allTasks())
        types += (types.isEmpty() ? QString() : QStringLiteral(", ")) + QString::fromUtf8(t.id.data(), qsizetype(t.id.size()));
    const QCommandLineOption type(QStringLiteral("type"), QStringLiteral("Task type: ") + types + QStringLiteral("."),
                                  QStringLiteral("type"));
    const QCommandLineOption classes(QStringLiteral("classes"), QStringLiteral("Class names, comma-separated, in "
                                                                               "Ground Truth index order."),
                                     QStringLiteral("a,b,c"));
    const QCommandLineOption colors(QStringLiteral("colors"), QStringLiteral("Colours #rrggbb, comma-separated "
                                                                             "(default: category10)."),
                                    QStringLiteral("list"));
    const QCommandLineOption keys(QStringLiteral("keys"), QStringLiteral("Shortcut keys, comma-separated "
                                                                         "(default: 1-9, 0 for the first ten)."),
                                  QStringLiteral("list"));
    const QCommandLineOption instructions(QStringLiteral("instructions"), QStringLiteral("Instructions for annotators."),
                                          QStringLiteral("text"));
    const QCommandLineOption annotators(QStringLiteral("annotators"), QStringLiteral("Annotators per item (1-9)."),
                                        QStringLiteral("n"), QStringLiteral("1"));
    const QCommandLineOption overlap(QStringLiteral("allow-overlap"),
                                     QStringLiteral("Named entities: spans may overlap."));
    const QCommandLineOption reviewOf(QStringLiteral("review-of"),
                                      QStringLiteral("A review job of another job: each of its labels is accepted or "
                                                     "rejected with a reason (rejected items go back to that job)."),
                                      QStringLiteral("job"));
    const QCommandLineOption verifyOf(QStringLiteral("verify-of"),
                                      QStringLiteral("Ground Truth label verification of a bounding-box or segmentation "
                                                     "job; --classes are the verdicts (default correct,incorrect)."),
                                      QStringLiteral("job"));
    const QCommandLineOption adjustOf(QStringLiteral("adjust-of"),
                                      QStringLiteral("Ground Truth label adjustment of a bounding-box or segmentation "
                                                     "job: its labels are edited starting from that job's."),
                                      QStringLiteral("job"));
    const QCommandLineOption below(QStringLiteral("below"),
                                   QStringLiteral("Review or verification: only the labels with a confidence below "
                                                  "this (0-1), i.e. consolidated labels whose workers agree little and "
                                                  "automatic labels the model is unsure of."),
                                   QStringLiteral("confidence"));
    p.addOptions({name, type, classes, colors, keys, instructions, annotators, overlap, reviewOf, verifyOf, adjustOf,
                  below});
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT --name NAME --type TYPE --classes a,b,c"),
                   QStringLiteral("Define a labeling job, or a review, verification or adjustment job of one."), 1, code))
        return code;
    if (p.isSet(reviewOf) || p.isSet(verifyOf) || p.isSet(adjustOf))
        return chainedJobCreate(p, name, p.isSet(reviewOf) ? reviewOf : p.isSet(verifyOf) ? verifyOf : adjustOf,
                                p.isSet(reviewOf) ? JobKind::Review
                                                  : p.isSet(verifyOf) ? JobKind::Verification : JobKind::Adjustment,
                                classes, instructions, annotators);
    if (!p.isSet(name) || !p.isSet(type) || !p.isSet(classes))
        return usageError(p, "--name, --type and --classes are required");
    Job job;
    job.name = str(p.value(name));
    const auto t = taskFromId(str(p.value(type)));
    if (!t)
        return usageError(p, "unknown task type '" + str(p.value(type)) + "'");
    job.type = *t;
    if (const std::string msg = validateLabelAttributeName(job.name, job.type); !msg.empty())
        return report(Error::invalid(msg));
    const QStringList names = splitList(p.value(classes));
    const QStringList colorList = p.isSet(colors) ? splitList(p.value(colors)) : QStringList();
    const QStringList keyList = p.isSet(keys) ? splitList(p.value(keys)) : QStringList();
    if (!colorList.isEmpty() && colorList.size() != names.size())
        return usageError(p, "--colors needs one colour per class");
    if (!keyList.isEmpty() && keyList.size() != names.size())
        return usageError(p, "--keys needs one key per class");
    for (int i = 0; i < names.size(); ++i) {
        LabelClass c;
        c.id = i;
        c.name = str(names[i]);
        if (c.name.empty())
            return report(Error::invalid("class " + std::to_string(i + 1) + " has an empty name"));
        if (c.name.size() > 256)
            return report(Error::invalid("class '" + c.name.substr(0, 20) + "...' is longer than 256 characters"));
        if (job.classByName(c.name))
            return report(Error::invalid("class '" + c.name + "' is listed twice"));
        if (const std::string problem = classNameProblem(c.name, job.type); !problem.empty())
            return report(Error::invalid(problem));
        c.color = colorList.isEmpty() ? defaultClassColor(i) : str(colorList[i]);
        if (!mask::parseHexColor(c.color))
            return report(Error::invalid("colour '" + c.color + "' is not #rrggbb"));
        c.shortcut = keyList.isEmpty() ? std::string() : str(keyList[i]); // defaults once every class is in
        for (const LabelClass &other : job.classes)
            if (!c.shortcut.empty() && other.shortcut == c.shortcut)
                return report(Error::invalid("key '" + c.shortcut + "' is given to both '" + other.name + "' and '"
                                             + c.name + "'"));
        job.classes.push_back(c);
    }
    if (job.classes.size() < 2 && (job.type == TaskType::ImageClassification || job.type == TaskType::TextClassification))
        return report(Error::invalid("a single-label classification job needs at least two classes"));
    if ((job.type == TaskType::SemanticSegmentation || job.type == TaskType::InstanceSegmentation)
        && job.classes.size() > 255)
        return report(Error::invalid("a segmentation job has at most 255 classes (8-bit masks)"));
    if (keyList.isEmpty())
        assignDefaultKeys(job.classes);
    job.instructions = str(p.value(instructions));
    bool ok = false;
    job.annotatorsPerItem = p.value(annotators).toInt(&ok);
    if (!ok || job.annotatorsPerItem < 1 || job.annotatorsPerItem > 9)
        return usageError(p, "--annotators must be 1-9");
    job.allowOverlap = p.isSet(overlap);
    auto store = openProject(p.positionalArguments().at(0));
    if (!store)
        return report(store.error());
    auto created = (*store)->createJob(job);
    if (!created)
        return report(created.error());
    std::printf("created job '%s' (%s, %zu classes)\n", created->name.c_str(),
                std::string(taskInfo(created->type).id).c_str(), created->classes.size());
    return ExitOk;
}

int jobConvert(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption from(QStringLiteral("from"), QStringLiteral("The job whose labels to convert."),
                                  QStringLiteral("job"));
    const QCommandLineOption to(QStringLiteral("to"), QStringLiteral("The new job's name."), QStringLiteral("name"));
    const QCommandLineOption type(QStringLiteral("type"),
                                  QStringLiteral("The new job's type: semantic-segmentation or bounding-box from an "
                                                 "instance-segmentation job; instance-segmentation from either."),
                                  QStringLiteral("type"));
    p.addOptions({from, to, type});
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT --from JOB --to NAME --type TYPE"),
                   QStringLiteral("A new job with another job's labels in another task type: objects become class "
                                  "masks (later objects on top) or their boxes; masks become an object per region of "
                                  "a class, boxes an object each. The classes and each label's provenance are "
                                  "kept; the new job appears with all its labels or not at all."),
                   1, code))
        return code;
    if (!p.isSet(from) || !p.isSet(to) || !p.isSet(type))
        return usageError(p, "--from, --to and --type are required");
    const auto target = taskFromId(str(p.value(type)));
    if (!target)
        return usageError(p, "unknown task type '" + str(p.value(type)) + "'");
    auto pj = openProjectAndJob(p.positionalArguments().at(0), p.value(from));
    if (!pj)
        return report(pj.error());
    Progress progress("converting");
    auto r = convertJob(*pj->store, pj->job, str(p.value(to)), *target, std::ref(progress));
    if (!r)
        return report(r.error());
    std::printf("job '%s' (%s): %lld labels from job '%s'\n", r->job.name.c_str(),
                std::string(taskInfo(r->job.type).id).c_str(), (long long)r->labels, pj->job.name.c_str());
    return ExitOk;
}

int jobList(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption asJson(QStringLiteral("json"), QStringLiteral("Print JSON."));
    p.addOption(asJson);
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT"), QStringLiteral("List the jobs and their classes."), 1, code))
        return code;
    auto store = openProject(p.positionalArguments().at(0));
    if (!store)
        return report(store.error());
    auto jobs = (*store)->jobs();
    if (!jobs)
        return report(jobs.error());
    json::Array out;
    for (const Job &j : *jobs) {
        if (!p.isSet(asJson)) {
            std::string type(taskInfo(j.type).id);
            for (const Job &parent : *jobs)
                if (parent.id == j.parentId && j.parentId)
                    type = std::string(jobKindName(j.kind)) + " of " + parent.name;
            std::printf("%s\t%s\t", j.name.c_str(), type.c_str());
            for (size_t i = 0; i < j.classes.size(); ++i)
                std::printf("%s%s", i ? "," : "", j.classes[i].name.c_str());
            std::printf("\n");
            continue;
        }
        json::Object o;
        o.set("name", j.name);
        o.set("type", std::string(taskInfo(j.type).id));
        o.set("kind", std::string(jobKindName(j.kind)));
        for (const Job &parent : *jobs)
            if (parent.id == j.parentId && j.parentId)
                o.set("parent", parent.name);
        o.set("annotators", j.annotatorsPerItem);
        o.set("allow_overlap", j.allowOverlap);
        json::Array classes;
        for (const LabelClass &c : j.classes) {
            json::Object co;
            co.set("name", c.name);
            co.set("color", c.color);
            co.set("key", c.shortcut);
            classes.emplace_back(std::move(co));
        }
        o.set("classes", std::move(classes));
        out.emplace_back(std::move(o));
    }
    if (p.isSet(asJson))
        printJson(json::Value(std::move(out)));
    return ExitOk;
}

int jobSet(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption job(QStringLiteral("job"), QStringLiteral("The job."), QStringLiteral("name"));
    const QCommandLineOption annotators(QStringLiteral("annotators"),
                                        QStringLiteral("How many people answer each item (1-9)."), QStringLiteral("N"));
    const QCommandLineOption instructions(QStringLiteral("instructions"), QStringLiteral("Instructions for annotators."),
                                          QStringLiteral("text"));
    p.addOptions({job, annotators, instructions, workerOption()});
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT --job NAME [--annotators N] [--instructions TEXT]"),
                   QStringLiteral("Change a job's annotators per item or instructions. Raising the annotators per "
                                  "item hands answered items out again for the answers they now lack. Recorded in "
                                  "the change log."),
                   1, code))
        return code;
    if (!p.isSet(job))
        return usageError(p, "--job is required");
    if (!p.isSet(annotators) && !p.isSet(instructions))
        return usageError(p, "say what to change: --annotators or --instructions");
    auto opened = openProjectAndJob(p.positionalArguments().at(0), p.value(job));
    if (!opened)
        return report(opened.error());
    Job j = opened->job;
    std::string detail;
    if (p.isSet(annotators)) {
        bool ok = false;
        const int n = p.value(annotators).toInt(&ok);
        if (!ok || n < 1 || n > 9)
            return usageError(p, "--annotators must be 1-9");
        detail = j.name + ": annotators per item " + std::to_string(j.annotatorsPerItem) + " -> " + std::to_string(n);
        j.annotatorsPerItem = n;
    }
    if (p.isSet(instructions)) {
        j.instructions = str(p.value(instructions));
        detail += (detail.empty() ? j.name + ": " : std::string("; ")) + "instructions changed";
    }
    auto tx = opened->store->begin();
    if (!tx)
        return report(tx.error());
    if (auto r = (*tx)->saveJob(j); !r)
        return report(r.error());
    if (auto r = (*tx)->commit(); !r)
        return report(r.error());
    if (auto r = opened->store->logChange(workerOf(p), "job changed", detail); !r)
        return report(r.error());
    std::printf("%s\n", detail.c_str());
    return ExitOk;
}

/// rename-class, edit-class, add-class, remove-class: all take --job and --class.
int jobClassCommand(const QString &which, const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption job(QStringLiteral("job"), QStringLiteral("The job."), QStringLiteral("name"));
    const QCommandLineOption cls(QStringLiteral("class"), QStringLiteral("The class."), QStringLiteral("name"));
    const QCommandLineOption to(QStringLiteral("to"), QStringLiteral("rename-class, edit-class: the new name."),
                                QStringLiteral("name"));
    const QCommandLineOption color(QStringLiteral("color"), QStringLiteral("add-class, edit-class: colour #rrggbb."),
                                   QStringLiteral("hex"));
    const QCommandLineOption key(QStringLiteral("key"),
                                 QStringLiteral("add-class, edit-class: shortcut key (edit-class: \"\" removes it)."),
                                 QStringLiteral("key"));
    const QCommandLineOption position(QStringLiteral("position"),
                                      QStringLiteral("edit-class: move the class to this place in the list, 1 first "
                                                     "(its Ground Truth class index becomes N-1)."),
                                      QStringLiteral("N"));
    const QCommandLineOption reassign(QStringLiteral("reassign-to"),
                                      QStringLiteral("remove-class: move its annotations to this class."),
                                      QStringLiteral("name"));
    const QCommandLineOption drop(QStringLiteral("drop"),
                                  QStringLiteral("remove-class: remove the class from its annotations."));
    p.addOptions({job, cls, to, color, key, position, reassign, drop, workerOption()});
    int code = 0;
    const QString description =
        which == QStringLiteral("rename-class")
            ? QStringLiteral("Rename a class; its annotations keep it.")
        : which == QStringLiteral("edit-class")
            ? QStringLiteral("Change a class's name, colour, key or place in the list; its annotations keep it. "
                             "The change is recorded (gw changes).")
        : which == QStringLiteral("add-class")
            ? QStringLiteral("Add a class at the end of the list (its index is the next free one).")
            : QStringLiteral("Remove a class. If annotations use it, say what happens to them: --reassign-to "
                             "another class, or --drop. The change is recorded (gw changes).");
    if (!parseArgs(p, args, QStringLiteral("PROJECT --job NAME --class NAME"), description, 1, code))
        return code;
    if (!p.isSet(job) || !p.isSet(cls))
        return usageError(p, "--job and --class are required");
    auto opened = openProjectAndJob(p.positionalArguments().at(0), p.value(job));
    if (!opened)
        return report(opened.error());
    auto *store = &opened->store;
    const Job *j = &opened->job;
    const std::string className = trimmedName(str(p.value(cls)));
    if (which == QStringLiteral("add-class")) {
        LabelClass c;
        c.name = className;
        c.color = str(p.value(color));
        c.shortcut = str(p.value(key));
        auto r = (*store)->addClass(j->id, c, workerOf(p));
        if (!r)
            return report(r.error());
        std::printf("added class '%s' to job '%s'\n", className.c_str(), j->name.c_str());
        return ExitOk;
    }
    const LabelClass *c = j->classByName(className);
    if (!c)
        return report(Error::invalid("unknown class '" + className + "' in job '" + j->name + "'"));
    if (which == QStringLiteral("rename-class")) {
        if (!p.isSet(to))
            return usageError(p, "--to is required");
        const std::string newName = trimmedName(str(p.value(to)));
        if (auto r = (*store)->renameClass(j->id, c->id, newName, workerOf(p)); !r)
            return report(r.error());
        std::printf("renamed class '%s' to '%s'\n", className.c_str(), newName.c_str());
        return ExitOk;
    }
    if (which == QStringLiteral("edit-class")) {
        ProjectStore::ClassEdit edit;
        if (p.isSet(to))
            edit.name = trimmedName(str(p.value(to)));
        if (p.isSet(color))
            edit.color = str(p.value(color));
        if (p.isSet(key))
            edit.shortcut = str(p.value(key));
        if (p.isSet(position)) {
            bool ok = false;
            const int n = p.value(position).toInt(&ok);
            if (!ok || n < 1 || n > int(j->classes.size()))
                return usageError(p, "--position must be a number from 1 to " + std::to_string(j->classes.size()));
            edit.position = n - 1;
        }
        if (!edit.name && !edit.color && !edit.shortcut && !edit.position)
            return usageError(p, "say what to change: --to, --color, --key or --position");
        if (auto r = (*store)->editClass(j->id, c->id, edit, workerOf(p)); !r)
            return report(r.error());
        std::printf("changed class '%s'\n", className.c_str());
        return ExitOk;
    }
    if (p.isSet(reassign) && p.isSet(drop))
        return usageError(p, "choose one of --reassign-to and --drop");
    std::optional<int> target;
    if (p.isSet(reassign)) {
        const LabelClass *t = j->classByName(str(p.value(reassign)));
        if (!t)
            return report(Error::invalid("unknown class '" + str(p.value(reassign)) + "'"));
        target = t->id;
    } else if (!p.isSet(drop)) {
        // Nothing cascades silently: a class in use needs an explicit choice.
        ItemFilter f;
        f.jobId = j->id;
        f.labeled = true;
        f.classId = c->id;
        auto used = (*store)->countItems(f);
        if (!used)
            return report(used.error());
        if (*used > 0 || j->type == TaskType::SemanticSegmentation)
            return report(Error::conflict("class '" + className + "' is used by " + std::to_string(*used)
                                          + " labeled items: choose --reassign-to CLASS or --drop"));
    }
    auto n = (*store)->removeClass(j->id, c->id, target, workerOf(p));
    if (!n)
        return report(n.error());
    std::printf("removed class '%s'; %lld annotations changed\n", className.c_str(), static_cast<long long>(*n));
    return ExitOk;
}

} // namespace

int cmdJob(const QStringList &args)
{
    const QString sub = args.size() > 1 ? args.at(1) : QString();
    const QStringList rest = QStringList{QStringLiteral("gw job ") + sub} + args.mid(2);
    if (sub == QStringLiteral("create"))
        return jobCreate(rest);
    if (sub == QStringLiteral("list"))
        return jobList(rest);
    if (sub == QStringLiteral("set"))
        return jobSet(rest);
    if (sub == QStringLiteral("convert"))
        return jobConvert(rest);
    if (sub == QStringLiteral("rename-class") || sub == QStringLiteral("add-class") || sub == QStringLiteral("edit-class")
        || sub == QStringLiteral("remove-class"))
        return jobClassCommand(sub, rest);
    std::fprintf(stderr, "usage: gw job <create|list|set|convert|add-class|rename-class|edit-class|remove-class> PROJECT ... "
                         "(--help on each for details)\n");
    return sub == QStringLiteral("--help") || sub == QStringLiteral("-h") ? ExitOk : ExitUsage;
}

int cmdLabel(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption job(QStringLiteral("job"), QStringLiteral("The job."), QStringLiteral("name"));
    const QCommandLineOption item(QStringLiteral("item"), QStringLiteral("The item id (see gw items)."),
                                  QStringLiteral("id"));
    const QCommandLineOption uri(QStringLiteral("uri"), QStringLiteral("The image, by path or stored URI."),
                                 QStringLiteral("path"));
    const QCommandLineOption cls(QStringLiteral("class"),
                                 QStringLiteral("Classification: a class (repeat, or comma-separate, for multi-label)."),
                                 QStringLiteral("name"));
    const QCommandLineOption box(QStringLiteral("box"), QStringLiteral("A box class,left,top,width,height in pixels "
                                                                       "(repeatable)."),
                                 QStringLiteral("spec"));
    const QCommandLineOption span(QStringLiteral("span"),
                                  QStringLiteral("An entity class,start,end in characters, end exclusive (repeatable)."),
                                  QStringLiteral("spec"));
    const QCommandLineOption maskFile(QStringLiteral("mask"),
                                      QStringLiteral("A segmentation mask PNG: palette or grey values (0 background, "
                                                     "k = k-th class), or the classes' colours."),
                                      QStringLiteral("png"));
    const QCommandLineOption clear(QStringLiteral("clear"), QStringLiteral("Remove the item's label."));
    const QCommandLineOption time(QStringLiteral("time-ms"), QStringLiteral("Time spent, recorded with the label."),
                                  QStringLiteral("ms"), QStringLiteral("0"));
    p.addOptions({job, item, uri, cls, box, span, maskFile, clear, workerOption(), time});
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT --job NAME (--item ID | --uri PATH) LABEL"),
                   QStringLiteral("Set (or --clear) the human label of one item. The previous label is kept in "
                                  "the item's history (gw history)."),
                   1, code))
        return code;
    if (!p.isSet(job) || p.isSet(item) == p.isSet(uri))
        return usageError(p, "--job and one of --item / --uri are required");
    auto opened = openProjectAndJob(p.positionalArguments().at(0), p.value(job));
    if (!opened)
        return report(opened.error());
    auto *store = &opened->store;
    const Job *j = &opened->job;
    Item it;
    if (p.isSet(item)) {
        bool ok = false;
        const qint64 id = p.value(item).toLongLong(&ok);
        if (!ok)
            return usageError(p, "--item needs a number");
        auto found = (*store)->item(id);
        if (!found)
            return report(found.error());
        it = *found;
    } else {
        const std::string given = str(p.value(uri));
        auto found = (*store)->itemByUri(given);
        if (found && !*found && !media::isUri(given))
            found = (*store)->itemByUri(media::storedUri((*store)->projectDir(), given));
        if (!found)
            return report(found.error());
        if (!*found)
            return report(Error::notFound("no item '" + given + "' in the project"));
        it = **found;
    }
    // In a work package, labels are the package's worker's unless --worker says otherwise.
    std::string worker = workerOf(p);
    if (!p.isSet(QStringLiteral("worker")))
        if (auto owner = (*store)->setting("package.worker"); owner && !owner->empty())
            worker = *owner;
    labeling::Labeler labeler(**store, worker);
    if (p.isSet(clear)) {
        if (auto r = labeler.clearLabel(*j, it); !r)
            return report(r.error());
        std::printf("cleared the label of item %lld in job '%s'\n", static_cast<long long>(it.id), j->name.c_str());
        return ExitOk;
    }
    labeling::LabelRequest req;
    for (const QString &c : p.values(cls))
        for (const QString &part : splitList(c))
            req.classes.push_back(str(part));
    for (const QString &b : p.values(box))
        req.boxes.push_back(str(b));
    for (const QString &s : p.values(span))
        req.spans.push_back(str(s));
    req.maskFile = str(p.value(maskFile));
    auto payload = labeling::buildPayload(*j, it, req, (*store)->projectDir());
    if (!payload)
        return report(payload.error());
    auto a = labeler.setLabel(*j, it, std::move(*payload), p.value(time).toLongLong());
    if (!a)
        return report(a.error());
    std::printf("labeled item %lld in job '%s'\n", static_cast<long long>(it.id), j->name.c_str());
    return ExitOk;
}

int cmdHistory(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption job(QStringLiteral("job"), QStringLiteral("The job."), QStringLiteral("name"));
    const QCommandLineOption item(QStringLiteral("item"), QStringLiteral("The item id."), QStringLiteral("id"));
    p.addOptions({job, item});
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT --job NAME --item ID"),
                   QStringLiteral("Every version of an item's label, oldest first: who, when, source."), 1, code))
        return code;
    if (!p.isSet(job) || !p.isSet(item))
        return usageError(p, "--job and --item are required");
    auto opened = openProjectAndJob(p.positionalArguments().at(0), p.value(job));
    if (!opened)
        return report(opened.error());
    auto *store = &opened->store;
    const Job *j = &opened->job;
    auto h = (*store)->history(j->id, p.value(item).toLongLong());
    if (!h)
        return report(h.error());
    for (const auto &e : *h) {
        const Annotation &a = e.annotation;
        // Undo and redo write a new version that names the one it brings back.
        std::string restored;
        json::Value extra;
        if (!a.extra.empty() && json::parse(a.extra, extra))
            if (const json::Value *r = extra.find("restored"); r && r->isObject()) {
                const json::Value *how = r->find("how"), *by = r->find("by"), *version = r->find("version");
                restored = "  (" + (how ? how->toString() : std::string("restored")) + " by "
                           + (by ? by->toString() : std::string("?"));
                for (const auto &older : *h)
                    if (version && older.annotation.id == version->toInt())
                        restored += ": the label of " + gt::formatCreationDate(older.annotation.provenance.createdUs)
                                    + " again";
                restored += ")";
            }
        std::string what;
        const json::Value *rejected = extra.find("rejected");
        if (e.deleted && rejected && rejected->isObject()) {
            const json::Value *by = rejected->find("by"), *reason = rejected->find("reason");
            what = "(sent back by " + (by ? by->toString() : std::string("?")) + ": "
                   + (reason ? reason->toString() : std::string()) + ")";
        } else if (e.deleted) {
            what = "(label removed)";
        } else {
            for (int id : payloadClassIds(a.payload))
                if (const LabelClass *c = j->classById(id))
                    what += (what.empty() ? "" : ",") + c->name;
            if (!a.payload.boxes.empty())
                what += " " + std::to_string(a.payload.boxes.size()) + " boxes";
            if (!a.payload.spans.empty())
                what += " " + std::to_string(a.payload.spans.size()) + " spans";
            if (!a.payload.mask.empty() || !a.payload.maskUri.empty())
                what += " mask";
        }
        std::printf("%s  %-12s %-10s %s%s%s\n", gt::formatCreationDate(a.provenance.createdUs).c_str(),
                    std::string(sourceName(a.provenance.source)).c_str(), a.provenance.author.c_str(), what.c_str(),
                    restored.c_str(), e.supersededUs ? "" : "  (current)");
    }
    return ExitOk;
}

int cmdChanges(const QStringList &args)
{
    QCommandLineParser p;
    int code = 0;
    if (!parseArgs(p, args, QStringLiteral("PROJECT"),
                   QStringLiteral("The project's change log: class renames and removals."), 1, code))
        return code;
    auto store = openProject(p.positionalArguments().at(0));
    if (!store)
        return report(store.error());
    auto changes = (*store)->changes();
    if (!changes)
        return report(changes.error());
    for (const auto &c : *changes)
        std::printf("%s  %-12s %-14s %s\n", gt::formatCreationDate(c.atUs).c_str(), c.author.c_str(), c.what.c_str(),
                    c.detail.c_str());
    return ExitOk;
}

} // namespace gw::cli

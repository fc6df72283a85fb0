#include "datasets/workpackage.h"

#include "datasets/json.h"
#include "datasets/media.h"
#include "datasets/output.h"

#include <filesystem>
#include <map>
#include <random>

namespace gw::datasets {

namespace fs = std::filesystem;

namespace {

std::string randomId()
{
    std::random_device rd;
    std::string id;
    static const char *hex = "0123456789abcdef";
    for (int i = 0; i < 32; ++i)
        id += hex[rd() % 16];
    return id;
}

/// The class ids an answer uses, for checking them against the project's job.
std::vector<int> classIdsOf(const Payload &p)
{
    std::vector<int> ids = p.classes;
    for (const Box &b : p.boxes)
        ids.push_back(b.classId);
    for (const Span &s : p.spans)
        ids.push_back(s.classId);
    return ids;
}

} // namespace

Result<std::string> projectId(ProjectStore &store)
{
    auto id = store.setting("project.id");
    if (!id)
        return fail(id.error());
    if (!id->empty())
        return *id;
    const std::string made = randomId();
    if (auto r = store.setSetting("project.id", made); !r)
        return fail(r.error());
    return made;
}

Result<PackageReport> makePackage(ProjectStore &store, const PackageRequest &request)
{
    if (request.worker.empty())
        return fail(Error::invalid("a work package is made for a named worker (--worker)"));
    if (request.items < 1 || request.items > 10000)
        return fail(Error::invalid("a work package holds 1 to 10,000 items"));
    auto job = store.job(request.job);
    if (!job)
        return fail(job.error());
    if (job->kind != JobKind::Labeling)
        return fail(Error::invalid("job '" + job->name + "' is a " + std::string(jobKindName(job->kind))
                                   + " job: work packages hold labeling jobs (a review needs the labels it reviews; "
                                     "review in the project itself)"));
    auto origin = projectId(store);
    if (!origin)
        return fail(origin.error());
    const std::string outPath = OutputSet::finalPath(request.out);
    OutputSet outputs(outputRulesFor(store, false));
    auto staged = outputs.addFile(outPath);
    if (!staged)
        return fail(staged.error());
    const std::string stem = fs::path(outPath).stem().string();
    const std::string mediaName = stem + "-media";
    std::string mediaDir;
    if (request.copyMedia && taskInfo(job->type).image) {
        auto folder = outputs.addFolder((fs::path(outPath).parent_path() / mediaName).string());
        if (!folder)
            return fail(folder.error());
        mediaDir = *folder;
    }
    // The work first, so that what the package holds is the worker's (the leases outlive a failure below,
    // and run out on their own).
    auto leases = store.takeWork(job->id, request.worker, request.items, request.leaseUs);
    if (!leases)
        return fail(leases.error());
    if (leases->empty())
        return fail(Error::notFound("no items of job '" + job->name + "' need answers from " + request.worker
                                    + ": every item has its answers or is being answered by others"));
    PackageReport report;
    report.path = outPath;
    report.id = randomId();
    // Should the package not be written, the items it took go back at once (not after the lease).
    std::vector<int64_t> taken;
    for (const Lease &l : *leases)
        taken.push_back(l.itemId);
    struct GiveBack
    {
        ProjectStore &store;
        int64_t job;
        const std::string &worker;
        const std::vector<int64_t> &items;
        bool done = false;
        ~GiveBack()
        {
            if (!done)
                (void)store.returnWork(job, worker, items);
        }
    } giveBack{store, job->id, request.worker, taken};
    {
        auto pkg = ProjectStore::open(*staged, ProjectStore::OpenMode::Create);
        if (!pkg)
            return fail(pkg.error());
        Job copy = *job;
        copy.id = 0;
        auto created = (*pkg)->createJob(copy);
        if (!created)
            return fail(created.error());
        auto tx = (*pkg)->begin();
        if (!tx)
            return fail(tx.error());
        json::Array origins;
        for (const Lease &l : *leases) {
            auto item = store.item(l.itemId);
            if (!item)
                return fail(item.error());
            Item copyItem = *item;
            copyItem.id = 0;
            copyItem.split.clear();
            copyItem.batch = 0;
            if (item->kind == MediaKind::Image && !item->uri.empty() && !media::isUri(item->uri)) {
                const std::string source = media::resolve(store.projectDir(), item->uri);
                if (!mediaDir.empty()) {
                    const std::string name = std::to_string(item->id) + "-" + fs::path(source).filename().string();
                    std::error_code ec;
                    fs::copy_file(source, fs::path(mediaDir) / name, ec);
                    if (ec)
                        return fail(Error::io(source + ": cannot copy into the package: " + ec.message()));
                    copyItem.uri = mediaName + "/" + name;
                    ++report.copied;
                } else {
                    copyItem.uri = source; // where it is: the package refers to the project's media
                }
            }
            if (auto r = (*tx)->addItem(copyItem); !r)
                return fail(r.error());
            origins.emplace_back(item->id);
        }
        if (auto r = (*tx)->commit(); !r)
            return fail(r.error());
        for (const auto &[key, value] : std::vector<std::pair<std::string, std::string>>{
                 {"package.id", report.id},
                 {"package.origin", *origin},
                 {"package.worker", request.worker},
                 {"package.job", job->name},
                 {"package.items", json::toString(json::Value(std::move(origins)))}})
            if (auto r = (*pkg)->setSetting(key, value); !r)
                return fail(r.error());
        report.items = int64_t(leases->size());
    } // the package is closed before it moves into place
    if (auto r = outputs.commit(); !r)
        return fail(r.error());
    giveBack.done = true;
    (void)store.logChange(request.worker, "work package",
                          std::to_string(report.items) + " items of job '" + job->name + "' for " + request.worker
                              + " in " + outPath + " (package " + report.id + ")");
    return report;
}

Result<MergeReport> mergePackage(ProjectStore &store, const std::string &packagePath,
                                 const std::function<void(int64_t, int64_t)> &progress)
{
    if (auto r = refuseProjectFileAsInput(store.path(), packagePath); !r)
        return fail(r.error());
    auto pkg = ProjectStore::open(packagePath, ProjectStore::OpenMode::OpenExisting);
    if (!pkg)
        return fail(pkg.error());
    auto setting = [&](const char *key) { return (*pkg)->setting(key).value_or(std::string()); };
    const std::string id = setting("package.id"), from = setting("package.origin");
    if (id.empty() || from.empty())
        return fail(Error::invalid(packagePath + ": not a work package (gw package makes them)"));
    auto mine = projectId(store);
    if (!mine)
        return fail(mine.error());
    if (from != *mine)
        return fail(Error::invalid(packagePath + ": a work package of another project (project " + from + "; this is "
                                   + *mine + "): nothing was merged"));
    MergeReport report;
    report.worker = setting("package.worker");
    report.job = setting("package.job");
    auto job = store.job(report.job);
    if (!job)
        return fail(Error::notFound(packagePath + ": the package's job '" + report.job + "' is not in this project"));
    auto pkgJob = (*pkg)->job(report.job);
    if (!pkgJob)
        return fail(pkgJob.error());
    if (pkgJob->type != job->type)
        return fail(Error::invalid(packagePath + ": the package's job '" + report.job + "' is a "
                                   + std::string(taskInfo(pkgJob->type).id) + " job, the project's a "
                                   + std::string(taskInfo(job->type).id) + " job"));
    // Package item → project item, in the package's item order.
    json::Value origins;
    if (!json::parse(setting("package.items"), origins) || !origins.isArray())
        return fail(Error::invalid(packagePath + ": the package's list of items is damaged"));
    std::map<int64_t, int64_t> originOf;
    {
        size_t i = 0;
        ItemFilter all;
        auto walked = (*pkg)->forEachItem(all, [&](const Item &it) {
            if (i < origins.toArray().size())
                originOf[it.id] = origins.toArray()[i++].toInt();
            return true;
        });
        if (!walked)
            return fail(walked.error());
    }
    std::vector<Annotation> answers;
    if (auto r = (*pkg)->forEachAnswer(pkgJob->id, [&](const Annotation &a) {
            answers.push_back(a);
            return true;
        });
        !r)
        return fail(r.error());
    report.answers = int64_t(answers.size());
    for (const Annotation &a : answers) {
        if (!originOf.count(a.itemId))
            return fail(Error::invalid(packagePath + ": an answer to item " + std::to_string(a.itemId)
                                       + ", which the package did not hand out"));
        for (int c : classIdsOf(a.payload))
            if (!job->classById(c))
                return fail(Error::invalid(packagePath + ": the answer of " + a.provenance.author + " to item "
                                           + std::to_string(originOf[a.itemId]) + " uses class id "
                                           + std::to_string(c) + ", which job '" + job->name
                                           + "' no longer has (removed since?): nothing was merged"));
    }
    auto tx = store.begin();
    if (!tx)
        return fail(tx.error());
    int64_t done = 0;
    for (Annotation a : answers) {
        const int64_t item = originOf[a.itemId];
        auto versions = store.history(job->id, item);
        if (!versions)
            return fail(versions.error());
        bool merged = false;
        int64_t newest = 0;
        for (const ProjectStore::HistoryEntry &v : *versions) {
            merged = merged
                     || (v.annotation.provenance.author == a.provenance.author
                         && v.annotation.provenance.createdUs == a.provenance.createdUs
                         && v.annotation.provenance.source == Source::Human);
            if (v.supersededUs == 0)
                newest = v.annotation.provenance.createdUs;
        }
        if (merged) {
            ++report.already;
        } else {
            report.behindNewer += newest > a.provenance.createdUs;
            json::Value extra;
            if (a.extra.empty() || !json::parse(a.extra, extra) || !extra.isObject())
                extra = json::Object();
            extra.object().set("package", id);
            a.extra = json::toString(extra);
            a.id = 0;
            a.jobId = job->id;
            a.itemId = item;
            if (auto r = (*tx)->addAnswer(a); !r)
                return fail(r.error());
            ++report.added;
        }
        if (progress)
            progress(++done, report.answers);
    }
    if (auto r = (*tx)->commit(); !r)
        return fail(r.error());
    if (report.added > 0)
        (void)store.logChange(report.worker, "work package merged",
                              std::to_string(report.added) + " answers of " + report.worker + " to job '" + job->name
                                  + "' from " + packagePath + " (package " + id + ")");
    return report;
}

} // namespace gw::datasets

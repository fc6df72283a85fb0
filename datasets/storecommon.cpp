// CommonStore: what both project stores do the same way (see storecommon.h).

#include "datasets/storecommon.h"

#include "datasets/json.h"
#include "datasets/mask.h"

namespace gw::datasets {

std::string CommonStore::settingsText(const Job &j)
{
    json::Object settings;
    settings.set("allowOverlap", j.allowOverlap);
    if (j.reviewBelow > 0)
        settings.set("reviewBelow", j.reviewBelow);
    return json::toString(json::Value(std::move(settings)));
}

void CommonStore::readSettings(std::string_view text, Job &j)
{
    json::Value settings;
    if (!json::parse(text, settings))
        return;
    if (const json::Value *o = settings.find("allowOverlap"))
        j.allowOverlap = o->toBool();
    if (const json::Value *b = settings.find("reviewBelow"))
        j.reviewBelow = b->toDouble();
}

Result<> CommonStore::checkJob(const Job &j) const
{
    for (size_t i = 0; i < j.classes.size(); ++i) {
        if (const std::string problem = classNameProblem(j.classes[i].name, j.type); !problem.empty())
            return fail(Error::invalid("job '" + j.name + "': " + problem));
        for (size_t k = 0; k < i; ++k)
            if (j.classes[k].name == j.classes[i].name)
                return fail(Error::conflict("job '" + j.name + "' has two classes named '" + j.classes[i].name + "'"));
    }
    return checkChainedJob(j);
}

namespace {

/// Feeds a cursor's rows to fn until either ends.
template<typename T>
Result<> walk(Result<std::unique_ptr<Cursor<T>>> c, const std::function<bool(const T &)> &fn)
{
    if (!c)
        return fail(c.error());
    T row;
    while (true) {
        auto more = (*c)->next(row);
        if (!more)
            return fail(more.error());
        if (!*more || !fn(row))
            return {};
    }
}

} // namespace

Result<> CommonStore::forEachItem(const ItemFilter &f, const std::function<bool(const Item &)> &fn) const
{
    return walk(itemCursor(f), fn);
}

Result<> CommonStore::forEachAnnotation(int64_t jobId, const std::function<bool(const Annotation &)> &fn) const
{
    return walk(annotationCursor(jobId), fn);
}

Result<> CommonStore::logChange(const std::string &author, const std::string &what, const std::string &detail)
{
    return runInTransaction([&](WriteTransaction &) { return insertChange(author, what, detail); });
}

/// A review, verification or adjustment job works on a parent of the same media; Ground Truth's verification and
/// adjustment jobs exist for boxes and masks (reference §7.3), and a verification job's label is a verdict class.
Result<> CommonStore::checkChainedJob(const Job &j) const
{
    if (j.reviewBelow < 0 || j.reviewBelow > 1 || (j.reviewBelow > 0 && !j.givesVerdicts()))
        return fail(Error::invalid("only review and verification jobs review labels below a confidence (0 to 1)"));
    if (j.kind == JobKind::Labeling) {
        if (j.parentId)
            return fail(Error::invalid("job '" + j.name + "' labels items itself: it has no parent job"));
        return {};
    }
    const std::string what(jobKindName(j.kind));
    if (!j.parentId)
        return fail(Error::invalid("a " + what + " job needs the job whose labels it works on"));
    auto parent = jobById(j.parentId);
    if (!parent)
        return fail(parent.error());
    if (parent->kind != JobKind::Labeling && parent->kind != JobKind::Adjustment)
        return fail(Error::invalid("job '" + parent->name + "' gives verdicts; a " + what
                                   + " job works on a job's labels, not on verdicts"));
    if (taskInfo(parent->type).image != taskInfo(j.type).image)
        return fail(Error::invalid("a " + what + " job works on the same media as job '" + parent->name + "'"));
    const bool shapes = parent->type == TaskType::BoundingBox || parent->type == TaskType::SemanticSegmentation
                        || parent->type == TaskType::InstanceSegmentation;
    if ((j.kind == JobKind::Verification || j.kind == JobKind::Adjustment) && !shapes)
        return fail(Error::invalid("Ground Truth's " + what + " jobs are for bounding boxes and semantic segmentation; "
                                   "job '" + parent->name + "' is " + std::string(taskInfo(parent->type).title)
                                   + " (a review job works on any job)"));
    if (j.givesVerdicts() && (j.type != TaskType::ImageClassification && j.type != TaskType::TextClassification))
        return fail(Error::invalid("a " + what + " job's labels are single-label verdicts"));
    if (j.kind == JobKind::Review && j.annotatorsPerItem != 1)
        return fail(Error::invalid("one reviewer gives each verdict in a review job (a rejection sends the item back at "
                                   "once); a verification job takes several"));
    if (j.kind == JobKind::Review && (!j.classByName("accept") || !j.classByName("reject")))
        return fail(Error::invalid("a review job's verdicts are 'accept' and 'reject'"));
    if (j.kind == JobKind::Adjustment && j.type != parent->type)
        return fail(Error::invalid("an adjustment job has the task type of job '" + parent->name + "'"));
    return {};
}

Result<Job> CommonStore::createJob(Job j)
{
    j.id = 0;
    if (auto r = runInTransaction([&](WriteTransaction &tx) { return tx.saveJob(j); }); !r)
        return fail(r.error());
    return j;
}

Result<> CommonStore::editClass(int64_t jobId, int classId, const ClassEdit &edit, const std::string &author)
{
    return runInTransaction([&](WriteTransaction &tx) -> Result<> {
        auto j = jobById(jobId);
        if (!j)
            return fail(j.error());
        if (j->kind == JobKind::Review && (edit.name || edit.position))
            return fail(Error::invalid("a review job's verdicts are 'accept' and 'reject', in that order: only their "
                                       "colours and keys change"));
        const int from = j->positionOf(classId);
        if (from < 0)
            return fail(Error::notFound("job '" + j->name + "' has no class with id " + std::to_string(classId)));
        LabelClass &c = j->classes[size_t(from)];
        const std::string oldName = c.name;
        std::vector<std::string> said;
        if (edit.name && *edit.name != c.name) {
            if (const std::string problem = classNameProblem(*edit.name, j->type); !problem.empty())
                return fail(Error::invalid(problem));
            if (const LabelClass *other = j->classByName(*edit.name); other && other->id != classId)
                return fail(Error::conflict("the job already has a class named '" + *edit.name + "'"));
            said.push_back("-> '" + *edit.name + "'");
            c.name = *edit.name;
        }
        if (edit.color && *edit.color != c.color) {
            if (!mask::parseHexColor(*edit.color))
                return fail(Error::invalid("colour '" + *edit.color + "' is not #rrggbb"));
            said.push_back("colour " + c.color + " -> " + *edit.color);
            c.color = *edit.color;
        }
        if (edit.shortcut && *edit.shortcut != c.shortcut) {
            for (const LabelClass &other : j->classes)
                if (!edit.shortcut->empty() && other.id != classId && other.shortcut == *edit.shortcut)
                    return fail(Error::conflict("'" + *edit.shortcut + "' is already the key of class '" + other.name + "'"));
            said.push_back(edit.shortcut->empty() ? "key '" + c.shortcut + "' removed"
                                                  : "key '" + c.shortcut + "' -> '" + *edit.shortcut + "'");
            c.shortcut = *edit.shortcut;
        }
        if (edit.position && *edit.position != from) {
            const int to = *edit.position;
            if (to < 0 || to >= int(j->classes.size()))
                return fail(Error::invalid("position " + std::to_string(to) + " is outside the list of "
                                           + std::to_string(j->classes.size()) + " classes"));
            said.push_back("moved from index " + std::to_string(from) + " to " + std::to_string(to));
            const LabelClass moved = c;
            j->classes.erase(j->classes.begin() + from);
            j->classes.insert(j->classes.begin() + to, moved);
        }
        if (said.empty())
            return {};
        if (auto r = tx.saveJob(*j); !r)
            return r;
        std::string detail = "job '" + j->name + "': class '" + oldName + "' ";
        for (size_t i = 0; i < said.size(); ++i)
            detail += (i ? ", " : "") + said[i];
        // A rename keeps its own name in the log: scripts look for it.
        return insertChange(author, edit.name && said.front().starts_with("-> ") ? "rename-class" : "edit-class",
                            detail);
    });
}

Result<LabelClass> CommonStore::addClass(int64_t jobId, LabelClass cls, const std::string &author)
{
    Result<> r = runInTransaction([&](WriteTransaction &tx) -> Result<> {
        auto j = jobById(jobId);
        if (!j)
            return fail(j.error());
        if (j->kind == JobKind::Review)
            return fail(Error::invalid("a review job's verdicts are 'accept' and 'reject': none is added or removed"));
        if (j->classByName(cls.name))
            return fail(Error::conflict("the job already has a class named '" + cls.name + "'"));
        if ((j->type == TaskType::SemanticSegmentation || j->type == TaskType::InstanceSegmentation)
            && j->classes.size() >= 255)
            return fail(Error::invalid("a segmentation job has at most 255 classes (8-bit masks)"));
        if (!cls.shortcut.empty())
            for (const LabelClass &other : j->classes)
                if (other.shortcut == cls.shortcut)
                    return fail(Error::conflict("'" + cls.shortcut + "' is already the key of class '" + other.name + "'"));
        cls.id = j->nextClassId();
        if (cls.color.empty())
            cls.color = defaultClassColor(int(j->classes.size()));
        if (!mask::parseHexColor(cls.color))
            return fail(Error::invalid("colour '" + cls.color + "' is not #rrggbb"));
        j->classes.push_back(cls);
        if (auto s = tx.saveJob(*j); !s)
            return s;
        return insertChange(author, "add-class", "job '" + j->name + "': added class '" + cls.name + "' at index "
                                                     + std::to_string(j->classes.size() - 1));
    });
    if (!r)
        return fail(r.error());
    return cls;
}

Result<int64_t> CommonStore::removeClass(int64_t jobId, int classId, std::optional<int> reassignTo,
                            const std::string &author)
{
    int64_t touched = 0;
    Result<> r = runInTransaction([&](WriteTransaction &tx) -> Result<> {
        auto j = jobById(jobId);
        if (!j)
            return fail(j.error());
        if (j->kind == JobKind::Review)
            return fail(Error::invalid("a review job's verdicts are 'accept' and 'reject': none is added or removed"));
        const LabelClass *cls = j->classById(classId);
        if (!cls)
            return fail(Error::notFound("no class with id " + std::to_string(classId)));
        const std::string removedName = cls->name;
        if (reassignTo && (!j->classById(*reassignTo) || *reassignTo == classId))
            return fail(Error::invalid("cannot reassign to that class"));
        std::vector<Annotation> changed;
        auto each = forEachAnnotation(jobId, [&](const Annotation &a) {
            Annotation b = a;
            if (remapPayload(j->type, b.payload, classId, reassignTo))
                changed.push_back(std::move(b));
            return true;
        });
        if (!each)
            return each;
        for (Annotation &a : changed) {
            a.provenance.author = author;
            a.provenance.createdUs = nowUs();
            const bool empty = a.payload.classes.empty() && a.payload.boxes.empty() && a.payload.spans.empty()
                               && a.payload.mask.empty() && a.payload.maskUri.empty();
            auto res = empty && j->type != TaskType::BoundingBox
                           ? tx.clearAnnotation(jobId, a.itemId, a.provenance)
                           : tx.putAnnotation(a);
            if (!res)
                return res;
        }
        touched = int64_t(changed.size());
        std::erase_if(j->classes, [&](const LabelClass &c) { return c.id == classId; });
        if (auto s = tx.saveJob(*j); !s)
            return s;
        std::string detail = "job '" + j->name + "': removed class '" + removedName + "', "
                             + std::to_string(touched) + " annotations ";
        detail += reassignTo ? "reassigned to '" + j->classById(*reassignTo)->name + "'" : std::string("dropped it");
        return insertChange(author, "remove-class", detail);
    });
    if (!r)
        return fail(r.error());
    return touched;
}

/// Applies a class removal to one payload; true when it changed.
bool CommonStore::remapPayload(TaskType type, Payload &p, int classId, std::optional<int> to)
{
    bool changed = false;
    auto fix = [&](int &id) {
        if (id == classId) {
            changed = true;
            if (to)
                id = *to;
            return !to; // drop
        }
        return false;
    };
    for (size_t i = 0; i < p.classes.size();) {
        if (fix(p.classes[i])) {
            p.classes.erase(p.classes.begin() + long(i));
            p.classConfidence.erase(p.classConfidence.begin() + long(i));
        } else {
            ++i;
        }
    }
    // A reassignment may make a multi-label set hold a class twice.
    for (size_t i = 0; i < p.classes.size(); ++i)
        for (size_t k = i + 1; k < p.classes.size();)
            if (p.classes[k] == p.classes[i]) {
                p.classes.erase(p.classes.begin() + long(k));
                p.classConfidence.erase(p.classConfidence.begin() + long(k));
            } else {
                ++k;
            }
    std::erase_if(p.boxes, [&](Box &b) { return fix(b.classId); });
    std::erase_if(p.spans, [&](Span &s) { return fix(s.classId); });
    std::erase_if(p.instances, [&](Instance &i) { return fix(i.classId); });
    if (type == TaskType::SemanticSegmentation && !p.mask.empty()) {
        auto m = mask::remapClass(p.mask, classId, to);
        if (m && *m != p.mask) {
            p.mask = std::move(*m);
            changed = true;
        }
    }
    return changed;
}

} // namespace gw::datasets

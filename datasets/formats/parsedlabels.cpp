// LabelCollector (what readers fill, without a store) and applyParsed (which writes it); see parsedlabels.h.

#include "datasets/formats/formatutil.h"
#include "datasets/mask.h"

namespace gw::datasets::formats {

Result<std::unique_ptr<LabelCollector>> LabelCollector::begin(TaskType type, const FormatImportOptions &options,
                                                              const std::string &defaultJobName,
                                                              const std::string &source)
{
    auto c = std::unique_ptr<LabelCollector>(new LabelCollector);
    c->m_parsed.type = type;
    c->m_parsed.defaultJobName = defaultJobName;
    c->m_parsed.source = source;
    c->m_checkMedia = options.checkMedia;
    c->m_job.name = options.job.empty() ? defaultJobName : options.job;
    c->m_job.type = type;
    return c;
}

Result<int> LabelCollector::classId(const std::string &name, const std::string &color, const std::string &where)
{
    if (name.empty())
        return fail(Error::invalid("a class without a name"));
    if (const LabelClass *c = m_job.classByName(name)) {
        if (m_where[size_t(c->id)].empty())
            m_where[size_t(c->id)] = where;
        return c->id;
    }
    if (const std::string problem = classNameProblem(name, m_job.type); !problem.empty())
        return fail(Error::invalid(problem));
    LabelClass c;
    c.id = int(m_job.classes.size());
    c.name = name;
    c.color = color.empty() ? defaultClassColor(c.id) : color;
    m_job.classes.push_back(c);
    m_where.push_back(where);
    return c.id;
}

Item LabelCollector::itemOf(size_t index) const
{
    const ParsedLabels::Entry &e = m_parsed.entries[index];
    Item item;
    item.id = int64_t(index) + 1;
    item.kind = e.kind;
    if (e.kind == MediaKind::Image) {
        item.uri = e.media;
        item.width = e.info.width;
        item.height = e.info.height;
        item.flags = e.info.flags;
    } else {
        item.text = e.media;
    }
    item.split = e.split;
    return item;
}

Result<Item> LabelCollector::imageItem(const std::string &pathOrUri)
{
    if (auto it = m_images.find(pathOrUri); it != m_images.end())
        return itemOf(it->second);
    ParsedLabels::Entry e;
    e.kind = MediaKind::Image;
    e.media = pathOrUri;
    if (m_checkMedia && !media::isUri(pathOrUri))
        e.info = media::readImageInfo(pathOrUri);
    m_parsed.entries.push_back(std::move(e));
    m_images.emplace(pathOrUri, m_parsed.entries.size() - 1);
    return itemOf(m_parsed.entries.size() - 1);
}

Result<Item> LabelCollector::textItem(const std::string &text)
{
    if (auto it = m_texts.find(text); it != m_texts.end())
        return itemOf(it->second);
    ParsedLabels::Entry e;
    e.kind = MediaKind::Text;
    e.media = text;
    m_parsed.entries.push_back(std::move(e));
    m_texts.emplace(text, m_parsed.entries.size() - 1);
    return itemOf(m_parsed.entries.size() - 1);
}

Result<> LabelCollector::setSplit(int64_t itemId, const std::string &split)
{
    if (itemId < 1 || size_t(itemId) > m_parsed.entries.size())
        return fail(Error::internal("no parsed item " + std::to_string(itemId)));
    m_parsed.entries[size_t(itemId - 1)].split = split;
    return {};
}

Result<> LabelCollector::put(const Item &item, Payload payload)
{
    if (item.id < 1 || size_t(item.id) > m_parsed.entries.size())
        return fail(Error::internal("no parsed item " + std::to_string(item.id)));
    m_parsed.entries[size_t(item.id - 1)].label = std::move(payload);
    return {};
}

Result<ParsedLabels> LabelCollector::commit()
{
    m_parsed.classes = m_job.classes;
    m_parsed.classWhere = std::move(m_where);
    return std::move(m_parsed);
}

namespace {

/// The classes a label uses (provisional ids).
void markUsed(const Payload &p, std::vector<bool> &used)
{
    auto mark = [&](int id) {
        if (id >= 0 && size_t(id) < used.size())
            used[size_t(id)] = true;
    };
    for (int id : p.classes)
        mark(id);
    for (const Box &b : p.boxes)
        mark(b.classId);
    for (const Span &s : p.spans)
        mark(s.classId);
    for (const Instance &i : p.instances)
        mark(i.classId);
    if (!p.mask.empty())
        if (auto ids = mask::classIds(p.mask))
            for (int id : *ids)
                mark(id);
}

/// A label with its provisional class ids replaced by the job's.
Result<Payload> remapped(Payload p, const std::vector<int> &to, const Job &job)
{
    auto map = [&](int &id) -> Result<> {
        if (id < 0 || size_t(id) >= to.size() || to[size_t(id)] < 0)
            return fail(Error::internal("a label uses a class the file did not name"));
        id = to[size_t(id)];
        return {};
    };
    for (int &id : p.classes)
        if (auto r = map(id); !r)
            return fail(r.error());
    for (Box &b : p.boxes)
        if (auto r = map(b.classId); !r)
            return fail(r.error());
    for (Span &s : p.spans)
        if (auto r = map(s.classId); !r)
            return fail(r.error());
    for (Instance &i : p.instances)
        if (auto r = map(i.classId); !r)
            return fail(r.error());
    if (!p.mask.empty()) {
        auto m = mask::decode(p.mask);
        if (!m)
            return fail(m.error());
        std::vector<uint8_t> lut(256, 0);
        for (size_t i = 0; i < to.size() && i + 1 < 256; ++i)
            if (to[i] >= 0 && to[i] + 1 < 256)
                lut[i + 1] = uint8_t(to[i] + 1);
        mask::applyLut(*m, lut);
        auto png = mask::encodeStored(*m, job.classes);
        if (!png)
            return fail(png.error());
        p.mask = std::move(*png);
    }
    return p;
}

} // namespace

Result<ImportReport> applyParsed(ProjectStore &store, ParsedLabels parsed, const FormatImportOptions &options)
{
    auto writer = LabelWriter::begin(store, parsed.type, options, parsed.defaultJobName, parsed.source);
    if (!writer)
        return fail(writer.error());
    // Classes by name: one a label uses must be the job's (or be added to it); one no label uses is added
    // when the job takes new classes, and otherwise left out.
    std::vector<bool> used(parsed.classes.size(), false);
    for (const ParsedLabels::Entry &e : parsed.entries)
        if (e.label)
            markUsed(*e.label, used);
    std::vector<int> to(parsed.classes.size(), -1);
    for (size_t i = 0; i < parsed.classes.size(); ++i) {
        auto id = (*writer)->classId(parsed.classes[i].name, parsed.classes[i].color);
        if (!id && used[i]) {
            const std::string &where = i < parsed.classWhere.size() ? parsed.classWhere[i] : std::string();
            return fail(Error{id.error().code, (where.empty() ? at(parsed.source) : where) + id.error().message});
        }
        if (id)
            to[i] = *id;
    }
    for (ParsedLabels::Entry &e : parsed.entries) {
        auto item = e.kind == MediaKind::Image ? (*writer)->imageItem(e.media, &e.info) : (*writer)->textItem(e.media);
        if (!item)
            return fail(item.error());
        if (!e.split.empty())
            if (auto r = (*writer)->setSplit(item->id, e.split); !r)
                return fail(r.error());
        if (!e.label)
            continue;
        auto label = remapped(std::move(*e.label), to, (*writer)->job());
        if (!label)
            return fail(Error{label.error().code, e.media + ": " + label.error().message});
        if (auto r = (*writer)->put(*item, std::move(*label)); !r)
            return fail(r.error());
    }
    ImportReport &report = (*writer)->report();
    report.lines += parsed.report.lines;
    report.warnings.insert(report.warnings.begin(), parsed.report.warnings.begin(), parsed.report.warnings.end());
    report.skipped = std::move(parsed.report.skipped);
    return (*writer)->commit();
}

} // namespace gw::datasets::formats

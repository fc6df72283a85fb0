// Texts with their labels as tables: CSV / TSV / JSON Lines with a label column (single- or multi-label) or
// one 0/1 column per class; and named entities as JSON Lines with the text and [start, end, label] spans
// (the doccano layout; offsets in Unicode code points, end exclusive).

#include "datasets/formats/builtin.h"
#include "datasets/formats/formatutil.h"
#include "datasets/json.h"
#include "datasets/linereader.h"

#include <algorithm>
#include <filesystem>
#include <set>

namespace gw::datasets::formats {

namespace fs = std::filesystem;

namespace {

enum class TableKind { Csv, Tsv, Jsonl };

Result<TableKind> tableKind(const std::string &path)
{
    std::string ext = fs::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (ext == ".csv")
        return TableKind::Csv;
    if (ext == ".tsv" || ext == ".tab")
        return TableKind::Tsv;
    if (ext == ".jsonl" || ext == ".ndjson" || ext == ".json")
        return TableKind::Jsonl;
    return fail(Error::invalid(path + ": the file name should end in .csv, .tsv or .jsonl (it chooses the layout)"));
}

/// Unicode code points in UTF-8 text.
int64_t codePoints(std::string_view s)
{
    return std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; });
}

std::string joinNames(const Job &job, const std::vector<int> &ids, const std::string &separator)
{
    std::string out;
    for (int id : ids)
        if (const LabelClass *c = job.classById(id))
            out += (out.empty() ? "" : separator) + c->name;
    return out;
}

// ---- class tables ----

Result<ExportReport> writeTable(const Format &format, const ProjectStore &store, const FormatExportOptions &o)
{
    auto job = exportJob(store, format, o);
    if (!job)
        return fail(job.error());
    WriterOutput output(o.output, o.overwrite);
    auto staged = output.file(o.outPath);
    if (!staged)
        return fail(staged.error());
    auto kind = tableKind(o.outPath);
    if (!kind)
        return fail(kind.error());
    const bool oneHot = format.setting(o.settings, "classes") == "onehot";
    const bool multi = taskInfo(job->type).multiLabel;
    const std::string separator = format.setting(o.settings, "separator");
    const char delim = *kind == TableKind::Tsv ? '\t' : ',';
    std::string out;
    if (*kind != TableKind::Jsonl) {
        out += "text";
        if (oneHot)
            for (const LabelClass &c : job->classes)
                out += delim + csv::field(c.name, delim);
        else
            out += delim + std::string(multi ? "labels" : "label");
        out += delim + std::string("split\n");
    }
    ExportReport report;
    auto r = forEachEntry(store, *job, o, [&](const ExportEntry &e) -> Result<> {
        const std::vector<int> none;
        const std::vector<int> &ids = e.label ? e.label->payload.classes : none;
        if (*kind == TableKind::Jsonl) {
            json::Object line;
            line.set("text", e.item->text);
            if (oneHot) {
                for (const LabelClass &c : job->classes)
                    line.set(c.name, int64_t(std::count(ids.begin(), ids.end(), c.id)));
            } else if (multi) {
                json::Array names;
                for (int id : ids)
                    if (const LabelClass *c = job->classById(id))
                        names.emplace_back(c->name);
                line.set("labels", json::Value(std::move(names)));
            } else {
                line.set("label", ids.empty() ? json::Value() : json::Value(joinNames(*job, ids, "")));
            }
            if (!e.item->split.empty())
                line.set("split", e.item->split);
            out += json::toString(json::Value(std::move(line)));
            out += '\n';
        } else {
            out += csv::field(e.item->text, delim);
            if (oneHot)
                for (const LabelClass &c : job->classes)
                    out += delim + std::string(std::count(ids.begin(), ids.end(), c.id) ? "1" : "0");
            else
                out += delim + csv::field(joinNames(*job, ids, separator), delim);
            out += delim + csv::field(e.item->split, delim) + "\n";
        }
        ++report.lines;
        report.labels += e.label ? 1 : 0;
        return {};
    });
    if (!r)
        return fail(r.error());
    if (auto w = writeNewFile(*staged, out, OutputSet::finalPath(o.outPath)); !w)
        return fail(w.error());
    if (auto c = output.finish(); !c)
        return fail(c.error());
    return report;
}

/// One row of a class table, whatever the file's layout.
struct Row
{
    int64_t line = 0;
    std::string text;
    std::optional<std::vector<std::string>> labels; ///< nullopt: unlabelled
    std::string split;
};

Result<std::vector<Row>> readRows(const std::string &path, TableKind kind, const std::string &textKey,
                                  const std::string &separator, bool &multiLabelled)
{
    std::vector<Row> rows;
    multiLabelled = false;
    std::set<std::string> reserved = {textKey, "text", "source", "split", "id"};
    if (kind == TableKind::Jsonl) {
        LineReader reader;
        if (auto r = reader.open(path); !r)
            return fail(r.error());
        std::string_view line;
        int64_t n = 0;
        while (reader.next(line)) {
            ++n;
            if (line.find_first_not_of(" \t\r") == std::string_view::npos)
                continue;
            json::Value v;
            json::ParseError pe;
            if (!json::parse(line, v, &pe) || !v.isObject())
                return fail(Error::invalid(at(path, n) + (pe.message.empty() ? "not a JSON object" : pe.message)));
            Row row;
            row.line = n;
            const json::Value *t = v.find(textKey);
            if (!t && textKey == "text")
                t = v.find("source");
            if (!t || !t->isString())
                return fail(Error::invalid(at(path, n) + "no text field '" + textKey + "'"));
            row.text = t->toString();
            if (const json::Value *s = v.find("split"); s && s->isString())
                row.split = s->toString();
            if (const json::Value *l = v.find("label")) {
                if (l->isString() && !l->toString().empty())
                    row.labels = std::vector<std::string>{l->toString()};
                else if (!l->isNull() && !l->isString())
                    return fail(Error::invalid(at(path, n) + "'label' should be a class name"));
            } else if (const json::Value *ls = v.find("labels")) {
                if (!ls->isArray())
                    return fail(Error::invalid(at(path, n) + "'labels' should be an array of class names"));
                std::vector<std::string> names;
                for (const json::Value &x : ls->toArray()) {
                    if (!x.isString())
                        return fail(Error::invalid(at(path, n) + "'labels' should be an array of class names"));
                    names.push_back(x.toString());
                }
                multiLabelled = true;
                row.labels = std::move(names);
            } else {
                // One 0/1 member per class.
                std::vector<std::string> names;
                bool any = false;
                for (const auto &[key, value] : v.toObject()) {
                    if (reserved.count(key))
                        continue;
                    if (!value.isNumber() && !value.isBool())
                        continue;
                    any = true;
                    if (value.toBool() || value.toDouble() != 0)
                        names.push_back(key);
                }
                multiLabelled = true;
                if (any)
                    row.labels = std::move(names);
            }
            rows.push_back(std::move(row));
        }
        if (auto r = reader.status(); !r)
            return fail(r.error());
        return rows;
    }
    auto records = readCsv(path, kind == TableKind::Tsv ? '\t' : ',');
    if (!records)
        return fail(records.error());
    if (records->empty())
        return rows;
    const auto &header = records->front();
    auto col = [&](const std::string &name) {
        const auto it = std::find(header.begin(), header.end(), name);
        return it == header.end() ? -1 : int(it - header.begin());
    };
    int textCol = col(textKey);
    if (textCol < 0 && textKey == "text")
        textCol = col("source");
    if (textCol < 0)
        return fail(Error::invalid(at(path, 1) + "no text column '" + textKey + "'"));
    const int labelCol = col("label"), labelsCol = col("labels"), splitCol = col("split");
    std::vector<int> classCols;
    if (labelCol < 0 && labelsCol < 0)
        for (size_t i = 0; i < header.size(); ++i)
            if (!reserved.count(header[i]))
                classCols.push_back(int(i));
    multiLabelled = labelsCol >= 0 || !classCols.empty();
    for (size_t r = 1; r < records->size(); ++r) {
        const auto &f = (*records)[r];
        Row row;
        row.line = int64_t(r + 1); // records, not physical lines, when a field spans lines
        if (f.size() != header.size())
            return fail(Error::invalid(at(path, row.line) + std::to_string(f.size()) + " fields, the header has " +
                                       std::to_string(header.size())));
        row.text = f[size_t(textCol)];
        if (splitCol >= 0)
            row.split = f[size_t(splitCol)];
        if (labelCol >= 0 && !f[size_t(labelCol)].empty()) {
            row.labels = std::vector<std::string>{f[size_t(labelCol)]};
        } else if (labelsCol >= 0 && !f[size_t(labelsCol)].empty()) {
            std::vector<std::string> names;
            std::string_view rest = f[size_t(labelsCol)];
            while (!rest.empty()) {
                const size_t cut = rest.find(separator);
                names.emplace_back(rest.substr(0, cut));
                rest = cut == std::string_view::npos ? std::string_view() : rest.substr(cut + separator.size());
            }
            row.labels = std::move(names);
        } else if (!classCols.empty()) {
            std::vector<std::string> names;
            for (int c : classCols) {
                const std::string &v = f[size_t(c)];
                if (v != "0" && v != "1" && !v.empty())
                    return fail(Error::invalid(at(path, row.line) + "column '" + header[size_t(c)] + "' holds '" + v +
                                               "'; class columns hold 0 or 1"));
                if (v == "1")
                    names.push_back(header[size_t(c)]);
            }
            row.labels = std::move(names);
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

Result<ParsedLabels> parseTable(const Format &format, const std::string &path,
                               const FormatImportOptions &o)
{
    if (auto r = format.check(o.settings); !r)
        return fail(r.error());
    auto kind = tableKind(path);
    if (!kind)
        return fail(kind.error());
    bool multi = false;
    auto rows = readRows(path, *kind, format.setting(o.settings, "text"), format.setting(o.settings, "separator"), multi);
    if (!rows)
        return fail(rows.error());
    // The job decides single or multi-label when it exists; otherwise the file's layout does.
    TaskType type = multi ? TaskType::TextClassificationMultiLabel : TaskType::TextClassification;
    const std::string jobName = o.job.empty() ? std::string("label") : o.job;
    if (auto existing = existingJobType(o, jobName))
        type = *existing;
    auto writer = LabelCollector::begin(type, o, "label", path);
    if (!writer)
        return fail(writer.error());
    const bool single = !taskInfo(type).multiLabel;
    int64_t done = 0;
    for (const Row &row : *rows) {
        auto item = (*writer)->textItem(row.text);
        if (!item)
            return fail(item.error());
        ++(*writer)->report().lines;
        if (!row.split.empty())
            if (auto r = (*writer)->setSplit(item->id, row.split); !r)
                return fail(r.error());
        if (!row.labels)
            continue;
        if (single && row.labels->size() != 1)
            return fail(Error::invalid(at(path, row.line) + std::to_string(row.labels->size()) +
                                       " classes for a single-label job"));
        Payload p;
        for (const std::string &name : *row.labels) {
            auto id = (*writer)->classId(name, {}, at(path, row.line));
            if (!id)
                return fail(Error{id.error().code, at(path, row.line) + id.error().message});
            if (std::find(p.classes.begin(), p.classes.end(), *id) == p.classes.end()) {
                p.classes.push_back(*id);
                p.classConfidence.push_back(std::nullopt);
            }
        }
        if (auto r = (*writer)->put(*item, std::move(p)); !r)
            return fail(r.error());
        if (o.progress && (++done & 0x3ff) == 0 && !o.progress(done, int64_t(rows->size())))
            return fail(Error::cancelled());
    }
    return (*writer)->commit();
}

// ---- named entities ----

Result<ExportReport> writeNer(const Format &format, const ProjectStore &store, const FormatExportOptions &o)
{
    auto job = exportJob(store, format, o);
    if (!job)
        return fail(job.error());
    WriterOutput output(o.output, o.overwrite);
    auto staged = output.file(o.outPath);
    if (!staged)
        return fail(staged.error());
    std::string out;
    ExportReport report;
    auto r = forEachEntry(store, *job, o, [&](const ExportEntry &e) -> Result<> {
        out += "{\"text\":";
        json::appendQuoted(out, e.item->text);
        out += ",\"label\":[";
        if (e.label) {
            std::vector<Span> spans = e.label->payload.spans;
            std::sort(spans.begin(), spans.end(),
                      [](const Span &a, const Span &b) { return std::tie(a.start, a.end) < std::tie(b.start, b.end); });
            bool first = true;
            for (const Span &s : spans) {
                const LabelClass *c = job->classById(s.classId);
                if (!c)
                    continue;
                out += first ? "[" : ",[";
                first = false;
                out += std::to_string(s.start) + "," + std::to_string(s.end) + ",";
                json::appendQuoted(out, c->name);
                out += "]";
            }
        }
        out += "]";
        if (!e.item->split.empty()) {
            out += ",\"split\":";
            json::appendQuoted(out, e.item->split);
        }
        out += "}\n";
        ++report.lines;
        report.labels += e.label ? 1 : 0;
        return {};
    });
    if (!r)
        return fail(r.error());
    if (auto w = writeNewFile(*staged, out, OutputSet::finalPath(o.outPath)); !w)
        return fail(w.error());
    if (auto c = output.finish(); !c)
        return fail(c.error());
    return report;
}

Result<ParsedLabels> parseNer(const std::string &path, const FormatImportOptions &o)
{
    LineReader reader;
    if (auto r = reader.open(path); !r)
        return fail(r.error());
    auto writer = LabelCollector::begin(TaskType::NamedEntityRecognition, o, "entities", path);
    if (!writer)
        return fail(writer.error());
    std::string_view line;
    int64_t n = 0;
    while (reader.next(line)) {
        ++n;
        if (line.find_first_not_of(" \t\r") == std::string_view::npos)
            continue;
        const std::string where = at(path, n);
        json::Value v;
        json::ParseError pe;
        if (!json::parse(line, v, &pe) || !v.isObject())
            return fail(Error::invalid(where + (pe.message.empty() ? "not a JSON object" : pe.message)));
        const json::Value *text = v.find("text");
        if (!text)
            text = v.find("data");
        if (!text)
            text = v.find("source");
        if (!text || !text->isString())
            return fail(Error::invalid(where + "no \"text\""));
        const json::Value *spans = nullptr;
        for (const char *key : {"label", "labels", "entities", "spans"})
            if ((spans = v.find(key)))
                break;
        const int64_t length = codePoints(text->toString());
        Payload p;
        if (spans && !spans->isArray())
            return fail(Error::invalid(where + "the spans should be an array of [start, end, label]"));
        for (const json::Value &s : spans ? spans->toArray() : json::Array{}) {
            const json::Value *start = nullptr, *end = nullptr, *label = nullptr;
            if (s.isArray() && s.toArray().size() == 3) {
                start = &s.toArray()[0];
                end = &s.toArray()[1];
                label = &s.toArray()[2];
            } else if (s.isObject()) {
                start = s.find("start");
                end = s.find("end");
                label = s.find("label");
            }
            if (!start || !end || !label || !start->isInt() || !end->isInt() || !label->isString())
                return fail(Error::invalid(where + "a span should be [start, end, \"label\"] with whole numbers"));
            Span span;
            span.start = start->toInt();
            span.end = end->toInt();
            if (span.start < 0 || span.end <= span.start || span.end > length)
                return fail(Error::invalid(where + "span [" + std::to_string(span.start) + ", " +
                                           std::to_string(span.end) + ") is outside the text's " +
                                           std::to_string(length) + " code points (end exclusive)"));
            auto id = (*writer)->classId(label->toString(), {}, where);
            if (!id)
                return fail(Error{id.error().code, where + id.error().message});
            span.classId = *id;
            p.spans.push_back(span);
        }
        std::sort(p.spans.begin(), p.spans.end(),
                  [](const Span &a, const Span &b) { return std::tie(a.start, a.end) < std::tie(b.start, b.end); });
        if (!(*writer)->job().allowOverlap)
            for (size_t i = 1; i < p.spans.size(); ++i)
                if (p.spans[i].start < p.spans[i - 1].end)
                    return fail(Error::invalid(where + "spans [" + std::to_string(p.spans[i - 1].start) + ", " +
                                               std::to_string(p.spans[i - 1].end) + ") and [" +
                                               std::to_string(p.spans[i].start) + ", " + std::to_string(p.spans[i].end) +
                                               ") overlap, which the job does not allow"));
        auto item = (*writer)->textItem(text->toString());
        if (!item)
            return fail(item.error());
        if (const json::Value *s = v.find("split"); s && s->isString() && !s->toString().empty())
            if (auto r = (*writer)->setSplit(item->id, s->toString()); !r)
                return fail(r.error());
        ++(*writer)->report().lines;
        if (spans)
            if (auto r = (*writer)->put(*item, std::move(p)); !r)
                return fail(r.error());
    }
    if (auto r = reader.status(); !r)
        return fail(r.error());
    return (*writer)->commit();
}

} // namespace

Format textTable()
{
    Format f;
    f.id = "text-table";
    f.name = "Text table";
    f.description = "texts and their classes as CSV, TSV or JSON Lines (chosen by the file name): a label column "
                    "(labels for multi-label jobs) or one 0/1 column per class, and a split column";
    f.summary =
        "A table with a row per text and its class: a spreadsheet (.csv or .tsv) or JSON Lines (.jsonl), "
        "as the file name ends. For text-classification trainers, or to read the labels in a spreadsheet.";
    f.taskSummaries[TaskType::TextClassificationMultiLabel] =
        "A table with a row per text and its classes: a spreadsheet (.csv or .tsv) or JSON Lines (.jsonl), "
        "as the file name ends. For text-classification trainers, or to read the labels in a spreadsheet.";
    f.tasks = {TaskType::TextClassification, TaskType::TextClassificationMultiLabel};
    f.fileFilter = "Text tables (*.csv *.tsv *.jsonl)";
    f.options = {{.key = "classes",
                  .description = "a label column, or one 0/1 column per class",
                  .defaultValue = "label",
                  .choices = {"label", "onehot"},
                  .use = FormatOption::Use::Export,
                  .label = "Classes as",
                  .choiceLabels = {"Names in one column", "A column per class (0 or 1)"}},
                 {.key = "separator",
                  .description = "between the classes of a multi-label text in a label column",
                  .defaultValue = "|",
                  .label = "Between class names",
                  .tasks = {TaskType::TextClassificationMultiLabel}},
                 {.key = "text",
                  .description = "import: the column or field that holds the text",
                  .defaultValue = "text",
                  .use = FormatOption::Use::Import,
                  .label = "Text column"}};
    f.parse = [f](const std::string &path, const FormatImportOptions &o) { return parseTable(f, path, o); };
    f.write = [f](const ProjectStore &store, const FormatExportOptions &o) { return writeTable(f, store, o); };
    return f;
}

Format nerJsonl()
{
    Format f;
    f.id = "ner-jsonl";
    f.name = "Entities JSON Lines";
    f.description = "one JSON object per text: {\"text\": ..., \"label\": [[start, end, \"CLASS\"], ...]} with "
                    "offsets in Unicode code points, end exclusive (doccano's layout; entities or spans are read "
                    "too)";
    f.summary =
        "A file with a line per text listing where each marked entity starts and ends and its class, as "
        "doccano writes it. For entity-recognition trainers.";
    f.tasks = {TaskType::NamedEntityRecognition};
    f.fileFilter = "Entities (*.jsonl *.json)";
    f.parse = parseNer;
    f.write = [f](const ProjectStore &store, const FormatExportOptions &o) { return writeNer(f, store, o); };
    return f;
}

} // namespace gw::datasets::formats

#include "datasets/eda.h"

#include "datasets/instances.h"

#include "datasets/consolidateshapes.h"

#include "datasets/mask.h"
#include "datasets/payload.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace gw::datasets {

namespace {

struct ItemInfo
{
    std::string split;
    int width = 0, height = 0;
};

/// Lower-case words of a text: runs of letters and digits (any non-ASCII byte counts as a letter), two
/// characters or more.
std::vector<std::string> wordsOf(std::string_view text)
{
    std::vector<std::string> out;
    std::string w;
    auto flush = [&] {
        if (w.size() >= 2)
            out.push_back(w);
        w.clear();
    };
    for (char ch : text) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) || c >= 0x80)
            w += char(std::tolower(c));
        else
            flush();
    }
    flush();
    return out;
}

int64_t codePoints(std::string_view s)
{
    return std::count_if(s.begin(), s.end(),
                         [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; });
}

double median(std::vector<double> v)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/// The words that set a class apart: log-odds of the word in the class against the other classes with a
/// uniform prior, as a z-score (Monroe, Colaresi & Quinn's "fightin' words"); words seen twice or more.
std::vector<std::pair<std::string, double>>
characteristic(const std::unordered_map<std::string, int64_t> &inClass,
               const std::unordered_map<std::string, int64_t> &all, int top)
{
    constexpr double a = 0.5;
    const double vocabulary = double(all.size());
    int64_t nc = 0, nall = 0;
    for (const auto &[w, n] : inClass)
        nc += n;
    for (const auto &[w, n] : all)
        nall += n;
    const double nr = double(nall - nc);
    std::vector<std::pair<std::string, double>> scored;
    for (const auto &[w, yc] : inClass) {
        if (yc < 2)
            continue;
        const double yr = double(all.at(w) - yc);
        const double lc = std::log((yc + a) / (nc + a * vocabulary - yc - a));
        const double lr = std::log((yr + a) / (nr + a * vocabulary - yr - a));
        const double z = (lc - lr) / std::sqrt(1.0 / (yc + a) + 1.0 / (yr + a));
        scored.emplace_back(w, z);
    }
    std::sort(scored.begin(), scored.end(), [](const auto &x, const auto &y) {
        return x.second != y.second ? x.second > y.second : x.first < y.first;
    });
    if (scored.size() > size_t(top))
        scored.resize(size_t(top));
    for (auto &[w, z] : scored)
        z = std::round(z * 1000) / 1000;
    return scored;
}

json::Value histogramJsonOf(const Histogram &h)
{
    json::Object o;
    o.set("min", h.min);
    o.set("max", h.max);
    o.set("total", h.total);
    o.set("mean", h.mean);
    o.set("lowest", h.lowest);
    o.set("highest", h.highest);
    json::Array counts;
    for (int64_t c : h.counts)
        counts.emplace_back(c);
    o.set("counts", std::move(counts));
    return o;
}

} // namespace

Histogram Histogram::of(const std::vector<double> &values, int bins)
{
    Histogram h;
    h.total = int64_t(values.size());
    if (values.empty() || bins < 1)
        return h;
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    h.min = h.lowest = *lo;
    h.max = h.highest = *hi;
    double sum = 0;
    bool integers = true;
    for (double v : values) {
        sum += v;
        integers = integers && v == std::floor(v);
    }
    h.mean = sum / double(values.size());
    if (integers && h.max - h.min + 1 <= bins) { // one bin per whole number
        bins = int(h.max - h.min) + 1;
        h.max = h.min + bins;
    } else if (h.max == h.min) {
        bins = 1;
    }
    h.counts.assign(size_t(bins), 0);
    for (double v : values)
        ++h.counts[size_t(h.binOf(v))];
    return h;
}

int Histogram::binOf(double value) const
{
    const int n = int(counts.size());
    if (n <= 1 || max <= min)
        return 0;
    return std::clamp(int(std::floor((value - min) / (max - min) * n)), 0, n - 1);
}

Result<EdaReport> computeEda(const ProjectStore &store, const EdaOptions &o)
{
    const auto started = std::chrono::steady_clock::now();
    EdaReport r;
    std::optional<Job> job;
    ItemFilter filter;
    if (!o.job.empty()) {
        auto j = store.job(o.job);
        if (!j)
            return fail(j.error());
        job = *j;
        r.job = job->name;
        r.type = job->type;
        filter.kind = taskInfo(job->type).image ? MediaKind::Image : MediaKind::Text;
    }
    auto total = store.countItems(filter);
    if (!total)
        return fail(total.error());

    // Items: splits, sizes, lengths, flagged media.
    std::unordered_map<int64_t, ItemInfo> items;
    std::unordered_map<int64_t, std::string> texts;
    const bool keepTexts = job && !taskInfo(job->type).image;
    std::vector<double> widths, heights, aspects, lengths;
    int64_t done = 0;
    bool cancelled = false;
    auto r1 = store.forEachItem(filter, [&](const Item &it) {
        ++r.items;
        ++r.splits[it.split];
        items.emplace(it.id, ItemInfo{it.split, it.width, it.height});
        if (it.flags) {
            ++r.flagged;
            if (r.flaggedSamples.size() < 20)
                r.flaggedSamples.push_back(it.uri);
        }
        if (it.kind == MediaKind::Image && it.width > 0 && it.height > 0) {
            widths.push_back(it.width);
            heights.push_back(it.height);
            aspects.push_back(double(it.width) / it.height);
        } else if (it.kind == MediaKind::Text) {
            lengths.push_back(double(codePoints(it.text)));
            if (keepTexts)
                texts.emplace(it.id, it.text);
        }
        if (o.progress && (++done & 0xfff) == 0 && !o.progress(done, *total * (job ? 2 : 1))) {
            cancelled = true;
            return false;
        }
        return true;
    });
    if (!r1)
        return fail(r1.error());
    if (cancelled)
        return fail(Error::cancelled());
    r.imageWidth = Histogram::of(widths, o.bins);
    r.imageHeight = Histogram::of(heights, o.bins);
    r.imageAspect = Histogram::of(aspects, o.bins);
    r.textLength = Histogram::of(lengths, o.bins);
    if (!job) {
        r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return r;
    }

    // Labels.
    std::map<int, size_t> rowOf;
    for (const LabelClass &c : job->classes) {
        rowOf[c.id] = r.classes.size();
        r.classes.push_back({c.id, c.name, c.color, 0, {}, {}});
    }
    std::vector<double> perItem, bw, bh, baspect, barea, confidence;
    r.boxCentres.assign(size_t(o.heatmapCells), std::vector<int64_t>(size_t(o.heatmapCells), 0));
    std::map<int, int64_t> maskPixels; // stored value → pixels
    std::unordered_map<int, std::unordered_map<std::string, int64_t>> wordsByClass;
    std::unordered_map<std::string, int64_t> allWords;
    struct Who
    {
        int64_t labels = 0;
        std::set<int64_t> hours;
        std::vector<double> seconds;
    };
    std::map<std::string, Who> who;
    auto r2 = store.forEachAnnotation(job->id, [&](const Annotation &a) {
        const Payload &p = a.payload;
        const auto info = items.find(a.itemId);
        if (info == items.end())
            return true; // an item of another kind
        ++r.labelled;
        std::set<int> present;
        double count = 0;
        switch (job->type) {
        case TaskType::BoundingBox:
        case TaskType::InstanceSegmentation: { // objects counted and measured by their boxes
            const int w = info->second.width > 0 ? info->second.width : p.imageWidth;
            const int h = info->second.height > 0 ? info->second.height : p.imageHeight;
            const std::vector<Box> shapes = instances::shapeBoxes(p);
            for (const Box &b : shapes) {
                present.insert(b.classId);
                bw.push_back(b.width);
                bh.push_back(b.height);
                if (b.height > 0)
                    baspect.push_back(b.width / b.height);
                if (w > 0 && h > 0) {
                    barea.push_back(b.width * b.height / (double(w) * h));
                    const int cells = o.heatmapCells;
                    const int cx = std::clamp(int((b.left + b.width / 2) / w * cells), 0, cells - 1);
                    const int cy = std::clamp(int((b.top + b.height / 2) / h * cells), 0, cells - 1);
                    ++r.boxCentres[size_t(cy)][size_t(cx)];
                }
            }
            count = double(shapes.size());
            break;
        }
        case TaskType::SemanticSegmentation:
            if (auto m = mask::decode(p.mask)) {
                std::array<int64_t, 256> n{};
                for (uint8_t v : m->pixels)
                    ++n[v];
                for (int v = 0; v < 256; ++v)
                    if (n[size_t(v)]) {
                        maskPixels[v] += n[size_t(v)];
                        if (v > 0)
                            present.insert(v - 1);
                    }
            }
            count = double(present.size());
            break;
        case TaskType::NamedEntityRecognition:
            for (const Span &s : p.spans)
                present.insert(s.classId);
            count = double(p.spans.size());
            break;
        default:
            present.insert(p.classes.begin(), p.classes.end());
            count = double(p.classes.size());
            break;
        }
        perItem.push_back(count);
        const std::string source(sourceName(a.provenance.source));
        for (int id : present)
            if (auto row = rowOf.find(id); row != rowOf.end()) {
                ClassBalance &c = r.classes[row->second];
                ++c.items;
                ++c.bySource[source];
                ++c.bySplit[info->second.split];
            }
        if (a.provenance.source == Source::Auto && a.provenance.confidence)
            confidence.push_back(*a.provenance.confidence);
        if (a.provenance.source != Source::Auto && !a.provenance.author.empty()) {
            Who &w = who[a.provenance.author];
            ++w.labels;
            w.hours.insert(a.provenance.createdUs / 3'600'000'000LL);
            if (a.provenance.timeSpentMs > 0)
                w.seconds.push_back(double(a.provenance.timeSpentMs) / 1000.0);
        }
        if (auto t = texts.find(a.itemId); t != texts.end() && !present.empty()) {
            std::set<std::string> seen; // a word counts once per text
            for (std::string &word : wordsOf(t->second))
                if (seen.insert(word).second) {
                    ++allWords[word];
                    for (int id : present)
                        ++wordsByClass[id][word];
                }
        }
        if (o.progress && (++done & 0xfff) == 0 && !o.progress(done, *total * 2)) {
            cancelled = true;
            return false;
        }
        return true;
    });
    if (!r2)
        return fail(r2.error());
    if (cancelled)
        return fail(Error::cancelled());
    r.labelsPerItem = Histogram::of(perItem, o.bins);
    r.boxWidth = Histogram::of(bw, o.bins);
    r.boxHeight = Histogram::of(bh, o.bins);
    r.boxAspect = Histogram::of(baspect, o.bins);
    r.boxArea = Histogram::of(barea, o.bins);
    r.autoConfidence = Histogram::of(confidence, o.bins);
    int64_t pixels = 0;
    for (const auto &[v, n] : maskPixels)
        pixels += n;
    for (const auto &[v, n] : maskPixels) {
        const LabelClass *c = v > 0 ? job->classById(v - 1) : nullptr;
        r.maskShares[v == 0 ? std::string("background")
                     : c    ? c->name
                            : "value " + std::to_string(v)] = double(n) / double(pixels);
    }
    for (const auto &[id, words] : wordsByClass)
        if (const LabelClass *c = job->classById(id))
            r.characteristicWords[c->name] = characteristic(words, allWords, o.topWords);

    for (auto &[name, w] : who) {
        AnnotatorStats s;
        s.name = name;
        s.labels = w.labels;
        s.activeHours = int64_t(w.hours.size());
        s.itemsPerHour = s.activeHours ? double(w.labels) / double(s.activeHours) : 0;
        s.medianSecondsPerItem = median(w.seconds);
        r.annotators.push_back(s);
    }
    std::sort(r.annotators.begin(), r.annotators.end(),
              [](const AnnotatorStats &x, const AnnotatorStats &y) { return x.labels > y.labels; });

    // Agreement: items that two or more people answered (each person's latest answer, unless taken back).
    {
        std::vector<consolidation::Answer> classAnswers;
        consolidation::Workers people;
        std::vector<Annotation> answers;
        double pairwiseSum = 0;
        auto closeItem = [&] {
            if (answers.size() >= 2) {
                ++r.itemsLabelledTwice;
                double sum = 0;
                int pairs = 0;
                bool allSame = true;
                for (size_t i = 0; i < answers.size(); ++i)
                    for (size_t j = i + 1; j < answers.size(); ++j) {
                        const double a = consolidation::answerAgreement(job->type, answers[i].payload, answers[j].payload);
                        allSame = allSame && a >= 1.0;
                        sum += a;
                        ++pairs;
                    }
                r.agreement += allSame ? 1.0 : 0.0;
                pairwiseSum += sum / pairs;
                r.lowAgreement += sum / pairs < 0.5;
            }
            answers.clear();
        };
        int64_t current = -1;
        const bool singleLabel = job->type == TaskType::ImageClassification || job->type == TaskType::TextClassification;
        auto walked = store.forEachAnswer(job->id, [&](const Annotation &a) {
            if (a.itemId != current) {
                closeItem();
                current = a.itemId;
            }
            answers.push_back(a);
            if (singleLabel && a.payload.classes.size() == 1)
                if (const int pos = job->positionOf(a.payload.classes.front()); pos >= 0)
                    classAnswers.push_back({a.itemId, people.index(a.provenance.author), pos});
            return true;
        });
        if (!walked)
            return fail(walked.error());
        closeItem();
        if (r.itemsLabelledTwice) {
            r.agreement /= double(r.itemsLabelledTwice);
            r.pairwise = pairwiseSum / double(r.itemsLabelledTwice);
            r.agreementMeasure = consolidation::agreementMeasure(job->type);
        }
        if (singleLabel) {
            const consolidation::ChanceCorrected cc =
                consolidation::chanceCorrectedAgreement(classAnswers, int(job->classes.size()));
            r.alpha = cc.alpha;
            r.kappa = cc.kappa;
        }
    }

    if (auto runs = store.runs(job->id))
        for (const Run &run : *runs) {
            json::Value m;
            if (run.kind != "autolabel" || run.status != "done" || !json::parse(run.metrics, m))
                continue;
            RoundFigures f;
            f.runId = run.id;
            f.iteration = int(m.find("iteration") ? m.find("iteration")->toInt() : 0);
            f.estimated = m.find("estimated_accuracy") ? m.find("estimated_accuracy")->toDouble() : 0;
            if (const json::Value *audited = m.find("audited_accuracy"); audited && audited->isNumber())
                f.audited = audited->toDouble();
            f.autoLabelled = m.find("auto_labeled_total") ? m.find("auto_labeled_total")->toInt() : 0;
            f.human = m.find("human_labels") ? m.find("human_labels")->toInt() : 0;
            r.rounds.push_back(f);
        }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return r;
}

Result<std::vector<int64_t>> itemsWhere(const ProjectStore &store, const std::string &jobName, EdaMeasure m,
                                        double low, double high, bool lastBin, int column, int row, int cells)
{
    auto job = store.job(jobName);
    if (!job)
        return fail(job.error());
    auto in = [&](double v) { return v >= low && (v < high || (lastBin && v <= high)); };
    std::vector<int64_t> out;
    if (m == EdaMeasure::ImageWidth || m == EdaMeasure::ImageAspect || m == EdaMeasure::TextLength) {
        ItemFilter f;
        f.kind = m == EdaMeasure::TextLength ? MediaKind::Text : MediaKind::Image;
        if (auto r = store.forEachItem(f,
                                       [&](const Item &it) {
                                           const bool sized = it.width > 0 && it.height > 0;
                                           const double v = m == EdaMeasure::ImageWidth ? double(it.width)
                                                            : m == EdaMeasure::ImageAspect
                                                                ? (sized ? double(it.width) / it.height : 0)
                                                                : double(codePoints(it.text));
                                           if ((m == EdaMeasure::TextLength || sized) && in(v))
                                               out.push_back(it.id);
                                           return true;
                                       });
            !r)
            return fail(r.error());
        return out;
    }
    if (auto r = store.forEachAnnotation(
            job->id,
            [&](const Annotation &a) {
                const Payload &p = a.payload;
                bool hit = false;
                switch (m) {
                case EdaMeasure::LabelsPerItem: {
                    const size_t n = job->type == TaskType::BoundingBox              ? p.boxes.size()
                                     : job->type == TaskType::InstanceSegmentation   ? p.instances.size()
                                     : job->type == TaskType::NamedEntityRecognition ? p.spans.size()
                                                                                     : p.classes.size();
                    hit = in(double(n));
                    break;
                }
                case EdaMeasure::AutoConfidence:
                    hit = a.provenance.source == Source::Auto && a.provenance.confidence &&
                          in(*a.provenance.confidence);
                    break;
                case EdaMeasure::BoxWidth:
                case EdaMeasure::BoxHeight:
                    for (const Box &b : instances::shapeBoxes(p))
                        hit = hit || in(m == EdaMeasure::BoxWidth ? b.width : b.height);
                    break;
                case EdaMeasure::BoxArea:
                case EdaMeasure::BoxAspect:
                case EdaMeasure::BoxCentre: {
                    auto item = store.item(a.itemId);
                    const int w = item && item->width > 0 ? item->width : p.imageWidth;
                    const int h = item && item->height > 0 ? item->height : p.imageHeight;
                    for (const Box &b : instances::shapeBoxes(p)) {
                        if (m == EdaMeasure::BoxAspect)
                            hit = hit || (b.height > 0 && in(b.width / b.height));
                        else if (w > 0 && h > 0 && m == EdaMeasure::BoxArea)
                            hit = hit || in(b.width * b.height / (double(w) * h));
                        else if (w > 0 && h > 0)
                            hit = hit ||
                                  (std::clamp(int((b.left + b.width / 2) / w * cells), 0, cells - 1) ==
                                       column &&
                                   std::clamp(int((b.top + b.height / 2) / h * cells), 0, cells - 1) == row);
                    }
                    break;
                }
                default:
                    break;
                }
                if (hit)
                    out.push_back(a.itemId);
                return true;
            });
        !r)
        return fail(r.error());
    return out;
}

json::Value toJson(const Histogram &h)
{
    return histogramJsonOf(h);
}

json::Value toJson(const EdaReport &r)
{
    json::Object o;
    o.set("job", r.job);
    if (!r.job.empty())
        o.set("type", std::string(taskInfo(r.type).id));
    o.set("items", r.items);
    o.set("labelled", r.labelled);
    o.set("flagged", r.flagged);
    json::Array flagged;
    for (const std::string &f : r.flaggedSamples)
        flagged.emplace_back(f);
    o.set("flagged_samples", std::move(flagged));
    json::Object splits;
    for (const auto &[s, n] : r.splits)
        splits.set(s.empty() ? std::string("(none)") : s, n);
    o.set("splits", std::move(splits));
    json::Array classes;
    for (const ClassBalance &c : r.classes) {
        json::Object x;
        x.set("name", c.name);
        x.set("color", c.color);
        x.set("items", c.items);
        json::Object bySource, bySplit;
        for (const auto &[k, n] : c.bySource)
            bySource.set(k, n);
        for (const auto &[k, n] : c.bySplit)
            bySplit.set(k.empty() ? std::string("(none)") : k, n);
        x.set("by_source", std::move(bySource));
        x.set("by_split", std::move(bySplit));
        classes.emplace_back(std::move(x));
    }
    o.set("classes", std::move(classes));
    for (const auto &[key, h] :
         {std::pair<const char *, const Histogram *>{"labels_per_item", &r.labelsPerItem},
          {"image_width", &r.imageWidth},
          {"image_height", &r.imageHeight},
          {"image_aspect", &r.imageAspect},
          {"box_width", &r.boxWidth},
          {"box_height", &r.boxHeight},
          {"box_aspect", &r.boxAspect},
          {"box_area", &r.boxArea},
          {"text_length", &r.textLength},
          {"auto_confidence", &r.autoConfidence}})
        if (h->total > 0)
            o.set(key, histogramJsonOf(*h));
    if (r.type == TaskType::BoundingBox && r.labelled > 0) {
        json::Array rows;
        for (const auto &row : r.boxCentres) {
            json::Array cells;
            for (int64_t n : row)
                cells.emplace_back(n);
            rows.emplace_back(std::move(cells));
        }
        o.set("box_centres", std::move(rows));
    }
    if (!r.maskShares.empty()) {
        json::Object shares;
        for (const auto &[k, v] : r.maskShares)
            shares.set(k, v);
        o.set("mask_shares", std::move(shares));
    }
    if (!r.characteristicWords.empty()) {
        json::Object words;
        for (const auto &[cls, list] : r.characteristicWords) {
            json::Array a;
            for (const auto &[w, z] : list)
                a.emplace_back(json::Array{json::Value(w), json::Value(z)});
            words.set(cls, std::move(a));
        }
        o.set("characteristic_words", std::move(words));
    }
    json::Array rounds;
    for (const RoundFigures &f : r.rounds) {
        json::Object x;
        x.set("iteration", int64_t(f.iteration));
        x.set("estimated", f.estimated);
        x.set("audited", f.audited ? json::Value(*f.audited) : json::Value());
        x.set("auto_labelled", f.autoLabelled);
        x.set("human", f.human);
        rounds.emplace_back(std::move(x));
    }
    o.set("rounds", std::move(rounds));
    json::Array people;
    for (const AnnotatorStats &a : r.annotators) {
        json::Object x;
        x.set("name", a.name);
        x.set("labels", a.labels);
        x.set("active_hours", a.activeHours);
        x.set("items_per_hour", std::round(a.itemsPerHour * 10) / 10);
        x.set("median_seconds_per_item", std::round(a.medianSecondsPerItem * 10) / 10);
        people.emplace_back(std::move(x));
    }
    o.set("annotators", std::move(people));
    o.set("items_labelled_twice", r.itemsLabelledTwice);
    o.set("agreement", r.agreement);
    if (r.alpha)
        o.set("krippendorff_alpha", *r.alpha);
    if (r.kappa)
        o.set("fleiss_kappa", *r.kappa);
    if (r.pairwise) {
        o.set("pairwise_agreement", *r.pairwise);
        o.set("agreement_measure", r.agreementMeasure);
    }
    o.set("low_agreement_items", r.lowAgreement);
    o.set("seconds", r.seconds);
    return o;
}

} // namespace gw::datasets

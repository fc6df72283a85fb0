#include "labeling/tools/spaneditor.h"

#include <QCoreApplication>
#include <QTextBoundaryFinder>

#include <algorithm>

namespace gw::labeling {

using namespace gw::datasets;

void SpanEditor::setText(const QString &text)
{
    m_text = text;
    m_utf16Of.clear();
    m_utf16Of.reserve(size_t(text.size()) + 1);
    for (int i = 0; i < text.size(); ++i) {
        m_utf16Of.push_back(i);
        if (text.at(i).isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate())
            ++i;
    }
    m_utf16Of.push_back(int(text.size()));
    m_spans.clear();
    m_selected = -1;
}

void SpanEditor::setPayload(const Payload &payload)
{
    const bool same = payload.spans.size() == m_spans.size()
                      && std::equal(m_spans.begin(), m_spans.end(), payload.spans.begin(), [](const Span &a, const Span &b) {
                             return a.classId == b.classId && a.start == b.start && a.end == b.end;
                         });
    m_base = payload;
    m_spans = payload.spans;
    if (!same || m_selected >= int(m_spans.size()))
        m_selected = -1;
}

void SpanEditor::select(int index)
{
    m_selected = index >= 0 && index < int(m_spans.size()) ? index : -1;
}

int64_t SpanEditor::codePointAt(int utf16) const
{
    auto it = std::lower_bound(m_utf16Of.begin(), m_utf16Of.end(), utf16);
    return int64_t(it - m_utf16Of.begin());
}

int SpanEditor::utf16At(int64_t codePoint) const
{
    if (codePoint <= 0)
        return 0;
    if (codePoint >= int64_t(m_utf16Of.size()))
        return int(m_text.size());
    return m_utf16Of[size_t(codePoint)];
}

std::pair<int, int> SpanEditor::trimmed(int from, int to) const
{
    from = std::clamp(from, 0, int(m_text.size()));
    to = std::clamp(to, from, int(m_text.size()));
    while (from < to && m_text.at(from).isSpace())
        ++from;
    while (to > from && m_text.at(to - 1).isSpace())
        --to;
    return {from, to};
}

std::pair<int, int> SpanEditor::snapToWords(int from, int to) const
{
    std::tie(from, to) = trimmed(std::min(from, to), std::max(from, to));
    if (from >= to)
        return {from, to};
    QTextBoundaryFinder words(QTextBoundaryFinder::Word, m_text);
    words.setPosition(from);
    if (!words.isAtBoundary())
        from = int(words.toPreviousBoundary());
    words.setPosition(to);
    if (!words.isAtBoundary())
        to = int(words.toNextBoundary());
    return trimmed(from, to);
}

std::optional<int> SpanEditor::spanAt(int utf16) const
{
    const int64_t cp = codePointAt(utf16);
    std::optional<int> best;
    for (int i = 0; i < int(m_spans.size()); ++i) {
        const Span &s = m_spans[size_t(i)];
        if (s.start <= cp && cp < s.end
            && (!best || s.end - s.start < m_spans[size_t(*best)].end - m_spans[size_t(*best)].start))
            best = i;
    }
    return best;
}

QString SpanEditor::className(const Job &job, int classId)
{
    const LabelClass *c = job.classById(classId);
    return c ? QString::fromStdString(c->name) : QString::number(classId);
}

Payload SpanEditor::payloadWith(std::vector<Span> spans) const
{
    std::sort(spans.begin(), spans.end(), [](const Span &a, const Span &b) {
        return a.start != b.start ? a.start < b.start : a.end < b.end;
    });
    Payload p = m_base;
    p.spans = std::move(spans);
    return p;
}

Result<ToolEdit> SpanEditor::addSpan(int from, int to, int classId, const Job &job)
{
    std::tie(from, to) = trimmed(std::min(from, to), std::max(from, to));
    if (from >= to)
        return fail(Error::invalid(QCoreApplication::translate("SpanEditor", "Select some text first.").toStdString()));
    Span span{classId, codePointAt(from), codePointAt(to), std::nullopt};
    for (const Span &s : m_spans) {
        if (s.start == span.start && s.end == span.end && s.classId == classId)
            return fail(Error::invalid("this text is already marked as " + className(job, classId).toStdString()));
        if (!job.allowOverlap && s.start < span.end && span.start < s.end)
        {
            // In the words on screen, not in offsets: which marked text is in the way, and what to do.
            const QString marked = m_text.mid(utf16At(s.start), utf16At(s.end) - utf16At(s.start)).simplified();
            return fail(Error::invalid(
                QCoreApplication::translate("SpanEditor", "The selection overlaps \u201c%1\u201d (%2); entities in "
                                                          "this job may not overlap. Select text outside it, or "
                                                          "click it and press a key to change its class.")
                    .arg(marked.size() > 40 ? marked.left(39) + QChar(0x2026) : marked, className(job, s.classId))
                    .toStdString()));
        }
    }
    std::vector<Span> spans = m_spans;
    spans.push_back(span);
    Payload p = payloadWith(spans);
    for (int i = 0; i < int(p.spans.size()); ++i)
        if (p.spans[size_t(i)].start == span.start && p.spans[size_t(i)].end == span.end
            && p.spans[size_t(i)].classId == classId)
            m_selected = i;
    m_spans = p.spans;
    return ToolEdit{std::move(p), QCoreApplication::translate("SpanEditor", "Mark %1").arg(className(job, classId))};
}

Result<ToolEdit> SpanEditor::retypeSelected(int classId, const Job &job)
{
    if (m_selected < 0)
        return fail(Error::invalid("no span is selected"));
    std::vector<Span> spans = m_spans;
    Span &s = spans[size_t(m_selected)];
    if (s.classId == classId)
        return fail(Error::invalid("the span is " + className(job, classId).toStdString() + " already"));
    s.classId = classId;
    s.confidence.reset();
    Payload p = payloadWith(spans);
    m_spans = p.spans;
    return ToolEdit{std::move(p), QCoreApplication::translate("SpanEditor", "Retype as %1").arg(className(job, classId))};
}

Result<ToolEdit> SpanEditor::deleteSelected(const Job &job)
{
    if (m_selected < 0)
        return fail(Error::invalid("no span is selected"));
    std::vector<Span> spans = m_spans;
    const int classId = spans[size_t(m_selected)].classId;
    spans.erase(spans.begin() + m_selected);
    m_selected = -1;
    Payload p = payloadWith(spans);
    m_spans = p.spans;
    return ToolEdit{std::move(p), QCoreApplication::translate("SpanEditor", "Delete %1").arg(className(job, classId))};
}

} // namespace gw::labeling

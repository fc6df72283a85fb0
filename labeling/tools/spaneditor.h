#pragma once

// Named-entity spans on a text, without widgets: maps between the code-point offsets that are stored and
// exported (Ground Truth's startOffset / endOffset) and the UTF-16 positions a text view works in, snaps a
// selection to word boundaries, and turns "mark this selection as class C", "retype", "delete" into edits.

#include "labeling/tools/tool.h"

#include "datasets/result.h"

#include <QString>

#include <optional>
#include <utility>
#include <vector>

namespace gw::labeling {

class SpanEditor
{
public:
    /// The text of the item (UTF-16, as Qt shows it).
    void setText(const QString &text);
    const QString &text() const { return m_text; }
    /// The item's current label; keeps the selected span when the same spans come back.
    void setPayload(const datasets::Payload &payload);
    const std::vector<datasets::Span> &spans() const { return m_spans; }

    int selected() const { return m_selected; }
    void select(int index);

    int64_t codePointAt(int utf16) const;   ///< code-point offset of a UTF-16 position
    int utf16At(int64_t codePoint) const;   ///< UTF-16 position of a code-point offset
    int64_t codePointCount() const { return int64_t(m_utf16Of.size()) - 1; }

    /// Widens [from, to) (UTF-16) to whole words; whitespace at the ends is dropped.
    std::pair<int, int> snapToWords(int from, int to) const;
    /// Drops leading and trailing whitespace from [from, to) (UTF-16).
    std::pair<int, int> trimmed(int from, int to) const;
    /// The span covering a UTF-16 position (the innermost when spans overlap), if any.
    std::optional<int> spanAt(int utf16) const;

    /// A new span over [from, to) (UTF-16) of class classId; refused when empty or overlapping (unless the job
    /// allows it). The new span is selected.
    Result<ToolEdit> addSpan(int from, int to, int classId, const datasets::Job &job);
    Result<ToolEdit> retypeSelected(int classId, const datasets::Job &job);
    Result<ToolEdit> deleteSelected(const datasets::Job &job);

private:
    datasets::Payload payloadWith(std::vector<datasets::Span> spans) const;
    static QString className(const datasets::Job &job, int classId);

    QString m_text;
    std::vector<int> m_utf16Of;  ///< code point -> UTF-16 position (size: code points + 1)
    std::vector<datasets::Span> m_spans;
    datasets::Payload m_base;
    int m_selected = -1;
};

} // namespace gw::labeling

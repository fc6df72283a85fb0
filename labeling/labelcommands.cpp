#include "labeling/labelcommands.h"

#include "labeling/labelingsession.h"

#include <utility>

namespace gw::labeling {

using namespace gw::datasets;

LabelCommand::LabelCommand(LabelingSession *session, int64_t jobId, int64_t itemId, std::optional<Annotation> before,
                           std::optional<Annotation> after, const QString &text)
    : QUndoCommand(text), m_session(session), m_jobId(jobId), m_itemId(itemId), m_before(std::move(before)),
      m_after(std::move(after))
{
}

void LabelCommand::redo()
{
    if (std::exchange(m_first, false))
        return;
    restore(m_before, m_after, "redo");
}

void LabelCommand::undo()
{
    restore(m_after, m_before, "undo");
}

bool LabelCommand::mergeAfter(const QUndoCommand *other)
{
    const auto *o = static_cast<const LabelCommand *>(other);
    if (o->m_itemId != m_itemId || o->m_jobId != m_jobId)
        return false;
    m_after = o->m_after;
    return true;
}

void LabelCommand::restore(const std::optional<Annotation> &expected, const std::optional<Annotation> &state,
                           const char *how)
{
    auto changed = m_session->changedSince(m_jobId, m_itemId, expected);
    if (!changed) {
        setObsolete(true);
        Q_EMIT m_session->failed(QString::fromStdString(changed.error().message));
        return;
    }
    if (*changed) {
        setObsolete(true); // nothing to restore over: the stack lets go of it
        Q_EMIT m_session->failed(**changed);
        return;
    }
    if (auto r = m_session->write(m_jobId, m_itemId, state, how); !r)
        Q_EMIT m_session->failed(QString::fromStdString(r.error().message));
}

std::unique_ptr<LabelCommand> makeLabelCommand(LabelChange change, LabelingSession *session, int64_t jobId,
                                               int64_t itemId, std::optional<Annotation> before,
                                               std::optional<Annotation> after, const QString &text)
{
    auto make = [&](auto *tag) -> std::unique_ptr<LabelCommand> {
        using C = std::remove_pointer_t<decltype(tag)>;
        return std::make_unique<C>(session, jobId, itemId, std::move(before), std::move(after), text);
    };
    switch (change) {
    case LabelChange::SetClass: return make(static_cast<SetClassCommand *>(nullptr));
    case LabelChange::ToggleClass: return make(static_cast<ToggleClassCommand *>(nullptr));
    case LabelChange::Shapes: return make(static_cast<EditShapesCommand *>(nullptr));
    case LabelChange::Nudge: return make(static_cast<NudgeBoxCommand *>(nullptr));
    case LabelChange::CopyBoxes: return make(static_cast<CopyBoxesCommand *>(nullptr));
    case LabelChange::Accept: return make(static_cast<AcceptLabelCommand *>(nullptr));
    case LabelChange::Clear: return make(static_cast<ClearLabelCommand *>(nullptr));
    }
    return make(static_cast<EditShapesCommand *>(nullptr));
}

} // namespace gw::labeling

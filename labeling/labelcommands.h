#pragma once

// The undo commands of label edits, one class per kind of change (STYLE.md): each says what it did, and all
// share what makes undo safe among several people — a command writes its state only while the store still holds
// what it wrote (undo) or what it replaced (redo); when someone else changed the item since, it says who and
// leaves the stack, and their label stays (both are in the history). The session writes a change before pushing
// its command, so the first redo does nothing and a failed write never leaves a command behind.

#include "datasets/types.h"

#include <QUndoCommand>

#include <memory>
#include <optional>

namespace gw::labeling {

class LabelingSession;

/// The kinds of change a session makes to an item's label.
enum class LabelChange {
    SetClass,    ///< a single-label class key
    ToggleClass, ///< a multi-label class key: a class added or removed
    Shapes,      ///< a tool's edit: boxes drawn, moved or deleted, a polygon or brush stroke, entities
    Nudge,       ///< arrow keys moving one box: consecutive nudges of an item merge into one step
    CopyBoxes,   ///< the previous image's boxes copied over
    Accept,      ///< an automatic label (or an adjustment's starting point) taken as the person's own
    Clear,       ///< the label removed (or, answering beside others, the answer taken back)
};

/// A change of one item's label from `before` to `after`.
class LabelCommand : public QUndoCommand
{
public:
    LabelCommand(LabelingSession *session, int64_t jobId, int64_t itemId, std::optional<datasets::Annotation> before,
                 std::optional<datasets::Annotation> after, const QString &text);

    void redo() override;
    void undo() override;
    int64_t itemId() const { return m_itemId; }

protected:
    /// Merging keeps the first state before and takes the other's state after (same item only).
    bool mergeAfter(const QUndoCommand *other);

private:
    /// Writes `state` if the item still holds `expected`.
    void restore(const std::optional<datasets::Annotation> &expected, const std::optional<datasets::Annotation> &state,
                 const char *how);

    LabelingSession *m_session;
    int64_t m_jobId;
    int64_t m_itemId;
    std::optional<datasets::Annotation> m_before, m_after;
    bool m_first = true;
};

class SetClassCommand final : public LabelCommand
{
public:
    using LabelCommand::LabelCommand;
};

class ToggleClassCommand final : public LabelCommand
{
public:
    using LabelCommand::LabelCommand;
};

class EditShapesCommand final : public LabelCommand
{
public:
    using LabelCommand::LabelCommand;
};

class NudgeBoxCommand final : public LabelCommand
{
public:
    using LabelCommand::LabelCommand;
    static constexpr int kId = 1;
    int id() const override { return kId; }
    bool mergeWith(const QUndoCommand *other) override { return mergeAfter(other); }
};

class CopyBoxesCommand final : public LabelCommand
{
public:
    using LabelCommand::LabelCommand;
};

class AcceptLabelCommand final : public LabelCommand
{
public:
    using LabelCommand::LabelCommand;
};

class ClearLabelCommand final : public LabelCommand
{
public:
    using LabelCommand::LabelCommand;
};

/// The command class of a kind of change.
std::unique_ptr<LabelCommand> makeLabelCommand(LabelChange change, LabelingSession *session, int64_t jobId,
                                               int64_t itemId, std::optional<datasets::Annotation> before,
                                               std::optional<datasets::Annotation> after, const QString &text);

} // namespace gw::labeling

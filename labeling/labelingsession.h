#pragma once

// An annotator's session on one job: the item being labeled, its current label, and the undo stacks (one per
// job, kept while the annotator switches jobs). Every edit is committed to the store as it is made and pushed
// as an undo command; undo and redo commit too, each as a new version dated when it is done that says what it
// restored, so closing the app (or a crash) loses nothing but a stroke in progress and history only moves
// forward in time.

#include "datasets/projectstore.h"

#include <QElapsedTimer>
#include <QObject>
#include <QUndoGroup>
#include <QUndoStack>

#include <map>
#include <set>
#include <memory>

#include <optional>

namespace gw::labeling {

enum class LabelChange;

class LabelingSession : public QObject
{
    Q_OBJECT
public:
    LabelingSession(datasets::ProjectStore &store, std::string author, QObject *parent = nullptr);

    /// Who edits are recorded as by default: GW_AUTHOR, else the login name.
    static std::string defaultAuthor();

    /// Switches to a job; its undo history comes back with it (each job keeps its own).
    void setJob(const datasets::Job &job);
    const datasets::Job &job() const { return m_job; }
    /// The current job's classes were edited (renamed, recoloured, moved, merged, removed): the item stays
    /// open and its label is read again (a merge may have rewritten it).
    void jobEdited(const datasets::Job &job);
    const std::string &author() const { return m_author; }
    /// Who the next edits are recorded as ("Working as…"); undo history stays.
    void setAuthor(std::string author)
    {
        m_author = std::move(author);
        m_names.insert(m_author);
    }
    datasets::ProjectStore &store() { return m_store; }
    /// The current job's undo stack; undoGroup() follows whichever is current (for the window's actions).
    QUndoStack *undoStack() { return m_undoGroup.activeStack(); }
    QUndoGroup *undoGroup() { return &m_undoGroup; }

    /// Answering alongside others (a job with several annotators per item): the session shows and edits the
    /// author's own answer to each item (datasets::answerOf) instead of the item's current label, so that no one
    /// sees another's answer first. Clearing takes the answer back. The open item is read again.
    void setOwnAnswers(bool on);
    bool ownAnswers() const { return m_ownAnswers; }

    /// Makes an item current and reads its label.
    Result<> openItem(int64_t itemId);
    /// No item is current (the list shows none): class keys and edits have nothing to act on.
    void closeItem();
    bool hasItem() const { return m_item.id != 0; }
    const datasets::Item &item() const { return m_item; }
    /// The item's current label in the job, if any.
    const std::optional<datasets::Annotation> &current() const { return m_current; }
    /// The current payload, or an empty one.
    datasets::Payload payload() const;

    /// Validates, commits and pushes an edit of the current item. mergeId >= 0 lets consecutive edits of
    /// the same kind on the same item merge into one undo step (arrow-key nudges).
    Result<> apply(const datasets::Payload &payload, const QString &text, int mergeId = -1);
    /// The same, as a given kind of change (labelcommands.h names the undo command by it).
    Result<> apply(const datasets::Payload &payload, const QString &text, LabelChange change);
    /// Removes the current item's label (undoable).
    Result<> clearLabel();
    /// A class key: single-label jobs set the class, multi-label jobs toggle it. Other jobs: no-op.
    Result<> pressClass(int classId);
    /// Accepts an automatic label as the annotator's own (undoable).
    Result<> acceptCurrent();

    /// Writes a label state for an item of a job (nullopt: no label). An edit writes its new label as it is;
    /// undo and redo (restoring = "undo" / "redo") write a copy of the version they bring back, dated now,
    /// whose extra field says {"restored": {"version": id, "by": author, "how": "undo"}}.
    /// replaced: what the write replaced, read inside it (the item's label, or the author's own answer).
    Result<> write(int64_t jobId, int64_t itemId, const std::optional<datasets::Annotation> &state,
                   const char *restoring = nullptr, std::optional<datasets::Annotation> *replaced = nullptr);
    /// Edits are refused with this message (a verification: its workers judge labels, they do not change them);
    /// empty: editable.
    void setReadOnly(const QString &why) { m_readOnly = why; }
    /// Edits are a reviewer's fixes in this review job (empty: none): their extra field says so, and consolidation
    /// leaves them as they are.
    void setFixing(const std::string &reviewJob) { m_fixing = reviewJob; }
    /// What to tell the annotator when the item no longer holds `expected` (the label an undo or redo would
    /// replace: someone changed it since); nullopt when it still does. Undo and redo check this first.
    Result<std::optional<QString>> changedSince(int64_t jobId, int64_t itemId,
                                                const std::optional<datasets::Annotation> &expected) const;
    /// Steps of undo kept per job.
    static constexpr int kUndoLimit = 1000;

    /// Edits made while a team server could not be reached: each is kept (shown as the item's label, a later edit of
    /// the same item replacing an earlier one), and written in order by savePending() once the server is back. An edit
    /// of a project file that cannot be written fails instead (the disk's own message says what to do).
    int pendingCount() const { return int(m_pending.size()); }
    /// Writes the kept edits, oldest first, each as the edit it was (undoable); stops at the first that still fails.
    Result<> savePending();

Q_SIGNALS:
    /// A label was written (by an edit, undo or redo); itemId may differ from the current item. labeledDelta
    /// is +1 when the item had no label in the job before, -1 when its label was cleared, else 0.
    void labelChanged(int64_t itemId, int labeledDelta);
    /// The classes the item's label no longer has and the ones it gained (classes, boxes, spans; not masks),
    /// emitted before labelChanged: class counts follow without walking the job's labels.
    void classesChanged(const std::vector<int> &removed, const std::vector<int> &added);
    /// Undo or redo could not be written (e.g. the disk is full).
    void failed(const QString &message);
    /// Edits are kept unsaved (count > 0: why) or were all written at last (count 0).
    void pendingChanged(int count, const QString &why);

private:
    Result<> push(std::optional<datasets::Annotation> after, const QString &text, LabelChange change);
    /// The label the session shows of an item: its current one, or the author's own answer (setOwnAnswers).
    Result<std::optional<datasets::Annotation>> shown(int64_t jobId, int64_t itemId) const;

    datasets::ProjectStore &m_store;
    std::string m_author;
    datasets::Job m_job;
    datasets::Item m_item;
    std::optional<datasets::Annotation> m_current;
    QUndoGroup m_undoGroup;                                 ///< before the stacks: they leave it as they go
    std::map<int64_t, std::unique_ptr<QUndoStack>> m_stacks; ///< per job id
    QElapsedTimer m_sinceOpen;
    bool m_ownAnswers = false;
    QString m_readOnly;
    std::set<std::string> m_names; ///< every name this session has written as (undo knows its own versions)
    std::string m_fixing;
    struct PendingEdit
    {
        int64_t jobId = 0, itemId = 0;
        std::optional<datasets::Annotation> after;
        QString text;
        LabelChange change;
    };
    std::vector<PendingEdit> m_pending;
    /// Writes one edit and puts it on the undo stack.
    Result<> writeEdit(PendingEdit &edit);
};

} // namespace gw::labeling

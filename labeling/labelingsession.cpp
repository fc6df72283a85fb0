#include "labeling/labelingsession.h"

#include "datasets/pg.h"

#include "labeling/labelcommands.h"

#include "datasets/review.h"
#include "datasets/workeranswers.h"

#include "datasets/groundtruth.h"
#include "datasets/json.h"
#include "datasets/payload.h"

#include <QUndoCommand>

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <pwd.h>
#include <unistd.h>

namespace gw::labeling {

using namespace gw::datasets;

std::string LabelingSession::defaultAuthor()
{
    for (const char *var : {"GW_AUTHOR", "USER", "LOGNAME"})
        if (const char *v = std::getenv(var); v && *v)
            return v;
    if (const passwd *pw = getpwuid(geteuid()); pw && pw->pw_name)
        return pw->pw_name;
    return "unknown";
}

LabelingSession::LabelingSession(ProjectStore &store, std::string author, QObject *parent)
    : QObject(parent), m_store(store), m_author(std::move(author))
{
    m_names.insert(m_author);
}

void LabelingSession::setJob(const Job &job)
{
    auto &stack = m_stacks[job.id];
    if (!stack) {
        stack = std::make_unique<QUndoStack>();
        stack->setUndoLimit(kUndoLimit);
        m_undoGroup.addStack(stack.get());
    }
    m_undoGroup.setActiveStack(stack.get());
    m_job = job;
    m_item = {};
    m_current.reset();
}

void LabelingSession::jobEdited(const Job &job)
{
    if (job.id != m_job.id)
        return;
    m_job = job;
    if (hasItem())
        if (auto current = shown(m_job.id, m_item.id))
            m_current = *current;
}

void LabelingSession::setOwnAnswers(bool on)
{
    m_ownAnswers = on;
    if (hasItem())
        if (auto current = shown(m_job.id, m_item.id))
            m_current = *current;
}

Result<std::optional<Annotation>> LabelingSession::shown(int64_t jobId, int64_t itemId) const
{
    auto label = m_ownAnswers ? answerOf(m_store, jobId, itemId, m_author) : m_store.currentAnnotation(jobId, itemId);
    if (!label || *label || jobId != m_job.id || m_job.kind != JobKind::Adjustment)
        return label;
    // An adjustment starts from the label it adjusts.
    return review::startingLabel(m_store, m_job, itemId);
}

void LabelingSession::closeItem()
{
    m_item = {};
    m_current.reset();
}

Result<> LabelingSession::openItem(int64_t itemId)
{
    auto item = m_store.item(itemId);
    if (!item)
        return fail(item.error());
    auto current = shown(m_job.id, itemId);
    if (!current)
        return fail(current.error());
    m_item = std::move(*item);
    m_current = std::move(*current);
    // An edit still waiting for the team server is what the item shows.
    for (const PendingEdit &p : m_pending)
        if (p.jobId == m_job.id && p.itemId == itemId)
            m_current = p.after;
    m_sinceOpen.start();
    return {};
}

Payload LabelingSession::payload() const
{
    return m_current ? m_current->payload : Payload();
}

Result<std::optional<QString>> LabelingSession::changedSince(int64_t jobId, int64_t itemId,
                                                             const std::optional<Annotation> &expected) const
{
    auto now = m_ownAnswers ? answerOf(m_store, jobId, itemId, m_author) : m_store.currentAnnotation(jobId, itemId);
    if (!now)
        return fail(now.error());
    auto history = m_store.history(jobId, itemId);
    if (!history)
        return fail(history.error());
    // The newest version that makes the item what it is (alongside others: the author's own).
    const ProjectStore::HistoryEntry *newest = nullptr;
    for (auto it = history->rbegin(); it != history->rend() && !newest; ++it)
        if (m_ownAnswers ? it->annotation.provenance.author == m_author : it->supersededUs == 0)
            newest = &*it;
    const bool same = bool(*now) == bool(expected) && (!expected || sameLabel((*now)->payload, expected->payload));
    const bool mine = !newest || m_names.count(newest->annotation.provenance.author) > 0;
    json::Value extra;
    const json::Value *rejected = nullptr;
    if (newest && !newest->annotation.extra.empty() && json::parse(newest->annotation.extra, extra))
        rejected = extra.find("rejected");
    if (same && mine && !rejected)
        return std::optional<QString>();
    if (rejected) {
        const json::Value *by = rejected->find("by"), *reason = rejected->find("reason");
        return std::optional<QString>(tr("Not undone: %1 rejected this label in review (\u201c%2\u201d); label the "
                                         "item again.")
                                          .arg(QString::fromStdString(by ? by->toString() : std::string()),
                                               QString::fromStdString(reason ? reason->toString() : std::string())));
    }
    // Who changed it: the newest version someone else wrote, else the author elsewhere (another window).
    std::string who = m_author;
    int64_t at = 0;
    for (auto it = history->rbegin(); it != history->rend(); ++it)
        if (!m_names.count(it->annotation.provenance.author)) {
            who = it->annotation.provenance.author;
            at = it->annotation.provenance.createdUs;
            break;
        }
    const QString when = QString::fromStdString(gt::formatCreationDate(at)).left(16).replace(QLatin1Char('T'), QLatin1Char(' '));
    return std::optional<QString>(
        m_names.count(who)
            ? tr("Not undone: this item's label was changed since (by you, in another window or program); the "
                 "newer label stays.")
            : tr("Not undone: %1 changed this item's label at %2 UTC, after your edit; their label stays and "
                 "yours is in the item's history.").arg(QString::fromStdString(who), when));
}

Result<> LabelingSession::write(int64_t jobId, int64_t itemId, const std::optional<Annotation> &state,
                                const char *restoring, std::optional<Annotation> *replaced)
{
    auto tx = m_store.begin();
    if (!tx)
        return fail(tx.error());
    // Whether the item had a label, read inside the write: the window counts progress from it.
    auto before = m_store.currentAnnotation(jobId, itemId);
    if (!before)
        return fail(before.error());
    // What the write replaces, read inside it too (what undo puts back): the item's label, or the author's answer.
    if (replaced) {
        auto was = m_ownAnswers ? answerOf(m_store, jobId, itemId, m_author) : Result<std::optional<Annotation>>(*before);
        if (!was)
            return fail(was.error());
        *replaced = std::move(*was);
    }
    if (state) {
        Annotation a = *state;
        if (restoring) {
            // A new version, dated now, that names the one it brings back and who did it.
            json::Value extra;
            if (a.extra.empty() || !json::parse(a.extra, extra) || !extra.isObject())
                extra = json::Object();
            json::Object restored;
            restored.set("version", json::Value(a.id));
            restored.set("by", json::Value(m_author));
            restored.set("how", json::Value(std::string(restoring)));
            extra.object().set("restored", json::Value(std::move(restored)));
            a.extra = json::toString(extra);
            a.id = 0;
            a.provenance.createdUs = 0;
        }
        if (auto r = review::markAdjustment(m_store, m_job.id == jobId ? m_job : Job(), a); !r)
            return fail(r.error());
        if (!m_fixing.empty() && !restoring && jobId == m_job.id) {
            // A reviewer's fix: consolidation leaves it as it is (workeranswers.cpp).
            json::Value extra;
            if (a.extra.empty() || !json::parse(a.extra, extra) || !extra.isObject())
                extra = json::Object();
            extra.object().set("fixedIn", json::Value(m_fixing));
            a.extra = json::toString(extra);
        }
        if (auto r = (*tx)->putAnnotation(a); !r)
            return fail(r.error());
    } else {
        Provenance who;
        who.author = m_author;
        // Alongside others, taking one's answer back leaves the item's label (theirs, the consolidated one) alone.
        if (auto r = m_ownAnswers ? (*tx)->withdrawAnswer(jobId, itemId, who) : (*tx)->clearAnnotation(jobId, itemId, who); !r)
            return fail(r.error());
    }
    auto after = m_store.currentAnnotation(jobId, itemId);
    if (!after)
        return fail(after.error());
    const int delta = (*after ? 1 : 0) - (*before ? 1 : 0);
    if (auto r = (*tx)->commit(); !r)
        return fail(r.error());
    if (jobId == m_job.id && itemId == m_item.id) {
        auto current = shown(jobId, itemId);
        if (current)
            m_current = std::move(*current);
    }
    const std::vector<int> was = *before ? payloadClassIds((*before)->payload) : std::vector<int>();
    const std::vector<int> now = *after ? payloadClassIds((*after)->payload) : std::vector<int>();
    std::vector<int> removed, added;
    std::set_difference(was.begin(), was.end(), now.begin(), now.end(), std::back_inserter(removed));
    std::set_difference(now.begin(), now.end(), was.begin(), was.end(), std::back_inserter(added));
    if (!removed.empty() || !added.empty())
        Q_EMIT classesChanged(removed, added);
    Q_EMIT labelChanged(itemId, delta);
    return {};
}

Result<> LabelingSession::push(std::optional<Annotation> after, const QString &text, LabelChange change)
{
    if (!m_readOnly.isEmpty())
        return fail(Error::invalid(m_readOnly.toStdString()));
    PendingEdit edit{m_job.id, m_item.id, std::move(after), text, change};
    // Kept edits go first, so that the store receives every edit in the order it was made.
    Result<> r = savePending();
    if (r)
        r = writeEdit(edit);
    if (r)
        return r;
    // A team server that went away (the connection is lost or cannot be made): the edit is kept, not lost.
    if (r.error().code != Error::Code::Io || !pg::isServerUrl(m_store.path()))
        return r;
    std::erase_if(m_pending, [&](const PendingEdit &p) { return p.jobId == edit.jobId && p.itemId == edit.itemId; });
    if (edit.after) {
        edit.after->provenance.createdUs = 0; // dated when it is written
        m_current = edit.after;
    } else {
        m_current.reset();
    }
    m_pending.push_back(std::move(edit));
    Q_EMIT pendingChanged(int(m_pending.size()),
                          tr("Not saved yet: %1. Your edits are kept here (%n waiting) and saved as soon as the team "
                             "server is back.", nullptr, int(m_pending.size()))
                              .arg(QString::fromStdString(r.error().message)));
    return {};
}

Result<> LabelingSession::writeEdit(PendingEdit &edit)
{
    // What the store held when written (the shown label may be older: someone else may have changed it since).
    // The starting point of an adjustment is the parent's label, not stored in this job: undo removes the label.
    std::optional<Annotation> before;
    if (auto r = write(edit.jobId, edit.itemId, edit.after, nullptr, &before); !r)
        return r;
    if (edit.after && edit.jobId == m_job.id && edit.itemId == m_item.id)
        edit.after = m_current; // with the id and time the store gave it
    if (QUndoStack *stack = m_stacks.count(edit.jobId) ? m_stacks[edit.jobId].get() : undoStack())
        stack->push(makeLabelCommand(edit.change, this, edit.jobId, edit.itemId, std::move(before), std::move(edit.after),
                                     edit.text)
                        .release());
    return {};
}

Result<> LabelingSession::savePending()
{
    if (m_pending.empty())
        return {};
    while (!m_pending.empty()) {
        PendingEdit edit = m_pending.front();
        if (auto r = writeEdit(edit); !r)
            return r;
        m_pending.erase(m_pending.begin());
    }
    Q_EMIT pendingChanged(0, tr("Saved: the team server is back and has every edit."));
    return {};
}

Result<> LabelingSession::apply(const Payload &payload, const QString &text, int mergeId)
{
    return apply(payload, text, mergeId >= 0 ? LabelChange::Nudge : LabelChange::Shapes);
}

Result<> LabelingSession::apply(const Payload &payload, const QString &text, LabelChange change)
{
    if (!hasItem())
        return fail(Error::invalid("no item is open"));
    if (const std::string msg = gt::validatePayload(m_job, m_item, payload); !msg.empty())
        return fail(Error::invalid(msg));
    Annotation a;
    a.jobId = m_job.id;
    a.itemId = m_item.id;
    a.payload = payload;
    a.provenance.source = Source::Human;
    a.provenance.humanAnnotated = true;
    a.provenance.author = m_author;
    a.provenance.timeSpentMs = m_sinceOpen.isValid() ? m_sinceOpen.elapsed() : 0;
    return push(std::move(a), text, change);
}

Result<> LabelingSession::clearLabel()
{
    if (!hasItem() || !m_current)
        return {};
    return push(std::nullopt, tr("Clear label"), LabelChange::Clear);
}

Result<> LabelingSession::pressClass(int classId)
{
    const LabelClass *cls = m_job.classById(classId);
    if (!cls || !hasItem())
        return fail(Error::invalid("no such class"));
    const TaskInfo &info = taskInfo(m_job.type);
    const bool classification = m_job.type == TaskType::ImageClassification
                                || m_job.type == TaskType::TextClassification
                                || m_job.type == TaskType::ImageClassificationMultiLabel
                                || m_job.type == TaskType::TextClassificationMultiLabel;
    if (!classification)
        return {};
    const QString name = QString::fromStdString(cls->name);
    if (!info.multiLabel) {
        Payload p;
        p.classes = {classId};
        p.classConfidence = {std::nullopt};
        return apply(p, tr("Label %1").arg(name), LabelChange::SetClass);
    }
    Payload p = payload();
    auto it = std::find(p.classes.begin(), p.classes.end(), classId);
    if (it != p.classes.end()) {
        p.classConfidence.erase(p.classConfidence.begin() + (it - p.classes.begin()));
        p.classes.erase(it);
        if (p.classes.empty())
            return push(std::nullopt, tr("Remove %1").arg(name), LabelChange::ToggleClass);
        return apply(p, tr("Remove %1").arg(name), LabelChange::ToggleClass);
    }
    p.classes.push_back(classId);
    p.classConfidence.push_back(std::nullopt);
    return apply(p, tr("Add %1").arg(name), LabelChange::ToggleClass);
}

Result<> LabelingSession::acceptCurrent()
{
    if (!m_current)
        return {};
    Payload p = m_current->payload;
    // The annotator vouches for the label: it becomes a human label without the model's confidences.
    for (auto &c : p.classConfidence)
        c.reset();
    for (Box &b : p.boxes)
        b.confidence.reset();
    for (Span &s : p.spans)
        s.confidence.reset();
    return apply(p, tr("Accept label"), LabelChange::Accept);
}

} // namespace gw::labeling

#include "datasets/importpolicy.h"

#include "datasets/payload.h"

#include <functional>

namespace gw::datasets {

namespace {

uint64_t textHash(std::string_view text)
{
    return uint64_t(std::hash<std::string_view>{}(text));
}

} // namespace

Result<std::optional<int64_t>> TextIndex::find(const std::string &text)
{
    if (!m_loaded) {
        ItemFilter f;
        f.kind = MediaKind::Text;
        auto r = m_store.forEachItem(f, [&](const Item &it) {
            m_ids.emplace(textHash(it.text), it.id);
            return true;
        });
        if (!r)
            return fail(r.error());
        m_loaded = true;
    }
    const auto [from, to] = m_ids.equal_range(textHash(text));
    for (auto it = from; it != to; ++it) {
        if (auto added = m_added.find(it->second); added != m_added.end()) {
            if (added->second == text)
                return std::optional<int64_t>(it->second);
            continue;
        }
        auto item = m_store.item(it->second);
        if (!item)
            return fail(item.error());
        if (item->text == text)
            return std::optional<int64_t>(it->second);
    }
    return std::optional<int64_t>();
}

void TextIndex::add(const std::string &text, int64_t itemId)
{
    // Found through the store too once it is loaded (same connection): a second entry for the same id is
    // harmless, and the copy here spares a look-up.
    m_ids.emplace(textHash(text), itemId);
    m_added.emplace(itemId, text);
}

Result<LabelOutcome> putImportedLabel(const ProjectStore &store, WriteTransaction &tx, Annotation &label,
                                      bool itemExisted, bool replace)
{
    LabelOutcome outcome = LabelOutcome::New;
    if (itemExisted) {
        auto current = store.currentAnnotation(label.jobId, label.itemId);
        if (!current)
            return fail(current.error());
        if (*current) {
            const Annotation &c = **current;
            if (sameLabel(c.payload, label.payload) && c.provenance.humanAnnotated == label.provenance.humanAnnotated)
                return LabelOutcome::Unchanged;
            const bool demotes = !label.provenance.humanAnnotated && c.provenance.humanAnnotated;
            const bool older = label.provenance.createdUs > 0 && label.provenance.createdUs < c.provenance.createdUs;
            if (!replace && (demotes || older))
                return LabelOutcome::Kept;
            outcome = LabelOutcome::Replaced;
        }
    }
    if (auto r = tx.putAnnotation(label); !r)
        return fail(r.error());
    return outcome;
}

void countLabel(ImportReport &report, LabelOutcome outcome)
{
    switch (outcome) {
    case LabelOutcome::New:
        ++report.labels;
        break;
    case LabelOutcome::Replaced:
        ++report.labels;
        ++report.labelsReplaced;
        break;
    case LabelOutcome::Kept:
        ++report.labelsKept;
        break;
    case LabelOutcome::Unchanged:
        ++report.labelsUnchanged;
        break;
    }
}

} // namespace gw::datasets

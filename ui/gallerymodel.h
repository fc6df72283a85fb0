#pragma once

// The images of a project as a flat list for the gallery: rows are paged in from the store on demand (keyset
// paging), each page with its labels, so a project of a million images opens at once and memory grows only
// with what was scrolled to. Thumbnails come from a ThumbnailCache owned by the model.

#include "datasets/projectstore.h"

#include <QAbstractListModel>
#include <QColor>
#include <QHash>
#include <QString>

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

template<typename T>
class QFutureWatcher;

namespace gw::ui {

class ThumbnailCache;

class GalleryModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        ItemIdRole = Qt::UserRole, ///< qint64, as in ItemTableModel
        LabelTextRole,             ///< QString: class names, "3 boxes", "mask"; empty when unlabeled
        LabelColorRole,            ///< QColor of the (first) class; none when unlabeled
        SourceRole,                ///< QString "human", "auto", "consolidated" or "imported"; none when unlabeled
        ConfidenceRole,            ///< double, when the label carries one
        FlaggedRole,               ///< bool: the media is missing or unreadable (at import, or when decoded)
    };

    /// Which images to show. Label filters refer to the job; without one nothing is labeled.
    /// Queue: the items automated labeling wants people to label, most useful first (setQueue()).
    /// Selection: an explicit list of items (setSelection(), e.g. the items behind a chart's bar).
    /// Mine: the items handed to the person working (setMine(), ProjectStore::takeWork), in the order given.
    enum class Filter { All, Unlabeled, Labeled, Human, Auto, Flagged, Queue, Selection, Mine };

    static constexpr int kPageSize = 1000;
    /// On a team server each row's label is a round trip: pages of 200 keep a page's load on the GUI thread short.
    static constexpr int kServerPageSize = 200;

    explicit GalleryModel(QObject *parent = nullptr);
    ~GalleryModel() override;

    /// Shows the store's images with their labels in job (optional). The store must outlive the model, or
    /// be taken away first with setStore(nullptr, nullptr).
    void setStore(const datasets::ProjectStore *store, const datasets::Job *job);
    const datasets::ProjectStore *store() const { return m_store; }
    /// The job's classes were edited (names, colours): the loaded rows are drawn again, nothing reloads.
    void setJobClasses(const datasets::Job &job);

    void setFilter(Filter filter);
    Filter filter() const { return m_filter; }
    /// Only images whose label in the job carries this class.
    void setClassFilter(std::optional<int> classId);
    std::optional<int> classFilter() const { return m_classFilter; }
    /// Only images whose label in the job was made by this author.
    void setAuthorFilter(std::optional<std::string> author);
    const std::optional<std::string> &authorFilter() const { return m_authorFilter; }
    /// The items of Filter::Queue, in order (class, author and sort do not apply to it). Rows of items that
    /// were labelled since stay where they are until the next setQueue().
    void setQueue(std::vector<int64_t> itemIds);
    const std::vector<int64_t> &queue() const { return m_queue; }
    /// The items of Filter::Selection, in order.
    void setSelection(std::vector<int64_t> itemIds);
    /// The items of Filter::Mine, in order.
    void setMine(std::vector<int64_t> itemIds);
    /// More items of Filter::Mine, after those listed (rows already there stay, with their labels).
    void appendMine(const std::vector<int64_t> &itemIds);
    const std::vector<int64_t> &mine() const { return m_mine; }
    /// Shows this worker's own answers instead of the items' current labels (several annotators per item: no
    /// one sees another's answer first); nullopt: the current labels.
    void setAnswersOf(std::optional<std::string> worker);
    /// Newest (highest id) first.
    void setSortDescending(bool descending);
    bool sortDescending() const { return m_descending; }

    /// Images matching the filters, counted in the background on a connection of its own: -1 until known,
    /// then filteredCountChanged().
    int64_t filteredCount() const { return m_count; }
    /// Row of a loaded item, -1 when it is not (yet) loaded.
    int rowOfItem(int64_t itemId) const;
    int64_t itemIdAt(int row) const;
    /// Reloads an item and its label, after a label or the item's flags changed. The row stays where it is
    /// even when it no longer matches the filter, so nothing moves under the annotator.
    void refreshItem(int64_t itemId);
    /// Reloads the labels of the loaded rows (after automated labeling wrote many); rows stay in place.
    void refreshLabels();
    /// Images were added to the store (with higher ids, e.g. a folder being indexed): the list takes them in
    /// after its rows, and counts again. Newest first, they would go above the rows shown: they are counted
    /// and come in when the list is loaded again.
    void itemsAdded();

    ThumbnailCache *thumbnails() const { return m_thumbnails; }

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

Q_SIGNALS:
    void filteredCountChanged(int64_t count);

private:
    void takeClasses(); ///< class names and colours of m_job
    enum class LabelKind : uint8_t { None, Empty, Classes, Boxes, Spans, Mask, Objects };

    /// One loaded image, kept small: a million of them is what scrolling to the end costs.
    struct Row
    {
        int64_t id = 0;
        int64_t labelUs = 0;
        double confidence = -1; ///< negative when none
        std::string uri;
        int32_t width = 0, height = 0;
        int32_t firstClass = -1;
        uint32_t count = 0;  ///< classes, boxes or spans
        uint32_t author = 0; ///< index into m_authors
        uint8_t flags = 0;
        LabelKind label = LabelKind::None;
        uint8_t source = 0;
    };

    datasets::ItemFilter baseFilter() const;
    bool matchesNothing() const;
    void reset();
    /// Reads the matches in the next window of ids into page; returns the milliseconds it took.
    qint64 scanWindow(std::vector<Row> &page);
    void takeFromQueue(std::vector<Row> &page);
    void scheduleContinuation();
    void loadLabel(Row &row);
    uint32_t internAuthor(const std::string &author);
    /// Counts the matches in the background; the count shown stays until the new one is in when keepShown.
    void startCount(bool keepShown = false);
    int64_t lastItemId() const;
    void setCount(int64_t count);
    void onThumbnailReady(int64_t itemId);
    QString labelText(const Row &row) const;
    QString toolTip(const Row &row) const;

    const datasets::ProjectStore *m_store = nullptr;
    std::string m_storePath, m_projectDir;
    std::optional<datasets::Job> m_job;
    QHash<int, QString> m_classNames;
    QHash<int, QColor> m_classColors;
    Filter m_filter = Filter::All;
    std::optional<int> m_classFilter;
    std::optional<std::string> m_authorFilter;
    bool m_descending = false;

    /// In id order (descending when sorted so): rowOfItem is a binary search. A deque, so that a page appended
    /// at a million rows never moves the rows already loaded (a vector's doubling stalled scrolling 134 ms).
    std::deque<Row> m_rows;
    std::vector<int64_t> m_queue;
    std::vector<int64_t> m_selection, m_mine;
    std::optional<std::string> m_answersOf;
    bool listMode() const
    {
        return m_filter == Filter::Queue || m_filter == Filter::Selection || m_filter == Filter::Mine;
    }
    const std::vector<int64_t> &listed() const
    {
        return m_filter == Filter::Selection ? m_selection : m_filter == Filter::Mine ? m_mine : m_queue;
    }
    size_t m_queueNext = 0;            ///< the next queue entry to load
    QHash<int64_t, int> m_queueRowOf; ///< Filter::Queue rows are not in id order
    QHash<int64_t, std::vector<int>> m_moreClasses; ///< multi-label rows: the classes after the first
    std::vector<QString> m_authors;
    std::unordered_map<std::string, uint32_t> m_authorIndex;

    // Keyset scan: the next page starts after (ascending) or before (descending) m_cursor. Each query looks
    // at a window of ids at most, so a filter that matches few images never blocks the GUI thread on a walk
    // of the whole table; the window grows while queries are quick.
    int64_t m_cursor = 0;
    int m_pageSize = kPageSize; ///< rows a page loads (kServerPageSize on a team server)
    int64_t m_maxId = 0;
    int64_t m_window = 0;
    bool m_atEnd = true;
    bool m_fetching = false;
    bool m_continuationScheduled = false;
    uint64_t m_generation = 0;

    int64_t m_count = -1;
    QFutureWatcher<int64_t> *m_countWatcher = nullptr;
    ThumbnailCache *m_thumbnails = nullptr;
};

} // namespace gw::ui

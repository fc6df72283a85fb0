#pragma once

// The items of a project as a table that loads rows on demand (fetchMore, keyset paging), so a project with a
// million items opens at once and memory grows only with what was scrolled to.

#include "datasets/projectstore.h"

#include <QAbstractTableModel>

#include <vector>

namespace gw::ui {

class ItemTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { IdColumn, MediaColumn, SizeColumn, LabelColumn, ColumnCount };

    explicit ItemTableModel(QObject *parent = nullptr);

    /// Shows the store's items (the store must outlive the model); job selects the label column.
    void setStore(const datasets::ProjectStore *store, const datasets::Job *job);
    /// Shows only the items matching base (paging fields are the model's own).
    void setFilter(const datasets::ItemFilter &base);
    /// Shows exactly these items in this order instead (automated labeling's queue); nullopt: the filter.
    void setQueue(std::optional<std::vector<int64_t>> itemIds);
    /// More items after the listed ones (setQueue given); the rows there stay.
    void appendToQueue(const std::vector<int64_t> &itemIds);
    int64_t totalCount() const { return m_total; }
    /// The label column shows this worker's own answers (GalleryModel::setAnswersOf); nullopt: current labels.
    void setAnswersOf(std::optional<std::string> worker);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    static constexpr int kPageSize = 500;

private:
    QString labelText(const datasets::Item &item) const;

    const datasets::ProjectStore *m_store = nullptr;
    std::optional<datasets::Job> m_job;
    std::vector<datasets::Item> m_rows;
    datasets::ItemFilter m_filter;
    std::optional<std::vector<int64_t>> m_queue;
    std::optional<std::string> m_answersOf;
    size_t m_queueNext = 0;
    int64_t m_total = 0;
    bool m_atEnd = true;
    bool m_fetching = false;
};

} // namespace gw::ui

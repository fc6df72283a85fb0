#pragma once

// The class panel: each class of the job with its colour, name, key and how many items carry it. A click
// makes a class current (the class new boxes and strokes get); double-clicking a key asks for a new one.

#include "datasets/types.h"

#include <QWidget>

#include <map>

class QTableWidget;

namespace gw::ui {

class ClassPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ClassPanel(QWidget *parent = nullptr);

    void setJob(const datasets::Job &job);
    void setCounts(const std::map<int, int64_t> &itemsPerClass);
    /// One item's label lost these classes and gained those (until the next count).
    void adjustCounts(const std::vector<int> &removed, const std::vector<int> &added);
    void setCurrentClass(int classId);
    int currentClass() const { return m_current; }

Q_SIGNALS:
    void classClicked(int classId);
    void keyChangeRequested(int classId);

private:
    void showCounts();

    datasets::Job m_job;
    QTableWidget *m_table;
    int m_current = -1;
    std::map<int, int64_t> m_counts;
    bool m_counted = false; ///< counts are shown once the first count is in
};

} // namespace gw::ui

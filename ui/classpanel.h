#pragma once

// The class panel: each class of the job with its colour, name, key and how many items carry it. A click
// makes a class current (the class new boxes and strokes get); double-clicking a key asks for a new one.
// Above the list it says which class the next object gets and which class the selected object has; below
// it, a button opens the class editor.

#include "datasets/types.h"

#include <QWidget>

#include <map>
#include <optional>

class QLabel;
class QTableWidget;

namespace gw::ui {

class ClassPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ClassPanel(QWidget *parent = nullptr);

    /// Shows a job's classes. The same job again (its classes edited) keeps the counts and the current class.
    void setJob(const datasets::Job &job);
    void setCounts(const std::map<int, int64_t> &itemsPerClass);
    /// One item's label lost these classes and gained those (until the next count).
    void adjustCounts(const std::vector<int> &removed, const std::vector<int> &added);
    void setCurrentClass(int classId);
    int currentClass() const { return m_current; }
    /// The selected object's class (-1: nothing selected), with what the object is ("box", "entity").
    void setSelectedObject(int classId, const QString &what);
    /// Items per class id, when counted.
    std::optional<std::map<int, int64_t>> counts() const;
    /// The line above the list: what the next object gets and what the selected one has.
    QString statusText() const;

Q_SIGNALS:
    void classClicked(int classId);
    void keyChangeRequested(int classId);
    void editRequested();

private:
    void showCounts();
    void showStatus();

    datasets::Job m_job;
    QTableWidget *m_table;
    QLabel *m_status;
    int m_current = -1;
    int m_selected = -1;
    QString m_selectedWhat;
    std::map<int, int64_t> m_counts;
    bool m_counted = false; ///< counts are shown once the first count is in
};

} // namespace gw::ui

#pragma once

// The workers of a job (Job › Workers…): how far the job is along its annotators per item, and per worker the
// items answered, the items in their queue now, their pace, their median time per item, and for
// classification their estimated accuracy and agreement with the consolidated labels. Read on a thread of its
// own (a million items take a while); Refresh reads again.

#include "datasets/workeranswers.h"

#include <QDialog>

class QLabel;
class QTableWidget;
class QPushButton;

namespace gw::ui {

class WorkersDialog : public QDialog
{
    Q_OBJECT
public:
    /// me: the worker using this window (their row is marked).
    WorkersDialog(const QString &projectPath, const datasets::Job &job, const QString &me, QWidget *parent = nullptr);

    /// Reads the figures again (in the background).
    void refresh();
    bool isBusy() const { return m_busy; }
    QTableWidget *table() const { return m_table; }
    QString summary() const;

Q_SIGNALS:
    void refreshed();

private:
    void showReport(const Result<datasets::WorkersReport> &report);

    QString m_path;
    datasets::Job m_job;
    QString m_me;
    QLabel *m_summary = nullptr;
    QTableWidget *m_table = nullptr;
    QPushButton *m_refresh = nullptr;
    bool m_busy = false;
};

} // namespace gw::ui

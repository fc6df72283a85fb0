#pragma once

// The training window: the project's runs (built-in trainings, hyperparameter searches and their trials,
// training scripts) with their status, and for the selected one its live log, its metric curves, its test
// evaluation (confusion matrix and per-class precision / recall / F1) and its details. Runs execute as
// separate processes (activelearning/runs.h); this view starts and stops them and follows their files, so it
// picks up runs that were started before the app was (re)opened and notices runs whose process died.

#include "activelearning/runs.h"

#include <QTimer>
#include <QWidget>

#include <map>
#include <memory>

class QChart;
class QChartView;
class QLabel;
class QLineSeries;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;
class QTableWidget;
class QValueAxis;

namespace gw::ui {

class ConfusionMatrixView;

class TrainingView : public QWidget
{
    Q_OBJECT
public:
    explicit TrainingView(QWidget *parent = nullptr);
    ~TrainingView() override;

    /// Opens the project with a connection of its own; `job` is the one "Use for automated labeling" defaults
    /// to. Runs whose process died are marked failed; running ones are followed.
    void setProject(const QString &storePath, const QString &job);

    /// Records a run and starts its process; the run's id.
    Result<int64_t> launch(const activelearning::RunRequest &request);
    /// The launch dialog, then launch().
    void newRun();
    void stopSelected();
    void compareSelected();
    /// Automated labeling of the selected run's job starts from its model (a finished built-in training).
    void useSelectedForAutoLabeling();

    void selectRun(int64_t runId);
    int64_t selectedRun() const;
    /// Polls now (the view polls every second on its own while it is shown).
    void refresh();

    QTableWidget *runsTable() const { return m_table; }
    QPlainTextEdit *logView() const { return m_log; }
    QChart *curvesChart() const;
    ConfusionMatrixView *confusionView() const { return m_confusion; }
    QTableWidget *classTable() const { return m_classes; }
    QLabel *statusLabel() const { return m_status; }

Q_SIGNALS:
    void startModelChanged(const QString &job, qint64 runId);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void reloadRuns(bool force);
    void showRun(int64_t runId);
    void follow();
    void addPoints(const std::vector<activelearning::MetricPoint> &points);
    void resetChart();
    void updateButtons();
    void updateStatus();
    QString jobName(int64_t jobId) const;

    std::unique_ptr<datasets::ProjectStore> m_store;
    QString m_job;
    std::vector<datasets::Run> m_runs; ///< as listed, newest first
    std::string m_signature;
    int64_t m_shown = 0;
    std::string m_shownStatus;
    activelearning::RunFollower m_follower;
    std::map<std::string, QLineSeries *> m_series;
    int m_maxStep = 1;
    double m_lossMax = 0;
    QTimer m_timer;

    QTableWidget *m_table;
    QPushButton *m_new, *m_stop, *m_compare, *m_use;
    QLabel *m_status;
    QTabWidget *m_tabs;
    QPlainTextEdit *m_log;
    QChartView *m_chartView;
    QValueAxis *m_x = nullptr, *m_loss = nullptr, *m_accuracy = nullptr;
    ConfusionMatrixView *m_confusion;
    QTableWidget *m_classes;
    QPlainTextEdit *m_details;
};

} // namespace gw::ui

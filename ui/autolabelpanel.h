#pragma once

// The automated-labeling panel: turns the loop on or off for the current job, sets its target accuracy, runs
// rounds in the background (train, calibrate, auto-label, queue) with progress and cancel, and shows where the
// job stands: people's and automatic labels, what waits for people, the threshold with the estimated and the
// audited accuracy, and a chart of validation accuracy against the confidence threshold.
//
// While it is on, a round starts by itself once people have labelled everything the previous round queued
// for them. The queue, most useful first, is what the main window lists by default.

#include "activelearning/autolabeler.h"
#include "datasets/types.h"

#include <QFutureWatcher>
#include <QSet>
#include <QWidget>

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

class QChart;
class QChartView;
class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QLineSeries;
class QProgressBar;
class QPushButton;

namespace gw::ui {

class AutoLabelPanel : public QWidget
{
    Q_OBJECT
public:
    explicit AutoLabelPanel(QWidget *parent = nullptr);
    /// Cancels a running round and waits for it to stop (at the next epoch).
    ~AutoLabelPanel() override;

    /// Follows the project (by path: rounds use connections of their own) and job; no job or an unsupported
    /// one disables the panel. Shows the job's last round and loads its queue in the background.
    void setJob(const QString &storePath, const std::optional<datasets::Job> &job);

    bool isOn() const;
    void setOn(bool on);
    double target() const;
    void setTarget(double target);
    /// Options for the rounds (seed, batch size, threads, ...); the target comes from the panel.
    void setLoopOptions(const activelearning::LoopOptions &options) { m_options = options; }

    /// Starts a round now; false when one is running or the panel is off.
    bool runRound();
    void cancel();
    bool isBusy() const;

    /// Called by the window after someone labelled an item: when everything queued for people is labelled
    /// and the panel is on, the next round starts.
    void noteHumanLabel(int64_t itemId);

    /// Items waiting for people, most useful first (probe and validation, audits, uncertain).
    const std::vector<int64_t> &queue() const { return m_queue; }
    /// The figures shown (the last round's).
    const activelearning::IterationReport &shown() const { return m_report; }
    QChart *chart() const;
    QString statusText() const;

Q_SIGNALS:
    void queueChanged();
    /// A round wrote labels: views should reload.
    void roundFinished();
    void busyChanged(bool busy);

private:
    struct Outcome;
    enum class Work { Queue, Start, Round };

    void launch(Work work);
    void finished();
    void onProgress(int epoch, int maxEpochs);
    void show(const activelearning::IterationReport &report);
    void showChart(const activelearning::IterationReport &report);
    void setStatus(const QString &text);
    void updateControls();
    void saveSettings() const;
    QString settingsKey(const char *name) const;

    QCheckBox *m_on = nullptr;
    QDoubleSpinBox *m_target = nullptr;
    QPushButton *m_runNow = nullptr;
    QPushButton *m_cancel = nullptr;
    QLabel *m_status = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_people = nullptr, *m_auto = nullptr, *m_waiting = nullptr, *m_unlabeled = nullptr;
    QLabel *m_threshold = nullptr, *m_estimated = nullptr, *m_audited = nullptr;
    QChartView *m_chartView = nullptr;
    QLineSeries *m_accuracy = nullptr, *m_bound = nullptr, *m_targetLine = nullptr, *m_chosen = nullptr;

    QString m_storePath;
    std::optional<datasets::Job> m_job;
    activelearning::LoopOptions m_options;
    activelearning::IterationReport m_report;
    std::vector<int64_t> m_queue;
    QSet<int64_t> m_waitingForPeople; ///< queued items nobody has labelled since the queue was read
    QFutureWatcher<std::shared_ptr<Outcome>> *m_watcher = nullptr;
    std::shared_ptr<std::atomic<bool>> m_cancelFlag;
    Work m_work = Work::Queue;
    bool m_again = false; ///< another round was asked for while one ran
};

} // namespace gw::ui

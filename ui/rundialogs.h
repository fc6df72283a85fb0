#pragma once

// The pieces of the training window that stand on their own: the dialog that starts a run (built-in trainer,
// hyperparameter search or a training script on a dataset version), the side-by-side comparison of runs
// (parameters, final metrics and curves), and the confusion matrix drawn as a heat map.

#include "activelearning/runs.h"
#include "activelearning/trainer.h"

#include <QDialog>
#include <QWidget>

class QChart;
class QCheckBox;
class QChartView;
class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;
class QStackedWidget;
class QTableWidget;

namespace gw::ui {

/// A run to start: kind, dataset version, hyperparameters, search ranges or a script with its metrics.
class LaunchRunDialog : public QDialog
{
    Q_OBJECT
public:
    /// The project's dataset versions fill the version list (newest first); jobs for the job list.
    LaunchRunDialog(const std::vector<datasets::DatasetVersion> &versions, QWidget *parent = nullptr);

    /// What the dialog describes; fails (with the message shown to the user) on a malformed field.
    Result<activelearning::RunRequest> request() const;

    // For tests and scripted use.
    void setVersion(int64_t versionId);
    void setScript(const QString &command, const QString &metrics);
    void setSearch(bool on, const QString &ranges = {});
    void setEpochs(int epochs);

protected:
    void accept() override;

private:
    QComboBox *m_version, *m_trainer;
    QStackedWidget *m_pages;
    QSpinBox *m_epochs, *m_batch, *m_patience, *m_seed, *m_imageSize;
    QDoubleSpinBox *m_learningRate;
    QGroupBox *m_search;
    QComboBox *m_method;
    QSpinBox *m_trials;
    QPlainTextEdit *m_ranges;
    QLineEdit *m_command;
    QPlainTextEdit *m_hyperparameters, *m_metrics;
    QLabel *m_error;
};

/// Runs side by side: a table of their settings and final metrics, and their curves of one metric.
class CompareRunsDialog : public QDialog
{
    Q_OBJECT
public:
    CompareRunsDialog(const std::vector<datasets::Run> &runs, QWidget *parent = nullptr);
    /// The metric whose curves are drawn ("validation_accuracy" by default).
    void showMetric(const QString &metric);
    QTableWidget *table() const { return m_table; }
    QChart *chart() const;

private:
    std::vector<datasets::Run> m_runs;
    QTableWidget *m_table;
    QComboBox *m_metric;
    QChartView *m_chartView;
};

/// A confusion matrix as a heat map: true classes down, predicted across, each cell shaded by its share of
/// the row, with its count written in it.
class ConfusionMatrixView : public QWidget
{
    Q_OBJECT
public:
    explicit ConfusionMatrixView(QWidget *parent = nullptr);
    void setReport(const std::optional<activelearning::ClassificationReport> &report);
    QSize sizeHint() const override { return {520, 440}; }
    QSize minimumSizeHint() const override { return {260, 220}; }

protected:
    void paintEvent(QPaintEvent *) override;

private:
    std::optional<activelearning::ClassificationReport> m_report;
};

} // namespace gw::ui

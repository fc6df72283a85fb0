#pragma once

// The dataset dialogs, generated from the format registry: Export (format, job, splits, the format's options,
// augmented copies with a live preview, a version name) and Import (a labelled dataset of another tool into a
// job). Both run the work on the thread pool with a store connection of their own, with progress and cancel.

#include "datasets/augment.h"
#include "datasets/formats/format.h"
#include "datasets/versions.h"

#include <QDialog>
#include <QFutureWatcher>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QLineEdit;
class QMessageBox;
class QSpinBox;
class QTimer;

namespace gw::ui {

/// Rows for a format's options (a combo box for choices, a line edit otherwise), in the registry's words for
/// people rather than the command line's; only the options that change what this export or import does.
class FormatOptionsForm
{
public:
    /// The rows go in at row `at` of the layout (-1: at its end).
    explicit FormatOptionsForm(QFormLayout *layout, int at = -1) : m_layout(layout), m_at(at) {}
    void showExport(const datasets::Format *format, datasets::TaskType job);
    void showImport(const datasets::Format *format);
    std::map<std::string, std::string> values() const;

private:
    void show(const datasets::Format *format,
              const std::function<bool(const datasets::FormatOption &)> &wanted);

    QFormLayout *m_layout;
    int m_at;
    std::vector<std::pair<std::string, QWidget *>> m_fields;
    std::vector<QWidget *> m_rows;
};

class ExportDialog : public QDialog
{
    Q_OBJECT
public:
    ExportDialog(const QString &storePath, const QString &job, QWidget *parent = nullptr);
    ~ExportDialog() override;

    /// The export the dialog describes now (an empty outPath until one is chosen).
    Result<datasets::DatasetExport> request() const;
    /// The augmentation the dialog's fields describe.
    Result<datasets::AugmentOptions> augmentOptions() const;
    void setFormat(const QString &id);
    void setOutPath(const QString &path);
    void setAugmentation(const QString &spec); ///< "" turns augmentation off
    /// Runs the export in the background with progress; returns when it ends. The outcome or the error is in
    /// outcomeText().
    bool runExport();
    QString outcomeText() const { return m_outcome; }
    /// Asks whether to replace an earlier export at the target (a message box); a test may answer instead.
    void setReplaceAnswer(std::function<bool(QMessageBox &question)> answer) { m_replaceAnswer = std::move(answer); }
    /// The preview images currently shown (augmented copies of a labelled image).
    int previewCount() const;

private:
    QGroupBox *makeAugmentation();
    datasets::TaskType jobType() const;
    bool augmentApplies() const;
    void fillFormats();
    void formatChanged();
    void schedulePreview();
    void updatePreview();
    void chooseOut();

    bool mayWriteTargets(datasets::DatasetExport &request);

    QString m_storePath;
    std::function<bool(QMessageBox &)> m_replaceAnswer;
    bool m_declined = false; ///< the user said no to replacing an earlier export
    QComboBox *m_job = nullptr, *m_format = nullptr;
    QLabel *m_description = nullptr;
    QLineEdit *m_out = nullptr, *m_name = nullptr;
    QCheckBox *m_splits[4] = {};
    QCheckBox *m_unlabeled = nullptr;
    QLabel *m_unlabeledNote = nullptr; ///< why the box is off, when the format cannot hold unlabeled items
    QFormLayout *m_optionRows = nullptr;
    std::unique_ptr<FormatOptionsForm> m_options;
    QGroupBox *m_augment = nullptr;
    QSpinBox *m_copies = nullptr, *m_cutout = nullptr;
    QCheckBox *m_hflip = nullptr, *m_vflip = nullptr;
    QDoubleSpinBox *m_rotate = nullptr, *m_scaleMin = nullptr, *m_scaleMax = nullptr, *m_crop = nullptr,
                   *m_brightness = nullptr, *m_contrast = nullptr, *m_blur = nullptr, *m_noise = nullptr;
    QLabel *m_preview[4] = {};
    QLabel *m_previewNote = nullptr;
    QTimer *m_previewTimer = nullptr;
    QFutureWatcher<std::vector<QImage>> *m_previewWatcher = nullptr;
    QString m_outcome;
};

class ImportDatasetDialog : public QDialog
{
    Q_OBJECT
public:
    ImportDatasetDialog(const QString &storePath, QWidget *parent = nullptr);

    void setFormat(const QString &id);
    void setPath(const QString &path);
    void setJob(const QString &job);
    bool runImport();
    QString outcomeText() const { return m_outcome; }
    /// Jobs the last import created or filled (to select one afterwards).
    QString job() const;

private:
    void formatChanged();
    void choosePath();

    QString m_storePath;
    QComboBox *m_format = nullptr, *m_job = nullptr;
    QLabel *m_description = nullptr;
    QLineEdit *m_path = nullptr;
    QCheckBox *m_addClasses = nullptr;
    QFormLayout *m_optionRows = nullptr;
    std::unique_ptr<FormatOptionsForm> m_options;
    QString m_outcome;
};

} // namespace gw::ui

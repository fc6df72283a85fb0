#pragma once

// Defines a labeling job: name (the Ground Truth label attribute name, validated as it is typed), task type,
// and classes with colours and shortcut keys.

#include "datasets/types.h"

#include <QDialog>

class QCheckBox;
class QSpinBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QDialogButtonBox;

namespace gw::ui {

class NewJobDialog : public QDialog
{
    Q_OBJECT
public:
    explicit NewJobDialog(QWidget *parent = nullptr);
    /// The job as entered; valid once the dialog was accepted.
    datasets::Job job() const;
    /// Empty when what is entered makes a valid job, else what is wrong.
    QString problem() const;

private:
    void validate();

    QLineEdit *m_name;
    QComboBox *m_type;
    QPlainTextEdit *m_classes;
    QCheckBox *m_overlap;
    QSpinBox *m_annotators;
    QLabel *m_message;
    QDialogButtonBox *m_buttons;
};

} // namespace gw::ui

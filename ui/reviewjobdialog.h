#pragma once

// Job › Review Labels…: a review job of the current job (accept or reject each label, rejected items are labeled
// again), or for boxes and masks Ground Truth's verification and adjustment jobs; optionally only the labels whose
// confidence is low (answers that disagree, automatic labels the model is unsure of).

#include "datasets/types.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace gw::ui {

class ReviewJobDialog : public QDialog
{
    Q_OBJECT
public:
    ReviewJobDialog(const datasets::Job &parent, QWidget *parent_ = nullptr);
    /// The job as entered (ready for ProjectStore::createJob); valid once the dialog was accepted.
    datasets::Job job() const;
    /// Empty when what is entered makes a valid job, else what is wrong.
    QString problem() const;

private:
    void kindChosen();
    void validate();

    datasets::Job m_parent;
    QComboBox *m_kind;
    QLineEdit *m_name;
    QDoubleSpinBox *m_below;
    QSpinBox *m_people;
    QLabel *m_about;
    QLabel *m_message;
    QDialogButtonBox *m_buttons;
    bool m_nameEdited = false;
};

} // namespace gw::ui

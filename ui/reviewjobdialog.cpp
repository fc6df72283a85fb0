#include "ui/reviewjobdialog.h"

#include "datasets/review.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace gw::ui {

using namespace gw::datasets;

ReviewJobDialog::ReviewJobDialog(const Job &parent, QWidget *parent_) : QDialog(parent_), m_parent(parent)
{
    setWindowTitle(tr("Review Labels of %1").arg(QString::fromStdString(parent.name)));
    m_kind = new QComboBox;
    m_kind->addItem(tr("Review: accept or reject each label"), int(JobKind::Review));
    const bool shapes = parent.type == TaskType::BoundingBox || parent.type == TaskType::SemanticSegmentation;
    if (shapes) {
        m_kind->addItem(tr("Verification (Ground Truth): correct or incorrect"), int(JobKind::Verification));
        m_kind->addItem(tr("Adjustment (Ground Truth): edit each label under a new name"), int(JobKind::Adjustment));
    }
    m_name = new QLineEdit;
    m_below = new QDoubleSpinBox;
    m_below->setRange(0, 1);
    m_below->setSingleStep(0.05);
    m_below->setDecimals(2);
    m_below->setSpecialValueText(tr("every label"));
    m_below->setPrefix(tr("those with a confidence below "));
    m_below->setToolTip(tr("Only the labels whose confidence is below this: labels consolidated from answers that "
                           "agree little, automatic labels the model is unsure of. People's own labels have none."));
    m_people = new QSpinBox;
    m_people->setRange(1, 9);
    m_people->setSuffix(tr(" per item"));
    m_about = new QLabel;
    m_about->setWordWrap(true);
    m_message = new QLabel;
    m_message->setStyleSheet(QStringLiteral("color:#c62828"));
    m_message->setWordWrap(true);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Create"));

    auto *form = new QFormLayout;
    form->addRow(tr("Kind:"), m_kind);
    form->addRow(tr("Name:"), m_name);
    form->addRow(tr("Labels:"), m_below);
    form->addRow(tr("People:"), m_people);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_about);
    layout->addWidget(m_message);
    layout->addStretch();
    layout->addWidget(m_buttons);
    setMinimumWidth(520);

    connect(m_kind, &QComboBox::currentIndexChanged, this, &ReviewJobDialog::kindChosen);
    connect(m_name, &QLineEdit::textEdited, this, [this] {
        m_nameEdited = true;
        validate();
    });
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    kindChosen();
}

void ReviewJobDialog::kindChosen()
{
    const auto kind = JobKind(m_kind->currentData().toInt());
    const QString parent = QString::fromStdString(m_parent.name);
    if (!m_nameEdited) {
        // Ground Truth's segmentation adjustment names end in -ref like the job's own (reference §7.2).
        QString base = parent;
        const bool ref = base.endsWith(QStringLiteral("-ref"));
        if (ref)
            base.chop(4);
        m_name->setText(kind == JobKind::Review         ? base + QStringLiteral("-review")
                        : kind == JobKind::Verification ? QStringLiteral("verify-") + base
                                                        : QStringLiteral("adjust-") + base + (ref ? QStringLiteral("-ref") : QString()));
    }
    m_below->setEnabled(kind != JobKind::Adjustment);
    // A rejection sends the item back at once: one reviewer per label.
    if (kind == JobKind::Review)
        m_people->setValue(1);
    m_people->setEnabled(kind != JobKind::Review);
    m_about->setText(kind == JobKind::Review
                         ? tr("Reviewers see each label of %1 and press Enter to accept it or Backspace to reject it "
                              "with a reason; they may fix it first. A rejected item goes back to be labeled again, "
                              "and its annotator sees the reason.").arg(parent)
                     : kind == JobKind::Verification
                         ? tr("Workers judge each label of %1: Enter for correct, Backspace for incorrect with a "
                              "comment. Exported as Ground Truth's label verification.").arg(parent)
                         : tr("Workers start from each label of %1 and correct it; the result is a job of its own, "
                              "exported as Ground Truth's label adjustment.").arg(parent));
    validate();
}

Job ReviewJobDialog::job() const
{
    auto j = review::chainedJob(JobKind(m_kind->currentData().toInt()), m_parent, m_name->text().trimmed().toStdString());
    if (!j)
        return {};
    j->reviewBelow = j->givesVerdicts() ? m_below->value() : 0;
    j->annotatorsPerItem = m_people->value();
    return *j;
}

QString ReviewJobDialog::problem() const
{
    const Job j = job();
    if (m_name->text().trimmed().isEmpty())
        return tr("Enter a name.");
    if (const std::string msg = validateLabelAttributeName(j.name, j.type); !msg.empty())
        return QString::fromStdString(msg);
    return {};
}

void ReviewJobDialog::validate()
{
    const QString why = problem();
    m_message->setText(why);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(why.isEmpty());
}

} // namespace gw::ui

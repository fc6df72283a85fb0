#include "ui/newjobdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace gw::ui {

using namespace gw::datasets;

NewJobDialog::NewJobDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("New Labeling Job"));
    m_name = new QLineEdit;
    m_name->setPlaceholderText(tr("e.g. animal or road-ref"));
    m_type = new QComboBox;
    for (const TaskInfo &t : allTasks())
        m_type->addItem(QString::fromUtf8(t.title.data(), qsizetype(t.title.size())), int(t.type));
    m_classes = new QPlainTextEdit;
    m_classes->setPlaceholderText(tr("One class per line:  name [#rrggbb] [key]\ne.g.\ncat #1f77b4 1\ndog"));
    m_classes->setMinimumHeight(160);
    m_overlap = new QCheckBox(tr("Entity spans may overlap"));
    m_annotators = new QSpinBox;
    m_annotators->setObjectName(QStringLiteral("annotatorsPerItem"));
    m_annotators->setRange(1, 9);
    m_annotators->setSuffix(tr(" per item"));
    m_annotators->setToolTip(tr("How many people label each item. With more than one, each labels on their own "
                                "(\u201cMy queue\u201d) and their answers are consolidated into the item's label."));
    m_message = new QLabel;
    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("color: #b00020"));
    auto *form = new QFormLayout;
    form->addRow(tr("&Name (label attribute):"), m_name);
    form->addRow(tr("&Task type:"), m_type);
    form->addRow(tr("&Classes:"), m_classes);
    form->addRow(QString(), m_overlap);
    form->addRow(tr("&People:"), m_annotators);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_message);
    layout->addWidget(m_buttons);
    connect(m_name, &QLineEdit::textChanged, this, &NewJobDialog::validate);
    connect(m_type, &QComboBox::currentIndexChanged, this, &NewJobDialog::validate);
    connect(m_type, &QComboBox::currentIndexChanged, this, [this] {
        m_overlap->setVisible(TaskType(m_type->currentData().toInt()) == TaskType::NamedEntityRecognition);
    });
    m_overlap->setVisible(false);
    connect(m_classes, &QPlainTextEdit::textChanged, this, &NewJobDialog::validate);
    resize(520, 420);
    validate();
}

Job NewJobDialog::job() const
{
    Job j;
    j.name = m_name->text().trimmed().toStdString();
    j.type = TaskType(m_type->currentData().toInt());
    j.allowOverlap = j.type == TaskType::NamedEntityRecognition && m_overlap->isChecked();
    j.annotatorsPerItem = m_annotators->value();
    int id = 0;
    for (const QString &raw : m_classes->toPlainText().split(QLatin1Char('\n'))) {
        const QStringList parts = raw.simplified().split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (parts.isEmpty())
            continue;
        LabelClass c;
        c.id = id;
        QStringList nameParts;
        for (const QString &p : parts) {
            if (p.startsWith(QLatin1Char('#')) && p.size() == 7)
                c.color = p.toLower().toStdString();
            else if (p.size() == 1 && nameParts.size() > 0)
                c.shortcut = QKeySequence(p).toString(QKeySequence::PortableText).toStdString();
            else
                nameParts << p;
        }
        c.name = nameParts.join(QLatin1Char(' ')).toStdString();
        if (c.color.empty())
            c.color = defaultClassColor(id);
        j.classes.push_back(c);
        ++id;
    }
    assignDefaultKeys(j.classes);
    return j;
}

QString NewJobDialog::problem() const
{
    const Job j = job();
    if (j.name.empty())
        return tr("Enter a name.");
    if (const std::string msg = validateLabelAttributeName(j.name, j.type); !msg.empty())
        return QString::fromStdString(msg);
    const bool single = j.type == TaskType::ImageClassification || j.type == TaskType::TextClassification;
    if (j.classes.size() < (single ? 2u : 1u))
        return single ? tr("A single-label job needs at least two classes.") : tr("Enter at least one class.");
    for (size_t i = 0; i < j.classes.size(); ++i)
        for (size_t k = 0; k < i; ++k) {
            if (j.classes[i].name == j.classes[k].name)
                return tr("Class '%1' is listed twice.").arg(QString::fromStdString(j.classes[i].name));
            if (!j.classes[i].shortcut.empty() && j.classes[i].shortcut == j.classes[k].shortcut)
                return tr("Key '%1' is given to '%2' and '%3'.")
                    .arg(QString::fromStdString(j.classes[i].shortcut), QString::fromStdString(j.classes[k].name),
                         QString::fromStdString(j.classes[i].name));
        }
    return {};
}

void NewJobDialog::validate()
{
    const QString p = problem();
    m_message->setText(p);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(p.isEmpty());
}

} // namespace gw::ui

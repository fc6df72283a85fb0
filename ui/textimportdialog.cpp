#include "ui/textimportdialog.h"

#include "datasets/json.h"
#include "datasets/text/csv.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileInfo>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QRadioButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace gw::ui {

namespace {

constexpr int kPreviewRows = 20;

} // namespace

TextImportDialog::TextImportDialog(const QString &path, QWidget *parent) : QDialog(parent), m_path(path)
{
    setWindowTitle(tr("Add Texts from %1").arg(QFileInfo(path).fileName()));
    const QString ext = QFileInfo(path).suffix().toLower();
    m_kind = ext == QStringLiteral("txt")        ? Kind::Txt
             : ext == QStringLiteral("csv")      ? Kind::Csv
             : ext == QStringLiteral("tsv")      ? Kind::Tsv
             : ext == QStringLiteral("jsonl")    ? Kind::Jsonl
             : ext == QStringLiteral("json")     ? Kind::Jsonl
             : ext == QStringLiteral("manifest") ? Kind::Manifest
                                                 : Kind::Other;
    readHead();

    auto *form = new QFormLayout;
    m_note = new QLabel;
    m_note->setWordWrap(true);
    if (m_kind == Kind::Txt) {
        m_byLine = new QRadioButton(tr("One item per line"));
        m_byFile = new QRadioButton(tr("The whole file is one item"));
        m_byLine->setChecked(true);
        form->addRow(tr("Read as:"), m_byLine);
        form->addRow(QString(), m_byFile);
        connect(m_byLine, &QRadioButton::toggled, this, &TextImportDialog::updatePreview);
    } else if (m_kind == Kind::Csv || m_kind == Kind::Tsv || m_kind == Kind::Jsonl) {
        m_choice = new QComboBox;
        if (m_kind == Kind::Jsonl)
            m_choice->addItem(tr("(a Ground Truth manifest: \"source\" / \"source-ref\")"), QString());
        for (const QString &c : choices())
            m_choice->addItem(c, c);
        form->addRow(m_kind == Kind::Jsonl ? tr("Text field:") : tr("Text column:"), m_choice);
        for (const char *preferred : {"text", "source", "body", "sentence"})
            if (choose(QString::fromLatin1(preferred)))
                break;
        connect(m_choice, &QComboBox::currentIndexChanged, this, &TextImportDialog::updatePreview);
    }
    m_preview = new QTableWidget;
    m_preview->verticalHeader()->hide();
    m_preview->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_preview->setWordWrap(false);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("<b>Preview</b> (first rows; the text of each item is highlighted)")));
    layout->addWidget(m_preview, 1);
    layout->addWidget(m_note);
    layout->addWidget(buttons);
    resize(860, 560);
    updatePreview();
}

void TextImportDialog::readHead()
{
    QFile f(m_path);
    if (!f.open(QIODevice::ReadOnly))
        return;
    while (!f.atEnd() && m_lines.size() < 200) {
        QString line = QString::fromUtf8(f.readLine());
        while (line.endsWith(QLatin1Char('\n')) || line.endsWith(QLatin1Char('\r')))
            line.chop(1);
        m_lines << line;
    }
    if (m_kind == Kind::Csv || m_kind == Kind::Tsv) {
        const char delim = m_kind == Kind::Csv ? ',' : '\t';
        std::string record;
        std::vector<std::string> fields;
        for (const QString &line : std::as_const(m_lines)) {
            if (!record.empty())
                record += '\n';
            record += line.toStdString();
            const auto split = datasets::csv::split(record, delim, fields);
            if (split.state == datasets::csv::Split::State::Incomplete)
                continue;
            record.clear();
            if (split.state == datasets::csv::Split::State::Invalid)
                continue; // the import names it with file and line; the preview shows the rows it can
            QStringList row;
            for (const auto &field : fields)
                row << QString::fromStdString(field);
            if (m_header.isEmpty())
                m_header = row;
            else if (m_rows.size() < kPreviewRows)
                m_rows << row;
        }
    } else if (m_kind == Kind::Jsonl) {
        for (const QString &line : std::as_const(m_lines)) {
            json::Value v;
            if (m_objects.size() >= kPreviewRows || !json::parse(line.toStdString(), v) || !v.isObject())
                continue;
            QMap<QString, QString> fields;
            for (const auto &[k, value] : v.toObject())
                if (value.isString())
                    fields.insert(QString::fromStdString(k), QString::fromStdString(value.toString()));
            m_objects << fields;
        }
    }
}

QStringList TextImportDialog::choices() const
{
    if (m_kind == Kind::Csv || m_kind == Kind::Tsv)
        return m_header;
    QStringList keys;
    for (const auto &o : m_objects)
        for (auto it = o.begin(); it != o.end(); ++it)
            if (!keys.contains(it.key()))
                keys << it.key();
    return keys;
}

bool TextImportDialog::choose(const QString &name)
{
    if (!m_choice)
        return false;
    const int i = m_choice->findData(name);
    if (i < 0)
        return false;
    m_choice->setCurrentIndex(i);
    return true;
}

datasets::SourceOptions TextImportDialog::options() const
{
    datasets::SourceOptions opt;
    if (m_byFile && m_byFile->isChecked())
        opt.txtMode = datasets::SourceOptions::TxtMode::File;
    const QString chosen = m_choice ? m_choice->currentData().toString() : QString();
    if (m_kind == Kind::Csv || m_kind == Kind::Tsv)
        opt.column = chosen.toStdString();
    if (m_kind == Kind::Jsonl)
        opt.field = chosen.toStdString(); // empty: read as a manifest
    return opt;
}

void TextImportDialog::updatePreview()
{
    m_preview->clear();
    const QColor mark(255, 236, 153);
    if (m_kind == Kind::Csv || m_kind == Kind::Tsv) {
        m_preview->setColumnCount(int(m_header.size()));
        m_preview->setHorizontalHeaderLabels(m_header);
        m_preview->setRowCount(int(m_rows.size()));
        const int chosen = int(m_header.indexOf(m_choice->currentData().toString()));
        for (int r = 0; r < m_rows.size(); ++r)
            for (int c = 0; c < m_rows[r].size() && c < m_header.size(); ++c) {
                auto *cell = new QTableWidgetItem(m_rows[r][c].left(300));
                if (c == chosen)
                    cell->setBackground(mark);
                m_preview->setItem(r, c, cell);
            }
        m_note->setText(chosen < 0 ? tr("Choose the column that holds the text.")
                                   : tr("The other columns are kept with each item and written back on export."));
    } else if (m_kind == Kind::Jsonl) {
        const QStringList keys = choices();
        const QString chosen = m_choice->currentData().toString();
        m_preview->setColumnCount(int(keys.size()));
        m_preview->setHorizontalHeaderLabels(keys);
        m_preview->setRowCount(int(m_objects.size()));
        for (int r = 0; r < m_objects.size(); ++r)
            for (int c = 0; c < keys.size(); ++c) {
                auto *cell = new QTableWidgetItem(m_objects[r].value(keys[c]).left(300));
                if (keys[c] == chosen || (chosen.isEmpty() && keys[c] == QStringLiteral("source")))
                    cell->setBackground(mark);
                m_preview->setItem(r, c, cell);
            }
        m_note->setText(chosen.isEmpty() ? tr("Each line is read as a Ground Truth manifest line (labels in it are imported too).")
                                         : tr("The other fields are kept with each item and written back on export."));
    } else {
        const bool whole = m_byFile && m_byFile->isChecked();
        m_preview->setColumnCount(1);
        m_preview->setHorizontalHeaderLabels({tr("Text")});
        const int rows = whole ? 1 : int(std::min<qsizetype>(m_lines.size(), kPreviewRows));
        m_preview->setRowCount(rows);
        for (int r = 0; r < rows; ++r) {
            auto *cell = new QTableWidgetItem(whole ? m_lines.join(QLatin1Char(' ')).left(300) : m_lines[r].left(300));
            cell->setBackground(mark);
            m_preview->setItem(r, 0, cell);
        }
        m_note->setText(m_kind == Kind::Manifest ? tr("A Ground Truth manifest: \"source\" or \"source-ref\" per line.")
                                                 : QString());
    }
    m_preview->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_preview->resizeColumnsToContents();
    for (int c = 0; c < m_preview->columnCount(); ++c)
        m_preview->setColumnWidth(c, std::min(m_preview->columnWidth(c), 420));
}

} // namespace gw::ui

#pragma once

// Importing texts from the app: shows the first rows of the file and lets the user choose how it is read —
// a .txt by line or as one item, the text column of a .csv/.tsv, the text field of a .jsonl (or the file as a
// Ground Truth manifest with "source").

#include "datasets/importers.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QRadioButton;
class QTableWidget;

namespace gw::ui {

class TextImportDialog : public QDialog
{
    Q_OBJECT
public:
    explicit TextImportDialog(const QString &path, QWidget *parent = nullptr);
    /// How to read the file, as chosen.
    datasets::SourceOptions options() const;
    /// Columns (csv/tsv) or string fields (jsonl) found in the first rows.
    QStringList choices() const;
    /// Chooses a column or field by name (for tests and defaults); false if there is no such choice.
    bool choose(const QString &name);
    QTableWidget *preview() const { return m_preview; }

private:
    enum class Kind { Txt, Csv, Tsv, Jsonl, Manifest, Other };
    void readHead();
    void updatePreview();

    QString m_path;
    Kind m_kind = Kind::Other;
    QStringList m_lines;                 ///< the first lines of the file
    QStringList m_header;                ///< csv/tsv
    QList<QStringList> m_rows;           ///< csv/tsv records, jsonl field values per line
    QList<QMap<QString, QString>> m_objects; ///< jsonl: string fields of each line
    QComboBox *m_choice = nullptr;
    QRadioButton *m_byLine = nullptr;
    QRadioButton *m_byFile = nullptr;
    QTableWidget *m_preview = nullptr;
    QLabel *m_note = nullptr;
};

} // namespace gw::ui

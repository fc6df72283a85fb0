#include "ui/filedialogs.h"

#include <QAbstractFileIconProvider>
#include <QApplication>
#include <QFileInfo>
#include <QIcon>
#include <QMimeDatabase>
#include <QStyle>

namespace gw::ui::filedialogs {

namespace {

/// Icons and type names from the file name only: QMimeDatabase::MatchExtension never opens the file.
class NameOnlyIconProvider final : public QAbstractFileIconProvider
{
public:
    // Made on the GUI thread; the dialog's gatherer thread only copies them.
    NameOnlyIconProvider()
        : m_folder(qApp->style()->standardIcon(QStyle::SP_DirIcon))
        , m_file(qApp->style()->standardIcon(QStyle::SP_FileIcon))
        , m_drive(qApp->style()->standardIcon(QStyle::SP_DriveHDIcon))
        , m_computer(qApp->style()->standardIcon(QStyle::SP_ComputerIcon))
    {
    }

    QIcon icon(IconType type) const override
    {
        switch (type) {
        case Computer:
            return m_computer;
        case Drive:
            return m_drive;
        case Folder:
            return m_folder;
        default:
            return m_file;
        }
    }

    QIcon icon(const QFileInfo &info) const override { return info.isDir() ? m_folder : m_file; }

    QString type(const QFileInfo &info) const override
    {
        if (info.isDir())
            return QApplication::translate("gw::ui::filedialogs", "Folder");
        return m_mime.mimeTypeForFile(info.fileName(), QMimeDatabase::MatchExtension).comment();
    }

private:
    QMimeDatabase m_mime;
    QIcon m_folder, m_file, m_drive, m_computer;
};

NameOnlyIconProvider *provider()
{
    // One per application, owned by it; dialogs only borrow it.
    static NameOnlyIconProvider *p = [] {
        auto *created = new NameOnlyIconProvider;
        QObject::connect(qApp, &QObject::destroyed, [created] { delete created; });
        return created;
    }();
    return p;
}

QStringList run(QWidget *parent, const QString &caption, const QString &dir, const QString &filter,
                QFileDialog::FileMode mode, QFileDialog::AcceptMode accept)
{
    QFileDialog dialog(parent, caption, dir, filter);
    prepare(dialog);
    dialog.setFileMode(mode);
    dialog.setAcceptMode(accept);
    if (mode == QFileDialog::Directory)
        dialog.setOption(QFileDialog::ShowDirsOnly, true);
    if (dialog.exec() != QDialog::Accepted)
        return {};
    return dialog.selectedFiles();
}

QString first(const QStringList &l)
{
    return l.isEmpty() ? QString() : l.front();
}

} // namespace

void prepare(QFileDialog &dialog)
{
    dialog.setOption(QFileDialog::DontUseNativeDialog, true);
    dialog.setOption(QFileDialog::DontUseCustomDirectoryIcons, true);
    dialog.setIconProvider(provider());
}

QString openFile(QWidget *parent, const QString &caption, const QString &dir, const QString &filter)
{
    return first(run(parent, caption, dir, filter, QFileDialog::ExistingFile, QFileDialog::AcceptOpen));
}

QStringList openFiles(QWidget *parent, const QString &caption, const QString &dir, const QString &filter)
{
    return run(parent, caption, dir, filter, QFileDialog::ExistingFiles, QFileDialog::AcceptOpen);
}

QString saveFile(QWidget *parent, const QString &caption, const QString &dir, const QString &filter)
{
    return first(run(parent, caption, dir, filter, QFileDialog::AnyFile, QFileDialog::AcceptSave));
}

QString folder(QWidget *parent, const QString &caption, const QString &dir, bool allowNew)
{
    if (allowNew) // a name typed for a folder that does not exist yet is accepted
        return first(run(parent, caption, dir, {}, QFileDialog::AnyFile, QFileDialog::AcceptSave));
    return first(run(parent, caption, dir, {}, QFileDialog::Directory, QFileDialog::AcceptOpen));
}

} // namespace gw::ui::filedialogs

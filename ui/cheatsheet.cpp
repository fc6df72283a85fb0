#include "ui/cheatsheet.h"

#include <QDialogButtonBox>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace gw::ui {

QString CheatSheet::html(const labeling::ShortcutMap &shortcuts)
{
    auto row = [](const QString &key, const QString &text) {
        return QStringLiteral("<tr><td style='padding:2px 14px 2px 0'><b>%1</b></td><td>%2</td></tr>")
            .arg(key.toHtmlEscaped(), text.toHtmlEscaped());
    };
    QString out = QStringLiteral("<table width='100%'><tr valign='top'><td width='50%'>");
    QString group;
    int count = 0;
    const int half = int(shortcuts.actions().size()) / 2;
    for (const labeling::ShortcutAction &a : shortcuts.actions()) {
        if (a.group != group) {
            if (!group.isEmpty())
                out += QStringLiteral("</table>");
            if (count >= half && !group.isEmpty() && !out.contains(QStringLiteral("<!--col2-->"))) {
                out += QStringLiteral("</td><td width='50%'><!--col2-->");
            }
            group = a.group;
            out += QStringLiteral("<h3>%1</h3><table>").arg(group.toHtmlEscaped());
        }
        out += row(a.key.isEmpty() ? tr("(none)") : a.key.toString(QKeySequence::NativeText), a.text);
        ++count;
    }
    out += QStringLiteral("</table>");
    out += QStringLiteral("<h3>%1</h3><table>").arg(tr("Canvas").toHtmlEscaped());
    out += row(tr("Wheel"), tr("Zoom around the cursor"));
    out += row(tr("Space + drag, middle button"), tr("Pan"));
    out += row(tr("Delete"), tr("Delete the selected box or vertex"));
    out += row(tr("Arrow keys (Shift: ×10)"), tr("Nudge the selected box"));
    out += row(tr("Tab / Shift+Tab"), tr("Select the next / previous box"));
    out += row(tr("Enter, double-click, right click"), tr("Close the polygon"));
    out += row(tr("[ and ], Ctrl + wheel"), tr("Brush size"));
    out += row(tr("Escape"), tr("Cancel the shape being drawn"));
    out += QStringLiteral("</table>");
    if (!shortcuts.classes().empty()) {
        out += QStringLiteral("<h3>%1</h3><table>").arg(tr("Classes").toHtmlEscaped());
        for (const auto &c : shortcuts.classes())
            out += row(c.shortcut.empty() ? tr("(none)") : QKeySequence(QString::fromStdString(c.shortcut)).toString(QKeySequence::NativeText),
                       QString::fromStdString(c.name));
        out += QStringLiteral("</table>");
    }
    out += QStringLiteral("</td></tr></table>");
    return out;
}

CheatSheet::CheatSheet(const labeling::ShortcutMap &shortcuts, QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Keyboard Shortcuts"));
    auto *text = new QTextBrowser;
    text->setHtml(html(shortcuts));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(text);
    layout->addWidget(buttons);
    resize(840, 760);
}

} // namespace gw::ui

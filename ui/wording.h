#pragma once

// Wording shared by the windows: counts in plain English ("1 item", "12,345 items"). Qt's "%n item(s)" form
// needs a translation file to become a plural, and the app ships none, so it showed "item(s)".

#include <QLocale>
#include <QString>

namespace gw::ui {

/// n with the singular or plural noun, n in the locale's digit grouping.
inline QString countText(qint64 n, const QString &one, const QString &many)
{
    return QStringLiteral("%1 %2").arg(QLocale().toString(n), n == 1 ? one : many);
}

} // namespace gw::ui

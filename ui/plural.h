#pragma once

// Counts in words: "1 item", "3 items". Qt's tr("%n item(s)", nullptr, n) reads "1 item(s)" unless a
// translation supplies the plural forms, and the app ships none; so callers give both forms, translated
// each on its own.

#include <QLocale>
#include <QString>

namespace gw::ui {

/// n in the form that fits it: plural(n, tr("%1 item"), tr("%1 items")).
inline QString plural(qint64 n, const QString &one, const QString &many)
{
    return (n == 1 ? one : many).arg(QLocale().toString(n)); // 12,345 items
}

} // namespace gw::ui

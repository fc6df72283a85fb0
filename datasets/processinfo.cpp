#include "datasets/processinfo.h"

#include <QFile>
#include <QList>
#include <QSysInfo>

namespace gw::datasets {

int64_t processStartTicks(int64_t pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray s = stat.readAll();
    const qsizetype close = s.lastIndexOf(')'); // the command name may hold spaces and parentheses
    if (close < 0)
        return -1;
    const QList<QByteArray> fields = s.mid(close + 2).split(' '); // fields 3.. of proc(5)
    if (fields.size() < 20 || fields[0] == "Z" || fields[0] == "X")
        return -1;
    return fields[19].toLongLong(); // field 22: start time in clock ticks after boot
}

std::string hostName()
{
    return QSysInfo::machineHostName().toStdString();
}

} // namespace gw::datasets

// Linked into every test program: Qt's test mode for standard paths, so that no test reads or writes the
// user's real settings (recent projects, keys, automated-labelling choices) or data folders: they go to
// ~/.qttest instead.

#include <QStandardPaths>
#include <QtGlobal>

namespace {

void enableTestMode()
{
    QStandardPaths::setTestModeEnabled(true);
}

} // namespace

Q_CONSTRUCTOR_FUNCTION(enableTestMode)

// groundwork: the desktop application. Wiring only; the window lives in gw::ui.

#include "ui/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>

#include <clocale>

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    // Qt adopts the user's locale; numbers in files, arguments and logs are always written with a '.'.
    std::setlocale(LC_NUMERIC, "C");
    QApplication::setApplicationName(QStringLiteral("Groundwork"));
    QApplication::setOrganizationName(QStringLiteral("Groundwork"));
    QApplication::setApplicationVersion(QStringLiteral(GW_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Groundwork: data labeling and dataset workbench."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("project"),
                                 QStringLiteral("A project file (*.gwproj) to open, or a folder of images to open as a "
                                                "project (FOLDER/FOLDER-NAME.gwproj)."));
    parser.process(app);

    gw::ui::MainWindow window;
    window.show();
    if (!parser.positionalArguments().isEmpty()) {
        const QString path = parser.positionalArguments().constFirst();
        if (QFileInfo(path).isDir())
            window.openFolder(path);
        else
            window.openProject(path);
    }
    return app.exec();
}

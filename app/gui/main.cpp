// SPDX-License-Identifier: MIT
// The heapscope desktop application: `heapscope [FILE...]`.
#include "indexkeeper.h"
#include "mainwindow.h"
#include "snapshotdocument.h"
#include "snapshotsession.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QThreadPool>

using namespace Qt::StringLiterals;

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(u"Heapscope"_s);
    QApplication::setOrganizationName(u"Heapscope"_s);
    QApplication::setApplicationVersion(QStringLiteral(HEAPSCOPE_VERSION));
    QApplication::setDesktopFileName(u"io.github.heapscope.Heapscope"_s);

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate(
        "main", "Shows what holds memory in V8 heap snapshots, and what grew between two of them."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        u"files"_s,
        QApplication::translate("main", "Snapshots to open (.heapsnapshot, .heaptimeline, .gz). "
                                        "With two, the Comparison is shown."),
        u"[FILE...]"_s);
    const QCommandLineOption noCache(
        u"no-cache"_s,
        QApplication::translate("main", "Neither use nor keep the indexes that make a reopen instant."));
    parser.addOption(noCache);
    parser.process(app);
    if (parser.isSet(noCache))
        IndexSettings::disableForThisRun();

    MainWindow window;
    window.resize(1400, 900);
    window.show();
    window.openFiles(parser.positionalArguments());
    const int rc = app.exec();
    // Stop loads still running and let the workers wind down before the libraries go away.
    for (SnapshotDocument* doc : window.session()->documents())
        doc->cancel();
    QThreadPool::globalInstance()->waitForDone();
    return rc;
}

// SPDX-License-Identifier: MIT
// File › Export Report in the app: the open snapshots' report written in the background, through a
// temporary file renamed over the output, as heapscope-cli report writes it.
#include "mainwindow.h"
#include "snapshotsession.h"

#include <QAction>
#include <QDir>
#include <QFile>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;

class TstExportReport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void writesTheReportOfTheOpenSnapshots();
};

void TstExportReport::writesTheReportOfTheOpenSnapshots() {
    const QString data = QStringLiteral(HEAPSCOPE_TEST_DATA_DIR);
    // Given newest first: the report puts them in time order.
    const QStringList files = {data + u"/leak2-C-node20.heapsnapshot.gz"_s,
                               data + u"/leak2-A-node20.heapsnapshot.gz"_s,
                               data + u"/leak2-B-node20.heapsnapshot.gz"_s};
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    MainWindow window;
    auto* action = window.findChild<QAction*>(u"actionExportReport"_s);
    QVERIFY(action);
    window.openFiles(files);
    QTRY_COMPARE_WITH_TIMEOUT(int(window.session()->documents().size()), 3, 60000);

    const QString out = dir.filePath(u"leak2-report.html"_s);
    QFile old(out);
    QVERIFY(old.open(QIODevice::WriteOnly));
    old.write("old");
    old.close();
    window.exportReport(out);
    QTRY_VERIFY_WITH_TIMEOUT(window.statusBar()->currentMessage().startsWith(u"Exported the report"_s),
                             120000);

    QFile report(out);
    QVERIFY(report.open(QIODevice::ReadOnly));
    const QByteArray html = report.readAll();
    QVERIFY(html.startsWith("<!DOCTYPE html>"));
    QVERIFY(html.endsWith("</html>\n"));
    // The series in time order, the Comparison of the newest against the previous, the leak groups.
    QVERIFY(
        html.contains(QByteArray("data-k=\"snap-0-file\" title=\"" + QFile::encodeName(files[1]) + "\"")));
    QVERIFY(
        html.contains(QByteArray("data-k=\"snap-2-file\" title=\"" + QFile::encodeName(files[0]) + "\"")));
    QVERIFY(html.contains(
        "leak2-C-node20.heapsnapshot.gz</code> (#3) against <code>leak2-B-node20.heapsnapshot.gz"));
    QVERIFY(html.contains("data-k=\"leak-count\" data-v=\"4\""));
    QVERIFY(html.contains("Made by Heapscope"));
    // Nothing but the report is left in the folder.
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{u"leak2-report.html"_s});
}

QTEST_MAIN(TstExportReport)
#include "tst_export_report.moc"

// SPDX-License-Identifier: MIT
// Exports: tables as CSV/JSON/Markdown, retainer paths (copy and the export dialog) against the
// core's formatters, and atomic writes that leave the previous file alone when they fail.
#include "testutil.h"

#ifndef Q_MOC_RUN
#include <heapscope/comparison.h>
#include <heapscope/retainer_paths.h>
#endif

#include "exportutil.h"
#include "mainwindow.h"
#include "models/comparisonmodel.h"
#include "models/modelroles.h"
#include "models/retainersmodel.h"
#include "models/summarymodel.h"
#include "navigator.h"
#include "pages/retainerspane.h"
#include "pages/summarypage.h"
#include "retainerpathactions.h"
#include "retainerpathsdialog.h"
#include "snapshotdocument.h"
#include "snapshotview.h"
#include "tableexport.h"
#include "widgets/viewsetup.h"

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMenu>
#include <QMessageBox>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QTreeView>

#include <csignal>
#include <sys/resource.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

QByteArray readAll(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

bool writeAll(const QString& path, const QByteArray& data) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

/// A two-level table with numbers in the sort role, as the heap models have them.
QStandardItemModel* makeTable(QObject* parent) {
    auto* model = new QStandardItemModel(0, 3, parent);
    model->setHorizontalHeaderLabels({u"Name"_s, u"Count"_s, u"Size"_s});
    model->setHeaderData(1, Qt::Horizontal, int(Qt::AlignRight | Qt::AlignVCenter), Qt::TextAlignmentRole);
    model->setHeaderData(2, Qt::Horizontal, int(Qt::AlignRight | Qt::AlignVCenter), Qt::TextAlignmentRole);
    auto row = [](const QString& name, int count, qulonglong bytes) {
        QList<QStandardItem*> items{new QStandardItem(name), new QStandardItem(QString::number(count)),
                                    new QStandardItem(u"%1 kB"_s.arg(bytes / 1000))};
        items[1]->setData(count, ModelRoles::SortRole);
        items[2]->setData(bytes, ModelRoles::SortRole);
        items[2]->setData(u"7 %"_s, ModelRoles::PercentRole);
        return items;
    };
    auto foo = row(u"Foo, \"quoted\""_s, 2, 12000);
    foo[0]->appendRow(row(u"Foo @1 | bar"_s, 1, 8000));
    foo[0]->appendRow(row(u"Foo @3"_s, 1, 4000));
    auto bar = row(u"Bar"_s, 1, 3000);
    bar[0]->appendRow(row(u"hidden child"_s, 1, 3000));
    model->appendRow(foo);
    model->appendRow(bar);
    return model;
}

/// Closes the next message box and keeps its texts.
struct MessageBoxCatcher {
    QString text, informative;
    bool seen = false;
    void arm() {
        QTimer::singleShot(0, [this] { poll(); });
    }
    void poll() {
        if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
            text = box->text();
            informative = box->informativeText();
            seen = true;
            box->accept();
            return;
        }
        QTimer::singleShot(20, [this] { poll(); });
    }
};

heapscope::NodeOrdinal nodeById(const heapscope::Analysis& a, std::uint32_t id) {
    return *a.snapshot->nodeWithId(id);
}

} // namespace

class TestExport : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(u"HeapscopeTests"_s);
        QCoreApplication::setApplicationName(u"tst_export"_s);
    }

    // ---- File › Export Table ----

    void tableFormats() {
        QTreeView view;
        QStandardItemModel* model = makeTable(&view);
        view.setModel(model);
        view.expand(model->index(0, 0)); // Bar stays collapsed: its child is not exported

        const QString csv = QString::fromUtf8(TableExport::exportView(&view, TableExport::Format::Csv));
        QCOMPARE(csv, u"depth,Name,Count,Size\n"
                      "0,\"Foo, \"\"quoted\"\"\",2,12000\n"
                      "1,Foo @1 | bar,1,8000\n"
                      "1,Foo @3,1,4000\n"
                      "0,Bar,1,3000\n"_s);

        const QJsonObject json =
            QJsonDocument::fromJson(TableExport::exportView(&view, TableExport::Format::Json)).object();
        QCOMPARE(json.value(u"columns"_s).toArray(), QJsonArray({u"Name"_s, u"Count"_s, u"Size"_s}));
        const QJsonArray rows = json.value(u"rows"_s).toArray();
        QCOMPARE(rows.size(), 4);
        QCOMPARE(rows[1].toObject().value(u"depth"_s).toInt(), 1);
        QCOMPARE(rows[1].toObject().value(u"cells"_s).toArray(), QJsonArray({u"Foo @1 | bar"_s, 1, 8000}));
        QCOMPARE(rows[3].toObject().value(u"cells"_s).toArray(), QJsonArray({u"Bar"_s, 1, 3000}));

        const QString md = QString::fromUtf8(TableExport::exportView(&view, TableExport::Format::Markdown));
        const QString nb = QString(2, QChar(0x00A0));
        QCOMPARE(md, u"| Name | Count | Size |\n"
                     "|---|---:|---:|\n"
                     "| Foo, \"quoted\" | 2 | 12 kB (7 %) |\n"
                     "| %1Foo @1 \\| bar | 1 | 8 kB (7 %) |\n"
                     "| %1Foo @3 | 1 | 4 kB (7 %) |\n"
                     "| Bar | 1 | 3 kB (7 %) |\n"_s.arg(nb));

        // Sorting and hidden rows are what the view shows.
        view.setSortingEnabled(true);
        view.sortByColumn(0, Qt::AscendingOrder);
        view.setRowHidden(1, model->index(1, 0), true); // Foo's "Foo @3" after sorting
        const QStringList lines =
            QString::fromUtf8(TableExport::exportView(&view, TableExport::Format::Csv)).split(u'\n');
        QCOMPARE(lines.value(1), u"0,Bar,1,3000"_s);
        QCOMPARE(lines.value(2), u"0,\"Foo, \"\"quoted\"\"\",2,12000"_s);
        QCOMPARE(lines.value(3), u"1,Foo @1 | bar,1,8000"_s);
        QCOMPARE(lines.size(), 5); // header, three rows, final newline
    }

    void summaryTableHasExactNumbers() {
        const heapscope::AnalysisPtr a = TestUtil::analysisOf("tiny-node20.heapsnapshot.gz");
        QVERIFY(a);
        SummaryModel model;
        model.setSummary(a);
        QTreeView view;
        view.setModel(&model);
        const QModelIndex first = model.index(0, 0);
        view.expand(first);
        const int shown = model.rowCount(first) - (model.canFetchMore(first) ? 1 : 0);
        QVERIFY(shown > 0);

        const QStringList lines = QString::fromUtf8(TableExport::exportView(&view, TableExport::Format::Csv))
                                      .split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1 + int(a->allObjects.classes.size()) + shown);
        // One column per value: the name, the object id and the class's object count apart.
        QCOMPARE(lines[0], u"depth,Constructor,Id,Count,Distance,Shallow Size,Retained Size"_s);
        // The first class row: exact bytes, not "12.3 kB".
        const heapscope::ClassAggregate& c = a->allObjects.classes[0];
        QVERIFY(lines[1].startsWith(u"0,"_s));
        QVERIFY2(lines[1].endsWith(u",%1,%2,%3"_s.arg(c.distance).arg(c.selfSize).arg(c.retainedSize)),
                 qPrintable(lines[1]));
        // Its first instance, one level down.
        const heapscope::NodeOrdinal node = model.objectAt(model.index(0, 0, first)).node;
        QVERIFY2(lines[2].startsWith(u"1,"_s), qPrintable(lines[2]));
        QVERIFY(lines[2].endsWith(u",%1,%2"_s.arg(a->selfSize[node]).arg(a->retainedSize[node])));
    }

    // ---- atomic writes ----

    void atomicWrite() {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"out.txt"_s);
        QString error;
        QVERIFY(ExportUtil::saveAtomically(path, "first", &error));
        QCOMPARE(readAll(path), QByteArray("first"));
        QVERIFY(ExportUtil::saveAtomically(path, "second", &error));
        QCOMPARE(readAll(path), QByteArray("second"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{u"out.txt"_s});
        // A directory that does not exist.
        QVERIFY(!ExportUtil::saveAtomically(dir.filePath(u"missing/out.txt"_s), "x", &error));
        QVERIFY(!error.isEmpty());
    }

    void readOnlyDirectoryKeepsOldFile() {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"table.csv"_s);
        QVERIFY(writeAll(path, "old contents\n"));
        // Root ignores permission bits; an immutable directory stops it too.
        const bool root = ::geteuid() == 0;
        if (root) {
            if (QProcess::execute(u"chattr"_s, {u"+i"_s, dir.path()}) != 0)
                QSKIP("running as root without chattr +i; fullDiskKeepsOldFile covers the failure");
        } else {
            QVERIFY(QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::ExeOwner));
        }
        QString error;
        const bool ok = ExportUtil::saveAtomically(path, "new contents\n", &error);
        if (root)
            QProcess::execute(u"chattr"_s, {u"-i"_s, dir.path()});
        else
            QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        QVERIFY(!ok);
        QVERIFY2(error.contains(u"ermission"_s) || error.contains(u"not permitted"_s), qPrintable(error));
        QCOMPARE(readAll(path), QByteArray("old contents\n"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{u"table.csv"_s});
    }

    // A write that fails half-way (the file size limit stands in for a full disk): no partial file,
    // the old one unchanged, and a message box that says why.
    void fullDiskKeepsOldFile() {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"paths.md"_s);
        QVERIFY(writeAll(path, "old contents\n"));
        const QByteArray big(1 << 20, 'x');

        struct rlimit saved {};
        QCOMPARE(::getrlimit(RLIMIT_FSIZE, &saved), 0);
        const auto previousHandler = std::signal(SIGXFSZ, SIG_IGN);
        struct rlimit small = saved;
        small.rlim_cur = 64 * 1024;
        QCOMPARE(::setrlimit(RLIMIT_FSIZE, &small), 0);
        QString error;
        const bool ok = ExportUtil::saveAtomically(path, big, &error);
        MessageBoxCatcher catcher;
        catcher.arm();
        QWidget parent;
        const bool shown = ExportUtil::save(&parent, path, big);
        ::setrlimit(RLIMIT_FSIZE, &saved);
        std::signal(SIGXFSZ, previousHandler);

        QVERIFY(!ok);
        QVERIFY2(error.contains(u"large"_s, Qt::CaseInsensitive) || error.contains(u"space"_s),
                 qPrintable(error));
        QVERIFY(!shown);
        QVERIFY(catcher.seen);
        QVERIFY(catcher.text.contains(QDir::toNativeSeparators(path)));
        QVERIFY2(catcher.informative.contains(error), qPrintable(catcher.informative));
        QCOMPARE(readAll(path), QByteArray("old contents\n"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{u"paths.md"_s});
    }

    // ---- retainer paths ----

    void menuHasPathActions() {
        const heapscope::AnalysisPtr a = TestUtil::analysisOf("leak-B-node20.heapsnapshot.gz");
        QVERIFY(a);
        Navigator navigator;
        QMenu menu;
        const ObjectRef object{a, nodeById(*a, 233605)};
        ViewSetup::addObjectActions(&menu, object, &navigator);
        QAction* copy = nullptr;
        QAction* exportAction = nullptr;
        for (QAction* action : menu.actions()) {
            if (action->text() == u"Copy Retainer Path"_s)
                copy = action;
            else if (action->text() == u"Export Retainer Paths…"_s)
                exportAction = action;
        }
        QVERIFY(copy && exportAction);
        QSignalSpy copySpy(&navigator, &Navigator::copyRetainerPath);
        QSignalSpy exportSpy(&navigator, &Navigator::exportRetainerPaths);
        copy->trigger();
        exportAction->trigger();
        QCOMPARE(copySpy.count(), 1);
        QCOMPARE(exportSpy.count(), 1);
    }

    void copyRetainerPath() {
        MainWindow window;
        window.show();
        window.openFiles({TestUtil::dataPath("leak-B-node20.heapsnapshot.gz")});
        QTRY_VERIFY_WITH_TIMEOUT(window.currentView() != nullptr, 60000);
        const heapscope::AnalysisPtr a = window.currentDocument()->analysis();
        const ObjectRef object{a, nodeById(*a, 233605)};

        QSignalSpy copied(window.retainerPathActions(), &RetainerPathActions::pathCopied);
        Q_EMIT window.navigator()->copyRetainerPath(object);
        QVERIFY(copied.wait(30000));
        const QString text = copied.first().first().toString();

        heapscope::PathOptions one;
        one.maxPaths = 1;
        auto first = heapscope::findRetainerPaths(*a, {object.node}, one);
        QVERIFY(first && first->paths.size() == 1);
        QCOMPARE(text, QString::fromStdString(heapscope::formatPathsText(*a, *first)));
        QCOMPARE(QGuiApplication::clipboard()->text(), text);
        // It is the first of the K shortest.
        auto five = heapscope::findRetainerPaths(*a, {object.node}, {});
        QVERIFY(five && !five->paths.empty());
        QCOMPARE(first->paths[0].hops.size(), five->paths[0].hops.size());
        for (std::size_t h = 0; h < five->paths[0].hops.size(); ++h)
            QCOMPARE(first->paths[0].hops[h].node, five->paths[0].hops[h].node);

        // A retainer ignored in the Retainers pane is left out of the search.
        SnapshotView* view = window.currentView();
        QVERIFY(view->summaryPage()->revealNode(object.node));
        RetainersPane* pane = view->retainersPane();
        QCOMPARE(pane->object().node, object.node);
        const heapscope::NodeOrdinal ignored = first->paths[0].hops[first->paths[0].hops.size() - 2].node;
        QSignalSpy ignoredChanged(pane, &RetainersPane::ignoredChanged);
        pane->ignoreRetainer(ignored);
        QVERIFY(ignoredChanged.wait(30000));
        QCOMPARE(window.ignoredRetainers(a.get()), std::vector<heapscope::NodeOrdinal>{ignored});
        copied.clear();
        Q_EMIT window.navigator()->copyRetainerPath(object);
        QVERIFY(copied.wait(30000));
        one.ignoredNodes = {ignored};
        auto without = heapscope::findRetainerPaths(*a, {object.node}, one);
        QVERIFY(without);
        QCOMPARE(copied.first().first().toString(),
                 QString::fromStdString(heapscope::formatPathsText(*a, *without)));
        QVERIFY(copied.first().first().toString() != text);
    }

    void exportDialogWritesCoreOutput_data() {
        QTest::addColumn<int>("format");
        QTest::addColumn<int>("k");
        QTest::addColumn<bool>("weak");
        QTest::newRow("text") << int(RetainerPathsDialog::Text) << 5 << false;
        QTest::newRow("markdown") << int(RetainerPathsDialog::Markdown) << 3 << false;
        QTest::newRow("json, weak") << int(RetainerPathsDialog::Json) << 2 << true;
    }

    void exportDialogWritesCoreOutput() {
        QFETCH(int, format);
        QFETCH(int, k);
        QFETCH(bool, weak);
        const heapscope::AnalysisPtr a = TestUtil::analysisOf("leak-B-node20.heapsnapshot.gz");
        QVERIFY(a);
        QWidget window;
        Navigator navigator;
        RetainerPathActions actions(&window, &navigator);
        const heapscope::NodeOrdinal node = nodeById(*a, 233605);
        actions.exportPaths(a, {node}, u"RequestRecord @233605"_s);
        RetainerPathsDialog* dialog = actions.dialog();
        QVERIFY(dialog && dialog->isVisible());
        QCOMPARE(dialog->maxPaths(), 5);
        QCOMPARE(dialog->format(), RetainerPathsDialog::Text);
        QVERIFY(!dialog->includeWeak());
        QVERIFY(dialog->filePath().endsWith(u"retainer-paths-233605.txt"_s));

        QTemporaryDir dir;
        dialog->setMaxPaths(k);
        dialog->setFilePath(dir.filePath(u"paths.txt"_s));
        dialog->setFormat(RetainerPathsDialog::Format(format));
        // The suffix follows the format.
        const QString path =
            dir.filePath(u"paths."_s + RetainerPathsDialog::suffix(RetainerPathsDialog::Format(format)));
        QCOMPARE(dialog->filePath(), path);
        dialog->setIncludeWeak(weak);
        QSignalSpy exported(&actions, &RetainerPathActions::exported);
        dialog->accept();
        QVERIFY(exported.wait(30000));
        QCOMPARE(exported.first().first().toString(), path);

        heapscope::PathOptions options;
        options.maxPaths = std::uint32_t(k);
        options.includeWeak = weak;
        auto paths = heapscope::findRetainerPaths(*a, {node}, options);
        QVERIFY(paths && !paths->paths.empty());
        const std::string expected =
            format == RetainerPathsDialog::Text       ? heapscope::formatPathsText(*a, *paths)
            : format == RetainerPathsDialog::Markdown ? heapscope::formatPathsMarkdown(*a, *paths)
                                                      : heapscope::formatPathsJson(*a, *paths);
        QCOMPARE(readAll(path), QByteArray::fromStdString(expected));
    }

    // The Comparison's "Export Retainer Paths of the New Objects…": all new instances of a class.
    void exportNewObjectsOfAClass() {
        const heapscope::AnalysisPtr base = TestUtil::analysisOf("leak-A-node20.heapsnapshot.gz");
        const heapscope::AnalysisPtr current = TestUtil::analysisOf("leak-B-node20.heapsnapshot.gz");
        QVERIFY(base && current);
        auto comparison = heapscope::compare(base, current);
        QVERIFY(comparison);
        ComparisonModel model;
        model.setComparison(*comparison);
        QModelIndex row;
        for (int r = 0; r < model.rowCount() && !row.isValid(); ++r)
            if (model.index(r, 0).data(ModelRoles::LabelRole).toString() == u"RequestRecord"_s ||
                model.index(r, 0).data().toString().startsWith(u"RequestRecord"_s))
                row = model.index(r, 0);
        QVERIFY(row.isValid());
        const heapscope::ClassDiff* diff = model.classDiffAt(row);
        QVERIFY(diff && diff->newNodes.size() > 1);
        QVERIFY(!model.classDiffAt(model.index(0, 0, row))); // an instance row is not a class

        QWidget window;
        Navigator navigator;
        RetainerPathActions actions(&window, &navigator);
        actions.exportPaths((*comparison)->current, diff->newNodes, u"the new RequestRecord objects"_s);
        QTemporaryDir dir;
        const QString path = dir.filePath(u"new.txt"_s);
        actions.dialog()->setFilePath(path);
        QSignalSpy exported(&actions, &RetainerPathActions::exported);
        actions.dialog()->accept();
        QVERIFY(exported.wait(30000));
        auto paths = heapscope::findRetainerPaths(*current, diff->newNodes, {});
        QVERIFY(paths && !paths->paths.empty());
        QCOMPARE(readAll(path), QByteArray::fromStdString(heapscope::formatPathsText(*current, *paths)));
    }

    // ---- through the main window ----

    void exportTableFromWindow() {
        MainWindow window;
        window.resize(1200, 800);
        window.show();
        window.openFiles({TestUtil::dataPath("tiny-node20.heapsnapshot.gz")});
        QTRY_VERIFY_WITH_TIMEOUT(window.currentView() != nullptr, 60000);
        SummaryPage* page = window.currentView()->summaryPage();
        page->view()->expand(page->model()->index(0, 0));
        QCOMPARE(window.currentView()->currentTable(), page->view());

        QTemporaryDir dir;
        const QString path = dir.filePath(u"summary.md"_s);
        QVERIFY(window.exportTable(path, TableExport::Format::Markdown));
        QCOMPARE(readAll(path), TableExport::exportView(page->view(), TableExport::Format::Markdown));
        QVERIFY(readAll(path).startsWith("| Constructor | Distance | Shallow Size | Retained Size |\n"));

        // A failed write says so and keeps the old file.
        MessageBoxCatcher catcher;
        catcher.arm();
        QVERIFY(!window.exportTable(dir.filePath(u"missing/summary.csv"_s), TableExport::Format::Csv));
        QVERIFY(catcher.seen);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{u"summary.md"_s});
    }
};

QTEST_MAIN(TestExport)
#include "tst_export.moc"

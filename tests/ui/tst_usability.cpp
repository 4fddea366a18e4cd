// SPDX-License-Identifier: MIT
// What a new user meets first: the start page (recent files, capture actions, how to take a
// snapshot, readable hints in light and dark themes), the sidebar's names and width, the name
// columns' width, the labelled counts, the Retainers pane between perspectives, Find @id under a
// filter, the Dominators root, the Statistics total, CSV exports of every view and Ctrl+E.
#include "testutil.h"

#ifndef Q_MOC_RUN
#include <heapscope/csv.h>
#endif

#include "mainwindow.h"
#include "models/comparisonmodel.h"
#include "models/dominatorsmodel.h"
#include "models/modelroles.h"
#include "models/summarymodel.h"
#include "models/topobjectsmodel.h"
#include "pages/comparisonpage.h"
#include "pages/containmentpage.h"
#include "pages/dominatorspage.h"
#include "pages/retainerspane.h"
#include "pages/startpage.h"
#include "pages/statisticspage.h"
#include "pages/summarypage.h"
#include "snapshotdocument.h"
#include "snapshotlistmodel.h"
#include "snapshotsession.h"
#include "snapshotview.h"
#include "tableexport.h"
#include "textutil.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <QTreeView>

using namespace Qt::StringLiterals;

namespace {

QPalette darkPalette() {
    QPalette p;
    p.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    p.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    p.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
    p.setColor(QPalette::ButtonText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Link, QColor(0x1a, 0x4a, 0x8a)); // a dark link colour: too faint here
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x55, 0x55, 0x55));
    return p;
}

QPalette lightPalette() {
    QPalette p;
    p.setColor(QPalette::Window, QColor(0xef, 0xef, 0xef));
    p.setColor(QPalette::WindowText, QColor(0x00, 0x00, 0x00));
    p.setColor(QPalette::Base, QColor(0xff, 0xff, 0xff));
    p.setColor(QPalette::Text, QColor(0x00, 0x00, 0x00));
    p.setColor(QPalette::Link, QColor(0x00, 0x00, 0xff));
    return p;
}

/// CSV text split into rows of cells (quoted fields as RFC 4180 writes them).
QList<QStringList> parseCsv(const QByteArray& data) {
    QList<QStringList> rows;
    QStringList row;
    QString cell;
    bool quoted = false, any = false;
    const QString text = QString::fromUtf8(data);
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == u'"' && i + 1 < text.size() && text[i + 1] == u'"') {
                cell += u'"';
                ++i;
            } else if (c == u'"') {
                quoted = false;
            } else {
                cell += c;
            }
        } else if (c == u'"') {
            quoted = true;
        } else if (c == u',') {
            row << cell;
            cell.clear();
        } else if (c == u'\n') {
            row << cell;
            rows << row;
            row.clear();
            cell.clear();
        } else {
            cell += c;
        }
        any = true;
    }
    if (any && (!cell.isEmpty() || !row.isEmpty()))
        rows << (row << cell);
    return rows;
}

/// Checks a view's CSV export: one column per value (every row as wide as the header), names
/// without decoration ("×" counts, "@" ids, " :: " edges), and the numeric columns as plain numbers.
void checkCsv(QTreeView* view, const QStringList& numericTitles) {
    const QList<QStringList> rows = parseCsv(TableExport::exportView(view, TableExport::Format::Csv));
    QVERIFY2(rows.size() >= 2, qPrintable(view->objectName()));
    const QStringList header = rows.first();
    for (const QStringList& row : rows)
        QCOMPARE(row.size(), header.size());
    QList<int> numeric;
    for (const QString& title : numericTitles) {
        const int c = int(header.indexOf(title));
        QVERIFY2(c >= 0,
                 qPrintable(view->objectName() + u": no column "_s + title + u" in "_s + header.join(u',')));
        numeric << c;
    }
    const int name = 1; // after "depth"
    for (qsizetype r = 1; r < rows.size(); ++r) {
        const QStringList& row = rows[r];
        const QString n = row[name];
        QVERIFY2(!n.contains(u'×') && !n.contains(u" @"_s) && !n.contains(u" :: "_s) &&
                     !n.contains(u" in "_s),
                 qPrintable(view->objectName() + u": "_s + n));
        for (int c : std::as_const(numeric)) {
            if (row[c].isEmpty())
                continue;
            bool ok = false;
            row[c].toDouble(&ok);
            QVERIFY2(ok, qPrintable(view->objectName() + u": "_s + header[c] + u" = "_s + row[c]));
        }
    }
}

/// Waits for a snapshot's results.
SnapshotView* openAndWait(MainWindow& window, const QStringList& files) {
    window.openFiles(files);
    for (int i = 0; i < 1200; ++i) {
        bool ready = window.session()->documents().size() >= files.size();
        for (SnapshotDocument* doc : window.session()->documents())
            ready = ready && doc->isReady();
        if (ready) // three or more files together show their trend: then the last one's view
            return window.currentView() ? window.currentView()
                                        : window.ensureView(window.session()->documents().back());
        QTest::qWait(50);
    }
    return nullptr;
}

} // namespace

class TestUsability : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(u"HeapscopeTests"_s);
        QCoreApplication::setApplicationName(u"tst_usability"_s);
        QSettings().clear();
    }

    void startPageIsWhereAHuntStarts() {
        const QString file = TestUtil::dataPath("tiny-node20.heapsnapshot.gz");
        QSettings().setValue(u"recentFiles"_s, QStringList{file, u"/nonexistent/gone.heapsnapshot"_s});
        MainWindow window;
        window.show();
        StartPage* start = window.startPage();
        QCOMPARE(window.pages()->currentWidget(), static_cast<QWidget*>(start));

        // Recent files with size and date.
        auto* recent = start->findChild<QListWidget*>(u"recentFiles"_s);
        QVERIFY(recent->isVisible());
        QCOMPARE(recent->count(), 2);
        const QFileInfo fi(file);
        const QString first = recent->item(0)->text();
        QVERIFY2(first.contains(fi.fileName()), qPrintable(first));
        QVERIFY2(first.contains(TextUtil::bytesAdaptive(std::uint64_t(fi.size()))), qPrintable(first));
        QVERIFY2(first.contains(QLocale().toString(fi.lastModified(), QLocale::ShortFormat)),
                 qPrintable(first));
        QVERIFY(!(recent->item(1)->flags() & Qt::ItemIsEnabled)); // a file that is gone

        // The actions a hunt starts with (the window connects them to the capture dialogs).
        for (const char* name : {"openButton", "connectButton", "watchFolderButton"})
            QVERIFY2(start->findChild<QPushButton*>(QString::fromLatin1(name))->isEnabled(), name);
        QCOMPARE(start->findChild<QPushButton*>(u"openExampleButton"_s)->isEnabled(),
                 !MainWindow::examplePaths().isEmpty());
        QSettings().remove(u"recentFiles"_s);
    }

    void startPageOffersEachWay() {
        StartPage page;
        page.show();
        StartPage* start = &page;
        QSignalSpy connectSpy(start, &StartPage::connectRequested);
        QSignalSpy watchSpy(start, &StartPage::watchFolderRequested);
        start->findChild<QPushButton*>(u"connectButton"_s)->click();
        start->findChild<QPushButton*>(u"watchFolderButton"_s)->click();
        QCOMPARE(connectSpy.count(), 1);
        QCOMPARE(watchSpy.count(), 1);

        // The four ways Node.js documents, copyable, each linked to its action.
        const QStringList expected = {u"node --inspect"_s, u"--heapsnapshot-signal=SIGUSR2"_s,
                                      u"writeHeapSnapshot()"_s, u"HeapProfiler.takeHeapSnapshot"_s};
        for (int way = 0; way < 4; ++way) {
            auto* code = start->findChild<QLabel*>(u"howToCommand%1"_s.arg(way));
            QVERIFY(code);
            QVERIFY2(code->text().contains(expected[way]), qPrintable(code->text()));
            start->findChild<QToolButton*>(u"howToCopy%1"_s.arg(way))->click();
            QCOMPARE(QGuiApplication::clipboard()->text(), StartPage::command(StartPage::Way(way)));
            QVERIFY(start->findChild<QLabel*>(u"howToLink%1"_s.arg(way)));
        }
        QVERIFY(StartPage::command(StartPage::SignalWay).contains(u"kill -USR2 PID"_s));
        QSignalSpy signalSpy(start, &StartPage::sendSignalRequested);
        QSignalSpy openSpy(start, &StartPage::openRequested);
        auto* signalLink = start->findChild<QLabel*>(u"howToLink1"_s);
        Q_EMIT signalLink->linkActivated(signalLink->text().section(u'"', 1, 1));
        auto* openLink = start->findChild<QLabel*>(u"howToLink3"_s);
        Q_EMIT openLink->linkActivated(openLink->text().section(u'"', 1, 1));
        QCOMPARE(signalSpy.count(), 1);
        QCOMPARE(openSpy.count(), 1);
    }

    void hintsAreReadableInLightAndDarkThemes() {
        for (const QPalette& palette : {lightPalette(), darkPalette()}) {
            const QColor window = palette.color(QPalette::Window);
            // A disabled label (what the hint used to be) is not readable on the dark one.
            const QColor hint = StartPage::hintColor(palette);
            QVERIFY2(StartPage::contrastRatio(hint, window) >= 4.5, qPrintable(hint.name()));
            QVERIFY(hint != palette.color(QPalette::WindowText)); // still a secondary colour

            StartPage page;
            page.setPalette(palette);
            page.resize(900, 900);
            page.show();
            auto* drop = page.findChild<QLabel*>(u"dropHint"_s);
            QVERIFY(drop->isEnabled());
            QVERIFY(StartPage::contrastRatio(drop->palette().color(QPalette::WindowText),
                                             drop->palette().color(QPalette::Window)) >= 4.5);
            auto* code = page.findChild<QLabel*>(u"howToCommand0"_s);
            QVERIFY(StartPage::contrastRatio(code->palette().color(code->foregroundRole()),
                                             code->palette().color(code->backgroundRole())) >= 4.5);
            // The links: the palette's link colour only when it can be read.
            auto* link = page.findChild<QLabel*>(u"howToLink0"_s);
            const QString colour = link->text().section(u"color:"_s, 1).left(7);
            QVERIFY2(StartPage::contrastRatio(QColor(colour), window) >= 4.5, qPrintable(link->text()));
        }
        QVERIFY(StartPage::contrastRatio(Qt::black, Qt::white) > 20.9);
        QCOMPARE(StartPage::contrastRatio(Qt::gray, Qt::gray), 1.0);
    }

    void sidebarNamesKeepWhatDiffers() {
        const QStringList names = {u"series-node-20261206-101500-1.heapsnapshot"_s,
                                   u"series-node-20261206-101500-2.heapsnapshot"_s,
                                   u"series-node-20261206-101500-13.heapsnapshot"_s};
        const auto [prefix, suffix] = SnapshotListModel::commonAffixes(names);
        QCOMPARE(prefix, int(QStringView(u"series-node-20261206-101500-").size()));
        QCOMPARE(suffix, int(QStringView(u".heapsnapshot").size()));
        const QFontMetrics fm(QApplication::font());
        for (const QString& name : names) {
            const int width = fm.horizontalAdvance(name) / 2;
            const QString shown = SnapshotListModel::elideKeepingDifference(name, prefix, suffix, fm, width);
            QVERIFY2(fm.horizontalAdvance(shown) <= width, qPrintable(shown));
            const QString distinct = name.mid(prefix, name.size() - prefix - suffix);
            QVERIFY2(shown.contains(distinct + u'.'), qPrintable(shown)); // "…-13.heap…", not "…eapsnapshot"
            QVERIFY(shown.startsWith(u's'));
            QVERIFY(shown.contains(QChar(0x2026)));
            // Wide enough: the whole name.
            QCOMPARE(SnapshotListModel::elideKeepingDifference(name, prefix, suffix, fm, 4000), name);
        }
        // A narrow row keeps the size and the load time, leaving out the node count first.
        const QStringList parts = {u"12.3 MB"_s, u"1,234,567 nodes"_s, u"0.8 s"_s};
        const QString narrow =
            SnapshotListModel::fitSubtitle(parts, fm, fm.horizontalAdvance(u"12.3 MB · 0.8 s"_s) + 2);
        QCOMPARE(narrow, u"12.3 MB · 0.8 s"_s);
        QCOMPARE(SnapshotListModel::fitSubtitle(parts, fm, 4000), parts.join(u" · "_s));
    }

    void sidebarWidthIsRemembered() {
        QSettings().remove(u"window/sidebarWidth"_s);
        int dragged = 0;
        {
            MainWindow window;
            window.resize(1200, 700);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            auto* splitter = window.findChild<QSplitter*>(u"sidebarSplitter"_s);
            QVERIFY(splitter);
            QSplitterHandle* handle = splitter->handle(1);
            const int before = window.sidebar()->width();
            const QPoint grip(handle->width() / 2, handle->height() / 2);
            QTest::mousePress(handle, Qt::LeftButton, {}, grip);
            QTest::mouseMove(handle, grip + QPoint(90, 0));
            QTest::mouseRelease(handle, Qt::LeftButton, {}, grip + QPoint(90, 0));
            dragged = window.sidebar()->width();
            QVERIFY2(dragged > before + 40, qPrintable(u"%1 -> %2"_s.arg(before).arg(dragged)));
            QCOMPARE(QSettings().value(u"window/sidebarWidth"_s).toInt(), dragged);
        }
        MainWindow again;
        again.resize(1200, 700);
        again.show();
        QVERIFY(QTest::qWaitForWindowExposed(&again));
        QCOMPARE(again.sidebar()->width(), dragged);
    }

    void perspectivesReadWell() {
        MainWindow window;
        window.resize(1100, 800);
        window.show();
        SnapshotView* view = openAndWait(window, {TestUtil::dataPath("tiny-node20.heapsnapshot.gz")});
        QVERIFY(view);
        const heapscope::AnalysisPtr a = view->document()->analysis();

        // The two counts say what they count.
        auto* totals = view->summaryPage()->findChild<QLabel*>(u"summaryTotals"_s);
        auto* status = window.findChild<QLabel*>(u"statusTotals"_s);
        QVERIFY2(totals->text().contains(
                     u"Listed: %1 objects"_s.arg(TextUtil::grouped(a->allObjects.objectCount))),
                 qPrintable(totals->text()));
        QVERIFY(!totals->toolTip().isEmpty());
        QVERIFY2(status->text().contains(
                     u"%1 objects in all (every node)"_s.arg(TextUtil::grouped(a->snapshot->nodeCount))),
                 qPrintable(status->text()));

        // The name columns take the spare width, in every table with one.
        auto nameShare = [](QTreeView* tree) {
            return double(tree->header()->sectionSize(0)) / std::max(1, tree->viewport()->width());
        };
        QTreeView* summary = view->summaryPage()->view();
        QVERIFY2(nameShare(summary) > 0.5, qPrintable(QString::number(nameShare(summary))));
        view->showPerspective(SnapshotView::DominatorsPerspective);
        DominatorsPage* dominators = view->dominatorsPage();
        QTRY_VERIFY(dominators->topView()->viewport()->width() > 50);
        QVERIFY2(nameShare(dominators->view()) >= 0.39,
                 qPrintable(QString::number(nameShare(dominators->view()))));
        QVERIFY2(nameShare(dominators->topView()) >= 0.39,
                 qPrintable(QString::number(nameShare(dominators->topView()))));
        for (int c = 1; c < dominators->topView()->header()->count(); ++c)
            QVERIFY(dominators->topView()->header()->sectionSize(0) >
                    dominators->topView()->header()->sectionSize(c));

        // The Dominators root has DevTools' name and opens on its biggest children, in batches.
        DominatorsModel* dm = dominators->model();
        const QModelIndex root = dm->index(0, 0);
        QCOMPARE(root.data(ModelRoles::LabelRole).toString(), u"(root)"_s);
        QVERIFY(root.data().toString().startsWith(u"(root) @"_s));
        QVERIFY(dominators->view()->isExpanded(root));
        const int retainedColumn = DominatorsModel::RetainedColumn;
        const int rows = dm->rowCount(root);
        const int children = rows - (dm->isMoreRow(dm->index(rows - 1, 0, root)) ? 1 : 0);
        QVERIFY(children > 1);
        QVERIFY2(children <= dm->batchSize(), qPrintable(QString::number(children)));
        QVERIFY(dm->totalChildCount(root) > children); // the rest waits behind "More…"
        QVERIFY(dm->isMoreRow(dm->index(rows - 1, 0, root)));
        for (int r = 1; r < children; ++r)
            QVERIFY(dm->index(r - 1, retainedColumn, root).data(ModelRoles::SortRole).toULongLong() >=
                    dm->index(r, retainedColumn, root).data(ModelRoles::SortRole).toULongLong());

        // Statistics: one total.
        view->showPerspective(SnapshotView::StatisticsPerspective);
        auto* total = view->statisticsPage()->findChild<QLabel*>(u"statisticsTotal"_s);
        QCOMPARE(total->text(), u"Total: %1"_s.arg(TextUtil::bytesAdaptive(a->statistics.total)));
    }

    void columnWidthsAreRememberedPerView() {
        int chosen = 0;
        {
            MainWindow window;
            window.resize(1100, 800);
            window.show();
            SnapshotView* view = openAndWait(window, {TestUtil::dataPath("tiny-node20.heapsnapshot.gz")});
            QVERIFY(view);
            QHeaderView* header = view->summaryPage()->view()->header();
            const int name = header->sectionSize(0);
            chosen = header->sectionSize(SummaryModel::ShallowColumn) + 60;
            header->resizeSection(SummaryModel::ShallowColumn, chosen); // as a drag does
            QCOMPARE(header->sectionSize(SummaryModel::ShallowColumn), chosen);
            QTRY_VERIFY(header->sectionSize(0) < name); // the name column gave the width
            // Other views keep their own widths.
            QVERIFY(view->retainersPane()->view()->header()->sectionSize(2) != chosen);
        }
        MainWindow window;
        window.resize(1100, 800);
        window.show();
        SnapshotView* view = openAndWait(window, {TestUtil::dataPath("tiny-node20.heapsnapshot.gz")});
        QVERIFY(view);
        QCOMPARE(view->summaryPage()->view()->header()->sectionSize(SummaryModel::ShallowColumn), chosen);
        QSettings().remove(u"columns"_s);
    }

    void retainersPaneFollowsThePerspective() {
        MainWindow window;
        window.resize(1100, 800);
        window.show();
        SnapshotView* view = openAndWait(window, {TestUtil::dataPath("tiny-node20.heapsnapshot.gz")});
        QVERIFY(view);
        RetainersPane* pane = view->retainersPane();
        QVERIFY(pane->emptyText()->isVisible());
        QVERIFY(pane->emptyText()->text().contains(u"Select an object to see what keeps it alive"_s));
        QVERIFY(!pane->view()->isVisible());

        SummaryPage* summary = view->summaryPage();
        const QModelIndex cls = summary->model()->index(0, 0);
        summary->view()->expand(cls);
        const QModelIndex instance = summary->model()->index(0, 0, cls);
        summary->view()->setCurrentIndex(instance);
        const heapscope::NodeOrdinal selected = summary->model()->objectAt(instance).node;
        QCOMPARE(pane->object().node, selected);
        QVERIFY(pane->view()->isVisible());
        QVERIFY(!pane->emptyText()->isVisible());

        // Another perspective with nothing selected: the pane clears instead of keeping the object.
        view->showPerspective(SnapshotView::ContainmentPerspective);
        QVERIFY(!pane->object().isValid());
        QVERIFY(pane->emptyText()->isVisible());
        QTreeView* containment = view->containmentPage()->view();
        containment->setCurrentIndex(containment->model()->index(0, 0));
        const ObjectRef there =
            containment->currentIndex().data(ModelRoles::ObjectRefRole).value<ObjectRef>();
        QVERIFY(there.isValid());
        QCOMPARE(pane->object().node, there.node);
        // Back: the Summary's selection again.
        view->showPerspective(SnapshotView::SummaryPerspective);
        QCOMPARE(pane->object().node, selected);
    }

    void findDoesNotResetTheFilter() {
        MainWindow window;
        window.resize(1100, 800);
        window.show();
        SnapshotView* view = openAndWait(window, {TestUtil::dataPath("tiny-node20.heapsnapshot.gz")});
        QVERIFY(view);
        const heapscope::AnalysisPtr a = view->document()->analysis();
        SummaryPage* page = view->summaryPage();
        // An object of the last class, and a class filter that only the first class passes.
        const heapscope::NodeOrdinal target = a->allObjects.classes.back().instances.front();
        const QString firstClass =
            TextUtil::toQString(a->classes[a->allObjects.classes.front().classIndex].name);
        const QString targetClass = TextUtil::toQString(a->classInfo(target).name);
        QVERIFY(!targetClass.contains(firstClass, Qt::CaseInsensitive));
        auto* filter = page->findChild<QLineEdit*>(u"classFilter"_s);
        filter->setText(firstClass);
        QTRY_COMPARE(page->model()->classFilter(), firstClass);

        const QString id = u"@%1"_s.arg(a->snapshot->nodeId[target]);
        QVERIFY(!page->findById(id));
        QCOMPARE(page->model()->classFilter(), firstClass); // not silently reset
        QCOMPARE(filter->text(), firstClass);
        QWidget* notice = page->findNotice();
        QVERIFY(notice->isVisible());
        const QString said = notice->findChild<QLabel*>()->text();
        QVERIFY2(said.contains(id) && said.contains(u"hidden by"_s) && said.contains(firstClass),
                 qPrintable(said));

        // Offered: show all objects, then the object.
        notice->findChild<QPushButton*>(u"findShowAllObjects"_s)->click();
        QVERIFY(!notice->isVisible());
        QVERIFY(page->model()->classFilter().isEmpty());
        QCOMPARE(page->model()->objectAt(page->view()->currentIndex()).node, target);
        // An object the Summary shows is found without a notice.
        QVERIFY(page->findById(id));
        QVERIFY(!notice->isVisible());
    }

    void allocationRangesPairOnlyOneProcess() {
        MainWindow window;
        window.resize(1100, 800);
        window.show();
        QVERIFY(openAndWait(window, {TestUtil::dataPath("leak-A-node20.heapsnapshot.gz"),
                                     TestUtil::dataPath("leak-B-node20.heapsnapshot.gz"),
                                     TestUtil::dataPath("strings-node20.heapsnapshot.gz")}));
        SnapshotDocument *a = nullptr, *b = nullptr, *other = nullptr;
        for (SnapshotDocument* doc : window.session()->documents()) {
            const QString name = doc->displayName();
            (name.startsWith(u"leak-A"_s) ? a : name.startsWith(u"leak-B"_s) ? b : other) = doc;
        }
        QVERIFY(a && b && other);
        QStringList entries;
        QComboBox* combo = window.ensureView(b)->summaryPage()->filterCombo();
        const auto readEntries = [&] {
            entries.clear();
            for (int i = 0; i < combo->count(); ++i)
                entries << combo->itemText(i);
            return entries;
        };
        // Which snapshots pair is worked out in the background, after they are loaded.
        QTRY_VERIFY2(readEntries().contains(
                         u"Objects allocated between %1 and %2"_s.arg(a->displayName(), b->displayName())),
                     qPrintable(entries.join(u'\n')));
        QVERIFY(window.session()->sameProcess(a, b) == heapscope::SameProcess::Yes);
        QTRY_VERIFY(window.session()->sameProcess(other, b).has_value());
        QVERIFY(window.session()->sameProcess(other, b) != heapscope::SameProcess::Yes);
        for (const QString& entry : std::as_const(entries))
            QVERIFY2(!entry.contains(other->displayName()), qPrintable(entry));
        // The unrelated snapshot offers no ranges with the others.
        QComboBox* otherCombo = window.ensureView(other)->summaryPage()->filterCombo();
        for (int i = 0; i < otherCombo->count(); ++i)
            QVERIFY(!otherCombo->itemText(i).startsWith(u"Objects allocated"_s));
    }

    void csvExportOfEveryView() {
        MainWindow window;
        window.resize(1200, 900);
        window.show();
        QVERIFY(openAndWait(window, {TestUtil::dataPath("leak-A-node20.heapsnapshot.gz"),
                                     TestUtil::dataPath("leak-B-node20.heapsnapshot.gz")}));
        SnapshotView* view = nullptr;
        for (SnapshotDocument* doc : window.session()->documents())
            if (doc->displayName().startsWith(u"leak-B"_s))
                view = window.ensureView(doc);
        QVERIFY(view);
        const QStringList objectNumbers = {u"Id"_s, u"Distance"_s, u"Shallow Size"_s, u"Retained Size"_s};

        // Summary: a class row with its count in a column of its own, an instance, an edge.
        SummaryPage* summary = view->summaryPage();
        const QModelIndex cls = summary->model()->index(0, 0);
        summary->view()->expand(cls);
        const QModelIndex instance = summary->model()->index(0, 0, cls);
        summary->view()->expand(instance);
        checkCsv(summary->view(), objectNumbers + QStringList{u"Count"_s});
        const QList<QStringList> rows =
            parseCsv(TableExport::exportView(summary->view(), TableExport::Format::Csv));
        QCOMPARE(rows[0].mid(0, 6),
                 (QStringList{u"depth"_s, u"Edge"_s, u"Constructor"_s, u"Id"_s, u"Count"_s, u"Distance"_s}));
        const heapscope::AnalysisPtr a = view->document()->analysis();
        const heapscope::ClassAggregate& first = summary->model()->aggregates()->classes[0];
        Q_UNUSED(first);
        const QString className = cls.data(ModelRoles::LabelRole).toString();
        QCOMPARE(rows[1][2], className);
        QCOMPARE(rows[1][4].toULongLong(), cls.data(ModelRoles::CountValueRole).toULongLong());
        QVERIFY(rows[1][3].isEmpty()); // a class has no id
        const heapscope::NodeOrdinal node = summary->model()->objectAt(instance).node;
        QCOMPARE(rows[2][3], QString::number(a->snapshot->nodeId[node]));
        QVERIFY(rows[2][4].isEmpty());
        QVERIFY(!rows[3][1].isEmpty()); // an edge row names its edge in its own column

        // Comparison: counts as numbers, instance rows as 1 in # New / # Deleted.
        view->showPerspective(SnapshotView::ComparisonPerspective);
        ComparisonPage* comparison = view->comparisonPage();
        QTRY_VERIFY_WITH_TIMEOUT(comparison->model()->comparison() != nullptr, 60000);
        QModelIndex grown;
        for (int r = 0; r < comparison->model()->rowCount() && !grown.isValid(); ++r)
            if (comparison->model()
                    ->index(r, ComparisonModel::NewColumn)
                    .data(ModelRoles::SortRole)
                    .toLongLong() > 0)
                grown = comparison->model()->index(r, 0);
        QVERIFY(grown.isValid());
        comparison->view()->expand(grown);
        checkCsv(comparison->view(), {u"# New"_s, u"# Deleted"_s, u"# Delta"_s, u"Alloc. Size"_s,
                                      u"Freed Size"_s, u"Size Delta"_s, u"Retained Delta"_s, u"Id"_s});
        const QList<QStringList> diff =
            parseCsv(TableExport::exportView(comparison->view(), TableExport::Format::Csv));
        const int newColumn = int(diff[0].indexOf(u"# New"_s));
        const int deletedColumn = int(diff[0].indexOf(u"# Deleted"_s));
        int newRows = 0;
        for (const QStringList& row : diff)
            if (row[0] == u"1"_s) { // an instance: one new or one deleted object
                QCOMPARE(QStringList({row[newColumn], row[deletedColumn]}).join(u'|'),
                         row[newColumn].isEmpty() ? u"|1"_s : u"1|"_s);
                newRows += row[newColumn] == u"1"_s;
            }
        QVERIFY(newRows > 0);

        // Containment, Dominators, Biggest objects, Retainers and Statistics.
        view->showPerspective(SnapshotView::ContainmentPerspective);
        QTreeView* containment = view->containmentPage()->view();
        containment->expand(containment->model()->index(0, 0));
        checkCsv(containment, {u"Id"_s, u"Distance"_s, u"Shallow Size"_s, u"Retained Size"_s});
        view->showPerspective(SnapshotView::DominatorsPerspective);
        checkCsv(view->dominatorsPage()->view(),
                 {u"Id"_s, u"Distance"_s, u"Shallow Size"_s, u"Retained Size"_s});
        checkCsv(view->dominatorsPage()->topView(), {u"Id"_s, u"Shallow Size"_s, u"Retained Size"_s});
        view->showPerspective(SnapshotView::SummaryPerspective);
        summary->view()->setCurrentIndex(instance);
        checkCsv(view->retainersPane()->view(),
                 {u"Id"_s, u"Distance"_s, u"Shallow Size"_s, u"Retained Size"_s});
        view->showPerspective(SnapshotView::StatisticsPerspective);
        auto* legend = view->statisticsPage()->findChild<QTreeView*>(u"statisticsLegend"_s);
        checkCsv(legend, {u"Size"_s, u"%"_s});
        const QList<QStringList> stats = parseCsv(TableExport::exportView(legend, TableExport::Format::Csv));
        QCOMPARE(stats[1][1], u"Code"_s);
        QCOMPARE(stats[1][2].toULongLong(), a->statistics.code);
    }

    void csvQuotingAgreesWithTheCli() {
        // The app and heapscope-cli write CSV through the same writer: blanks at either end are
        // kept by quoting, inner ones are not quoted.
        QStandardItemModel model(0, 2);
        model.setHorizontalHeaderLabels({u"Name"_s, u"Size"_s});
        for (const QString& name : {u" padded"_s, u"trailing "_s, u"inner space"_s, u"a,b"_s}) {
            auto* size = new QStandardItem(u"1 kB"_s);
            size->setData(qulonglong(1000), ModelRoles::SortRole);
            model.appendRow({new QStandardItem(name), size});
        }
        QTreeView view;
        view.setModel(&model);
        const QString csv = QString::fromUtf8(TableExport::exportView(&view, TableExport::Format::Csv));
        QString expected = u"depth,Name,Size\n"_s;
        for (const char* name : {" padded", "trailing ", "inner space", "a,b"})
            expected += u"0,"_s + QString::fromStdString(heapscope::csv::field(name)) + u",1000\n"_s;
        QCOMPARE(csv, expected);
        QVERIFY(csv.contains(u"0,\" padded\",1000"_s));
        QVERIFY(csv.contains(u"0,inner space,1000"_s));
    }

    void ctrlEExportsFromAnyFocus() {
        MainWindow window;
        window.resize(1100, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        SnapshotView* view = openAndWait(window, {TestUtil::dataPath("tiny-node20.heapsnapshot.gz")});
        QVERIFY(view);
        auto* action = window.findChild<QAction*>(u"actionExportTable"_s);
        QVERIFY(action && action->isEnabled());
        QSignalSpy triggered(action, &QAction::triggered);
        // The export dialog opens each time: close it.
        auto closeDialog = [] {
            if (auto* dialog = qobject_cast<QFileDialog*>(QApplication::activeModalWidget()))
                dialog->reject();
        };
        QTimer closer;
        connect(&closer, &QTimer::timeout, &closer, closeDialog);
        closer.start(50);
        const QList<QWidget*> targets = {view->summaryPage()->findChild<QLineEdit*>(u"classFilter"_s),
                                         view->summaryPage()->findChild<QLineEdit*>(u"findById"_s),
                                         view->summaryPage()->view(), window.sidebar()};
        int expected = 0;
        for (QWidget* target : targets) {
            window.activateWindow();
            target->setFocus();
            QTRY_VERIFY(target->hasFocus());
            QTest::keyClick(target, Qt::Key_E, Qt::ControlModifier);
            ++expected;
            QTRY_COMPARE(triggered.count(), expected);
        }
    }
};

QTEST_MAIN(TestUsability)
#include "tst_usability.moc"

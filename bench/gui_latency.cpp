// SPDX-License-Identifier: MIT
// heapscope-gui-bench FILE [--runs N]: opens FILE in the real main window (offscreen) and measures
// what a user waits for: the Summary's rows on screen, how long the GUI thread is ever blocked
// while the file loads (a 10 ms timer's lateness), expanding the class with the most instances and
// sorting it by every column, and switching perspectives. Prints each run and the medians.
// Big levels are ordered on the pool: an expand or a sort counts until its rows are painted, and its
// "block" is the longest the GUI thread could not run meanwhile. The Dominators perspective counts
// until its tree and its biggest objects (picked on the pool for big snapshots) are painted.
//
// heapscope-gui-bench FILE FILE... [--runs N]: a series. The files are opened together as a user
// drops them on the window (each a document; three or more are a series shown in the Trend
// perspective, two are shown there too) and it measures the open until the Trend page's rows are
// painted ("series block max" is the GUI thread's longest block meanwhile, the model resets of the
// arriving series and the documents' ends included), then, once every document has loaded, the
// series analysed again ("Analyse Again": the Trend page's own blocking alone), selecting the top
// class (until the chart is painted), expanding the first class with leak groups, sorting the trend
// table by each visible column both ways, and selecting the leak groups one after the other.
#include "indexkeeper.h"
#include "mainwindow.h"
#include "models/dominatorsmodel.h"
#include "models/summarymodel.h"
#include "models/topobjectsmodel.h"
#include "pages/dominatorspage.h"
#include "pages/summarypage.h"
#include "series/trendchart.h"
#include "series/trendmodels.h"
#include "series/trendpage.h"
#include "snapshotdocument.h"
#include "snapshotsession.h"
#include "snapshotview.h"
#include "widgets/timelinewidget.h"

#include <heapscope/analysis.h>
#include <heapscope/index_cache.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QThreadPool>
#include <QTimer>
#include <QTreeView>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

/// A 10 ms timer on the GUI thread: each tick records how late it came (the time the event loop
/// could not run).
class LatencyProbe : public QObject {
public:
    LatencyProbe() {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(10);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            m_late.push_back(std::max(0.0, double(now - m_last) / 1e6 - 10.0));
            m_last = now;
        });
        m_clock.start();
        m_timer.start();
    }
    void reset() {
        m_late.clear();
        m_last = m_clock.nsecsElapsed();
    }
    /// Includes the time since the last tick: a block that is still going on counts too.
    void flush() {
        const qint64 now = m_clock.nsecsElapsed();
        m_late.push_back(std::max(0.0, double(now - m_last) / 1e6 - 10.0));
        m_last = now;
    }
    double maxMs() const { return m_late.empty() ? 0 : *std::max_element(m_late.begin(), m_late.end()); }
    double p99Ms() const {
        if (m_late.empty())
            return 0;
        std::vector<double> v = m_late;
        std::sort(v.begin(), v.end());
        return v[std::min(v.size() - 1, std::size_t(double(v.size()) * 0.99))];
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    std::vector<double> m_late;
};

/// Notes paint events of one widget (with `descendants`, of the widgets inside it too: a chart
/// draws in a child view).
class PaintWatch : public QObject {
public:
    QWidget* target = nullptr;
    bool descendants = false;
    bool painted = false;
    bool eventFilter(QObject* watched, QEvent* event) override {
        if (event->type() == QEvent::Paint && target &&
            (watched == target || (descendants && watched->isWidgetType() &&
                                   target->isAncestorOf(static_cast<QWidget*>(watched)))))
            painted = true;
        return false;
    }
};

bool waitFor(const std::function<bool()>& done, int timeoutMs) {
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        // Blocks until an event comes (the probe's timer brings one every 10 ms): no busy loop
        // taking a core from the loader.
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents);
    }
    return true;
}

double msSince(const QElapsedTimer& t) {
    return double(t.nsecsElapsed()) / 1e6;
}

using Results = std::map<std::string, double>;

/// Runs `action`, then waits until `ready` holds and `watch` saw a paint after it; records the wall
/// time and the probe's worst lateness under `name`.
void measure(
    Results& r, const std::string& name, LatencyProbe& probe, PaintWatch& watch,
    const std::function<void()>& action, const std::function<bool()>& ready = [] { return true; }) {
    probe.reset();
    watch.painted = false;
    QElapsedTimer t;
    t.start();
    action();
    probe.flush();
    bool readySeen = false;
    waitFor(
        [&] {
            if (!readySeen && ready()) {
                readySeen = true;
                watch.painted = false;
                if (watch.target)
                    watch.target->update();
            }
            // Without a widget to watch, one more pass of the event loop is enough.
            return readySeen && (watch.painted || !watch.target);
        },
        120000);
    r[name + " ms"] = msSince(t);
    probe.flush();
    r[name + " block max ms"] = probe.maxMs();
}

/// The app's window at the size every number is measured at, shown and settled.
std::unique_ptr<MainWindow> settledWindow() {
    auto window = std::make_unique<MainWindow>();
    window->resize(1400, 900);
    window->show();
    waitFor([] { return false; }, 200);
    return window;
}

Results runOnce(const QString& path, LatencyProbe& probe) {
    Results r;
    PaintWatch watch;
    qApp->installEventFilter(&watch);
    auto window = settledWindow();

    // Open → Summary rows painted.
    probe.reset();
    QElapsedTimer open;
    open.start();
    window->openFiles({path});
    QTreeView* tree = nullptr;
    bool ok = waitFor(
        [&] {
            SnapshotView* view = window->currentView();
            if (!view)
                return false;
            if (!tree) {
                tree = view->summaryPage()->view();
                watch.target = tree->viewport();
                watch.painted = false;
            }
            return tree->model()->rowCount() > 0 && watch.painted;
        },
        600000);
    if (!ok) {
        SnapshotDocument* doc = window->currentDocument();
        std::fprintf(stderr, "the Summary did not appear: %s\n",
                     doc ? qPrintable(doc->errorMessage()) : "no document");
        return r;
    }
    probe.flush();
    r["open to Summary ms"] = msSince(open);
    r["load block max ms"] = probe.maxMs();
    r["load block p99 ms"] = probe.p99Ms();
    SnapshotView* view = window->currentView();
    r["load+analysis s (document)"] = view->document()->loadSeconds();
    r["reopened from its index"] = view->document()->indexOutcome() == heapscope::IndexOutcome::Used ? 1 : 0;

    // A timeline (a .heaptimeline): an interval selected, and the Summary of what was allocated in
    // it (DevTools turns the interval into an object id range).
    if (TimelineWidget* timeline = view->summaryPage()->timeline()) {
        waitFor([&] { return timeline->samples() && !timeline->samples()->empty(); }, 60000);
        SummaryPage* page = view->summaryPage();
        bool sawBusy = false;
        const auto connection = QObject::connect(page, &SummaryPage::busyChanged, [&](bool busy) {
            if (busy)
                sawBusy = true;
        });
        const double total = timeline->samples()->totalTimeMs();
        std::printf("  timeline: %zu samples over %.0f ms\n", timeline->samples()->timestampsMs.size(),
                    total);
        // Done when the filter's job has run (or, had it none, when nothing is pending).
        QElapsedTimer since;
        auto settled = [&] { return !page->isBusy() && (sawBusy || since.elapsed() > 1000); };
        measure(
            r, "select timeline interval", probe, watch,
            [&] {
                sawBusy = false;
                since.start();
                timeline->selectInterval(total * 0.4, total * 0.6);
            },
            settled);
        measure(
            r, "clear timeline selection", probe, watch, [&] { timeline->clearSelection(); },
            [&] { return !page->isBusy(); }); // "All objects" is kept
        QObject::disconnect(connection);
    }

    // The class with the most instances, expanded.
    SummaryModel* model = view->summaryPage()->model();
    const heapscope::AnalysisPtr analysis = view->document()->analysis();
    const auto& classes = analysis->allObjects.classes;
    const auto biggest = std::max_element(classes.begin(), classes.end(),
                                          [](const auto& a, const auto& b) { return a.count < b.count; });
    std::printf("  biggest class: %s (%u instances)\n", analysis->classes[biggest->classIndex].name.c_str(),
                biggest->count);
    QModelIndex cls = model->classIndex(biggest->classIndex);
    measure(
        r, "expand biggest class", probe, watch,
        [&] {
            tree->expand(cls);
            tree->scrollTo(cls, QAbstractItemView::PositionAtTop);
        },
        [&] { return model->rowCount(cls) > 0 && !model->isBusyRow(model->index(0, 0, cls)); });

    // Sort by each column, both ways, through the header as a user clicks it.
    const int columns = model->columnCount();
    double worstSort = 0, worstSortBlock = 0;
    for (int c = 0; c < columns; ++c) {
        for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
            const std::string name = "sort " + model->headerData(c, Qt::Horizontal).toString().toStdString() +
                                     (order == Qt::AscendingOrder ? " asc" : " desc");
            measure(
                r, name, probe, watch, [&] { tree->header()->setSortIndicator(c, order); },
                [&] {
                    return model->sortColumn() == c && model->sortOrder() == order && !model->isOrdering();
                });
            worstSort = std::max(worstSort, r[name + " ms"]);
            worstSortBlock = std::max(worstSortBlock, r[name + " block max ms"]);
            r.erase(name + " block max ms");
        }
    }
    r["sort worst column ms"] = worstSort;
    r["sort block max ms"] = worstSortBlock;

    // The other perspectives, built on first show.
    for (auto [name, p] : {std::pair{"show Containment", SnapshotView::ContainmentPerspective},
                           std::pair{"show Dominators", SnapshotView::DominatorsPerspective},
                           std::pair{"show Statistics", SnapshotView::StatisticsPerspective},
                           std::pair{"show Summary", SnapshotView::SummaryPerspective}}) {
        QWidget* const summaryViewport = watch.target;
        watch.target = nullptr; // the page shown is painted before control returns to the loop
        if (p == SnapshotView::DominatorsPerspective) {
            // Until the tree's first rows and the biggest objects are there and painted.
            DominatorsPage* page = nullptr;
            measure(
                r, name, probe, watch,
                [&, p = p] {
                    view->showPerspective(p);
                    page = view->dominatorsPage();
                    watch.target = page->topView()->viewport();
                },
                [&] { return !page->topModel()->isComputing() && !page->model()->isOrdering(); });
            r[std::string(name) + " to rows ms"] = r[std::string(name) + " ms"];
        } else {
            measure(r, name, probe, watch, [&, p = p] { view->showPerspective(p); });
        }
        watch.target = summaryViewport;
        r.erase(std::string(name) + " ms");
    }

    // Closing frees the snapshot on the GUI thread's side too.
    watch.target = nullptr;
    measure(r, "close", probe, watch, [&] { window->closeCurrent(); });
    r.erase("close ms");
    qApp->removeEventFilter(&watch);
    window.reset();
    return r;
}

/// Sorts `view` by each visible column, both ways, through the header; records the worst wall time
/// and block under `prefix` (the view's model sorts on the GUI thread).
void measureSorts(Results& r, const std::string& prefix, QTreeView* view, LatencyProbe& probe,
                  PaintWatch& watch) {
    QAbstractItemModel* model = view->model();
    double worst = 0, worstBlock = 0;
    std::string worstName;
    for (int c = 0; c < model->columnCount(); ++c) {
        if (view->isColumnHidden(c))
            continue;
        for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
            measure(r, "sort", probe, watch, [&] { view->header()->setSortIndicator(c, order); });
            if (r["sort ms"] > worst) {
                worst = r["sort ms"];
                worstName = model->headerData(c, Qt::Horizontal).toString().toStdString() +
                            (order == Qt::AscendingOrder ? " asc" : " desc");
            }
            worstBlock = std::max(worstBlock, r["sort block max ms"]);
        }
    }
    r.erase("sort ms");
    r.erase("sort block max ms");
    std::printf("  %s: slowest sort by %s\n", prefix.c_str(), worstName.c_str());
    r[prefix + " sort worst column ms"] = worst;
    r[prefix + " sort block max ms"] = worstBlock;
}

/// The series mode: the files opened together, measured on the Trend page.
Results runSeries(const QStringList& paths, LatencyProbe& probe) {
    Results r;
    PaintWatch watch;
    qApp->installEventFilter(&watch);
    auto window = settledWindow();

    // Open → the Trend page's rows painted.
    TrendPage* page = window->trendPage();
    QTreeView* trend = page->trendView();
    QTreeView* leaks = page->leakView();
    TrendModel* model = page->trendModel();
    probe.reset();
    QElapsedTimer open;
    open.start();
    window->openFiles(paths);
    watch.target = trend->viewport();
    watch.painted = false;
    bool rowsSeen = false;
    bool ok = waitFor(
        [&] {
            // Two files open as a Comparison (shown once both are loaded); their trend is one
            // click away, and the page comes back after the Comparison took its place.
            if (window->pages()->currentWidget() != page)
                window->showTrend();
            if (page->isRunning() || !page->series() || model->rowCount() == 0)
                return false;
            if (!rowsSeen) { // a paint before the rows came does not count
                rowsSeen = true;
                watch.painted = false;
                trend->viewport()->update();
            }
            return watch.painted;
        },
        1800000);
    if (!ok || !page->series()) {
        std::fprintf(stderr, "the Trend page did not show the series\n");
        return r;
    }
    probe.flush();
    r["open series to Trend ms"] = msSince(open);
    r["series block max ms"] = probe.maxMs();
    r["series block p99 ms"] = probe.p99Ms();
    const heapscope::Series& series = *page->series();
    std::printf("  series: %zu snapshots, %zu classes, %zu leak groups\n", series.loadedCount,
                series.classes.size(), series.leaks.size());

    // The documents of the files load beside the series; the rest is measured once they are done,
    // so that their ends (a view made, a model reset) do not count against the Trend page.
    probe.reset();
    waitFor(
        [&] {
            for (SnapshotDocument* doc : window->session()->documents())
                if (doc->isLoading() || doc->state() == SnapshotDocument::State::Idle)
                    return false;
            return true;
        },
        1800000);
    probe.flush();
    r["open to every document loaded ms"] = msSince(open);
    r["documents block max ms"] = probe.maxMs();
    if (window->pages()->currentWidget() != page)
        window->showTrend();
    waitFor([] { return false; }, 200);

    // "Analyse Again" with every document loaded: the Trend page's own work on the GUI thread (the
    // progress, the models reset with the new series) without the documents' ends beside it.
    measure(
        r, "analyse again", probe, watch, [&] { page->analyze(page->paths()); },
        [&] { return !page->isRunning() && page->series() && model->rowCount() > 0; });

    // The top class of the table selected: the chart draws it.
    watch.target = page->chart();
    watch.descendants = true;
    const QModelIndex top = trend->model()->index(0, 0);
    std::printf("  top class: %s\n", qPrintable(top.data().toString()));
    measure(
        r, "select top class", probe, watch,
        [&] {
            trend->selectionModel()->setCurrentIndex(top, QItemSelectionModel::ClearAndSelect |
                                                              QItemSelectionModel::Rows);
        },
        [&] {
            return !page->chart()->lines().empty() &&
                   page->chart()->lines().front().name == top.data().toString();
        });

    // The first class (from the top) with leak groups, expanded into them.
    watch.target = trend->viewport();
    watch.descendants = false;
    QModelIndex withLeaks;
    for (int row = 0; row < trend->model()->rowCount() && !withLeaks.isValid(); ++row)
        if (trend->model()->rowCount(trend->model()->index(row, 0)) > 0)
            withLeaks = trend->model()->index(row, 0);
    if (withLeaks.isValid()) {
        std::printf("  expanded: %s (%d leak groups), row %d\n", qPrintable(withLeaks.data().toString()),
                    trend->model()->rowCount(withLeaks), withLeaks.row());
        measure(
            r, "expand leak groups", probe, watch,
            [&] {
                trend->expand(withLeaks);
                trend->scrollTo(withLeaks, QAbstractItemView::PositionAtTop);
            },
            [&] { return trend->isExpanded(withLeaks); });
    }
    measureSorts(r, "trend table", trend, probe, watch);

    // The leak groups: each selected in turn (its path and the chart), then sorted.
    if (leaks->model()->rowCount() > 0) {
        watch.target = page->chart();
        watch.descendants = true;
        double worst = 0, worstBlock = 0;
        const int rows = std::min(leaks->model()->rowCount(), 10);
        for (int row = rows - 1; row >= 0; --row) {
            const QModelIndex index = leaks->model()->index(row, 0);
            measure(
                r, "select", probe, watch,
                [&] {
                    leaks->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                                        QItemSelectionModel::Rows);
                },
                [&] { return !page->selectedPathText().isEmpty(); });
            worst = std::max(worst, r["select ms"]);
            worstBlock = std::max(worstBlock, r["select block max ms"]);
        }
        r.erase("select ms");
        r.erase("select block max ms");
        r["select leak group worst ms"] = worst;
        r["select leak group block max ms"] = worstBlock;
        watch.target = leaks->viewport();
        watch.descendants = false;
        measureSorts(r, "leak table", leaks, probe, watch);
    }

    // Closing every document and the series.
    watch.target = nullptr;
    qApp->removeEventFilter(&watch);
    probe.reset();
    QElapsedTimer close;
    close.start();
    window.reset();
    probe.flush();
    r["close window ms"] = msSince(close);
    return r;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

} // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true); // keep the user's recent files alone
    QApplication::setOrganizationName(u"HeapscopeBench"_s);
    QApplication::setApplicationName(u"heapscope-gui-bench"_s);

    const QStringList args = QCoreApplication::arguments();
    QStringList paths;
    int runs = 1;
    QString index = u"keep"_s;
    const char* const usage =
        "usage: heapscope-gui-bench FILE... [--runs N] [--index keep|fresh|off]\n"
        "  opens FILE in the main window (offscreen unless QT_QPA_PLATFORM is set) and\n"
        "  prints what a user waits for and the GUI thread's longest blocks, per run and\n"
        "  the medians of N runs (default 1). The kept index ($XDG_CACHE_HOME/heapscope):\n"
        "  keep = used as it is (reopens after the first run), fresh = deleted before each\n"
        "  run (every run is a first open that writes it), off = neither used nor kept.\n"
        "  Several FILEs are a series: opened together, measured on the Trend page (the\n"
        "  open until its rows are painted, analysing it again, selecting the top class,\n"
        "  expanding a class's leak groups, sorting the trend and leak tables,\n"
        "  selecting the leak groups)\n";
    for (int i = 1; i < args.size(); ++i) {
        if (args[i] == u"--help"_s || args[i] == u"-h"_s) {
            std::printf("%s", usage);
            return 0;
        }
        if (args[i] == u"--runs"_s && i + 1 < args.size())
            runs = std::max(1, args[++i].toInt());
        else if (args[i] == u"--index"_s && i + 1 < args.size())
            index = args[++i];
        else
            paths << args[i];
    }
    if (paths.isEmpty()) {
        std::fprintf(stderr, "%s", usage);
        return 2;
    }

    if (index != u"keep"_s && index != u"fresh"_s && index != u"off"_s) {
        std::fprintf(stderr, "%s", usage);
        return 2;
    }
    if (index == u"off"_s)
        IndexSettings::disableForThisRun();
    else
        IndexSettings::setEnabled(true);

    LatencyProbe probe;
    std::vector<Results> all;
    for (int run = 0; run < runs; ++run) {
        std::printf("run %d of %d\n", run + 1, runs);
        if (index == u"fresh"_s)
            (void)heapscope::clearIndexes(IndexSettings::options());
        Results r = paths.size() > 1 ? runSeries(paths, probe) : runOnce(paths.front(), probe);
        if (r.empty())
            return 1;
        for (const auto& [k, v] : r)
            std::printf("  %-36s %10.1f\n", k.c_str(), v);
        std::fflush(stdout);
        all.push_back(std::move(r));
    }
    if (runs > 1) {
        std::printf("median of %d runs\n", runs);
        for (const auto& [k, v] : all.front()) {
            std::vector<double> values;
            for (const Results& r : all)
                values.push_back(r.count(k) ? r.at(k) : 0);
            std::printf("  %-36s %10.1f\n", k.c_str(), median(values));
        }
    }
    QThreadPool::globalInstance()->waitForDone();
    return 0;
}

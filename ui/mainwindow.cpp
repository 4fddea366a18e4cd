// SPDX-License-Identifier: MIT
#include "mainwindow.h"

#include "aboutdialog.h"
#include "cli/report.h"
#include "exportutil.h"
#include "indexkeeper.h"
#include "jobs/backgroundjob.h"
#include "models/retainersmodel.h"
#include "navigator.h"
#include "pages/comparisonpage.h"
#include "pages/loadingpage.h"
#include "pages/retainerspane.h"
#include "pages/startpage.h"
#include "profile/profileview.h"
#include "retainerpathactions.h"
#include "series/trendpage.h"
#include "snapshotlistmodel.h"
#include "snapshotsession.h"
#include "snapshotview.h"
#include "tableexport.h"
#include "textutil.h"
#ifdef HEAPSCOPE_HAVE_CAPTURE
#include "captureactions.h"
#endif

#include <heapscope/redact.h>

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QDir>
#include <QDirIterator>
#include <QDragEnterEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QKeyEvent>
#include <QKeySequence>
#include <QLabel>
#include <QListView>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPainter>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyledItemDelegate>
#include <QTemporaryDir>
#include <QTimer>
#include <QTreeView>
#include <QUrl>
#include <QVBoxLayout>

#include <optional>

using namespace Qt::StringLiterals;

namespace {

constexpr int kMaxRecent = 10;
const QString kRecentKey = u"recentFiles"_s;
const QString kSidebarWidthKey = u"window/sidebarWidth"_s;

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), m_session(new SnapshotSession(this)), m_navigator(new Navigator(this)) {
    setObjectName(u"mainWindow"_s);
    setWindowTitle(tr("Heapscope"));
    setAcceptDrops(true);

    m_listModel = new SnapshotListModel(m_session, this);
    m_sidebar = new QListView(this);
    m_sidebar->setObjectName(u"snapshotList"_s);
    m_sidebar->setModel(m_listModel);
    m_sidebar->setItemDelegate(new SnapshotListDelegate(m_sidebar));
    m_sidebar->setSelectionMode(QAbstractItemView::SingleSelection);
    m_sidebar->setMinimumWidth(180);
    m_sidebar->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_sidebar, &QWidget::customContextMenuRequested, this, [this](const QPoint& pos) {
        SnapshotDocument* doc = m_listModel->document(m_sidebar->indexAt(pos));
        if (!doc)
            return;
        QMenu menu(this);
        menu.addAction(tr("Close"), this, [this, doc] { m_session->close(doc); });
        if (doc->isLoading())
            menu.addAction(tr("Cancel Loading"), doc, &SnapshotDocument::cancel);
        else if (!doc->isReady())
            menu.addAction(tr("Try Again"), doc, &SnapshotDocument::load);
        menu.exec(m_sidebar->viewport()->mapToGlobal(pos));
    });

    m_stack = new QStackedWidget(this);
    m_stack->setObjectName(u"mainStack"_s);
    m_start = new StartPage(m_stack);
    m_loading = new LoadingPage(m_stack);
    m_results = new QStackedWidget(m_stack);
    m_results->setObjectName(u"results"_s);
    m_stack->addWidget(m_start);
    m_stack->addWidget(m_loading);
    m_stack->addWidget(m_results);
    m_trend = new TrendPage(m_stack);
    m_stack->addWidget(m_trend);
    connect(m_trend, &TrendPage::showObjectsRequested, this, &MainWindow::showSeriesObjects);
    connect(m_trend, &TrendPage::statusMessage, this,
            [this](const QString& text) { statusBar()->showMessage(text, 6000); });

    // Below the open snapshots: the way to their trend, once there are two or more.
    m_trendButton = new QPushButton(this);
    m_trendButton->setObjectName(u"trendButton"_s);
    m_trendButton->setToolTip(tr("What grows from one snapshot to the next, and who holds it (Ctrl+T)"));
    m_trendButton->hide();
    connect(m_trendButton, &QPushButton::clicked, this, &MainWindow::showTrend);
    auto* sidebarBox = new QWidget(this);
    auto* sidebarLayout = new QVBoxLayout(sidebarBox);
    sidebarLayout->setContentsMargins(0, 0, 0, 0);
    sidebarLayout->setSpacing(2);
    sidebarLayout->addWidget(m_sidebar, 1);
    sidebarLayout->addWidget(m_trendButton);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(u"sidebarSplitter"_s);
    splitter->addWidget(sidebarBox);
    splitter->addWidget(m_stack);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setCollapsible(0, false);
    // The sidebar keeps the width the user dragged it to, also in the next session.
    splitter->setSizes({QSettings().value(kSidebarWidthKey, 220).toInt(), 1200});
    connect(splitter, &QSplitter::splitterMoved, this,
            [this] { QSettings().setValue(kSidebarWidthKey, m_sidebar->width()); });
    setCentralWidget(splitter);

    m_statusTotals = new QLabel(this);
    m_statusTotals->setObjectName(u"statusTotals"_s);
    statusBar()->addPermanentWidget(m_statusTotals);

    createMenus();
    m_start->setExampleAvailable(!examplePaths().isEmpty());
    m_start->setRecentFiles(recentFiles());

    connect(m_start, &StartPage::openRequested, this, &MainWindow::openDialog);
    connect(m_start, &StartPage::openExampleRequested, this, &MainWindow::openExample);
    connect(m_start, &StartPage::openRecentRequested, this,
            [this](const QString& path) { openFiles({path}); });
    connect(m_loading, &LoadingPage::closeRequested, this,
            [this](SnapshotDocument* doc) { m_session->close(doc); });

    connect(m_sidebar->selectionModel(), &QItemSelectionModel::currentChanged, this, [this] {
        m_trendShown = false;
        updatePages();
        updateStatus();
    });
    connect(m_session, &SnapshotSession::documentAdded, this, [this](SnapshotDocument* doc) {
        updateTrendButton();
        if (!m_trendShown)
            selectDocument(doc);
    });
    connect(m_session, &SnapshotSession::documentChanged, this, &MainWindow::onDocumentChanged);
    connect(m_session, &SnapshotSession::comparisonWanted, this, &MainWindow::showComparison);
    connect(m_session, &SnapshotSession::documentAboutToBeRemoved, this, [this](SnapshotDocument* doc) {
        m_readySeen.remove(doc);
        if (SnapshotView* view = m_views.take(doc))
            delete view; // drops the models' references to the snapshot
    });
    connect(m_session, &SnapshotSession::documentRemoved, this, [this] {
        updateTrendButton();
        updatePages();
        updateStatus();
    });

    connect(m_navigator, &Navigator::statusMessage, this,
            [this](const QString& text) { statusBar()->showMessage(text, 6000); });
    connect(m_navigator, &Navigator::revealInSummary, this, [this](const ObjectRef& object) {
        if (SnapshotView* view = routeTo(object.analysis.get()); view && !view->revealInSummary(object.node))
            statusBar()->showMessage(
                tr("%1 is not listed in the Summary.").arg(TextUtil::idText(*object.analysis, object.node)),
                6000);
    });
    connect(m_navigator, &Navigator::showInDominators, this, [this](const ObjectRef& object) {
        if (SnapshotView* view = routeTo(object.analysis.get()))
            view->showInDominators(object.node);
    });
    m_pathActions = new RetainerPathActions(this, m_navigator, this);
    m_pathActions->setIgnoredProvider(
        [this](const heapscope::Analysis* analysis) { return ignoredRetainers(analysis); });
    connect(m_navigator, &Navigator::copyRetainerPath, m_pathActions, &RetainerPathActions::copyPath);
    connect(m_navigator, &Navigator::exportRetainerPaths, m_pathActions, &RetainerPathActions::exportPaths);

    QSettings settings;
    restoreGeometry(settings.value(u"window/geometry"_s).toByteArray());
    updatePages();
}

MainWindow::~MainWindow() {
    // Views hold models over the documents; drop them before the session deletes the documents.
    qDeleteAll(m_views);
    m_views.clear();
}

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open…"), this, &MainWindow::openDialog);
    open->setShortcut(QKeySequence::Open);
    file->addAction(tr("Open &Folder as a Series…"), this, &MainWindow::openFolderDialog)
        ->setObjectName(u"actionOpenFolder"_s);
    open->setObjectName(u"actionOpen"_s);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    file->addAction(tr("Open &Example"), this, &MainWindow::openExample)
        ->setEnabled(!examplePaths().isEmpty());
    file->addSeparator();
    m_redactJob = new BackgroundJob(this);
    m_saveRedacted = file->addAction(tr("Save Re&dacted Copy…"), this, &MainWindow::saveRedactedCopyDialog);
    m_saveRedacted->setObjectName(u"actionSaveRedactedCopy"_s);
    m_saveRedacted->setToolTip(tr("Save a copy of the current snapshot to share: the same objects, sizes and "
                                  "names, its string values replaced by placeholders"));
    connect(file, &QMenu::aboutToShow, this, [this] {
        const SnapshotDocument* doc = currentDocument();
        m_saveRedacted->setEnabled(doc && doc->isReady() && doc->snapshot() && !m_redactJob->isRunning());
    });
    m_exportTable = file->addAction(tr("&Export Table…"), this, &MainWindow::exportTableDialog);
    m_exportTable->setObjectName(u"actionExportTable"_s);
    m_exportTable->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_exportTable->setToolTip(tr("Save the rows the current view shows as CSV, JSON or Markdown"));
    m_exportTable->setEnabled(false);
    m_reportJob = new BackgroundJob(this);
    m_exportReport = file->addAction(tr("Export &Report…"), this, &MainWindow::exportReportDialog);
    m_exportReport->setObjectName(u"actionExportReport"_s);
    m_exportReport->setToolTip(tr("Save the open snapshots' Summary, Statistics, Comparison, trend and "
                                  "leak groups as one HTML page"));
    connect(file, &QMenu::aboutToShow, this, [this] {
        m_exportReport->setEnabled(!m_session->documents().empty() && !m_reportJob->isRunning());
    });
    // Line edits take Ctrl+E (end of line) before the shortcut is looked up; see eventFilter().
    qApp->installEventFilter(this);
#ifdef HEAPSCOPE_HAVE_CAPTURE
    // Taking snapshots of running processes: Connect to process…, Send signal…, Watch folder…
    file->addSeparator();
    auto* capture = new heapscope::captureui::CaptureActions(this);
    file->addActions(capture->actions());
    connect(capture, &heapscope::captureui::CaptureActions::snapshotReady, this, &MainWindow::openCaptured);
    connect(m_start, &StartPage::connectRequested, capture->connectAction(), &QAction::trigger);
    connect(m_start, &StartPage::sendSignalRequested, capture->signalAction(), &QAction::trigger);
    connect(m_start, &StartPage::watchFolderRequested, capture->watchAction(), &QAction::trigger);
#else
    m_start->setCaptureAvailable(false);
#endif
    file->addSeparator();
    createIndexMenu(file);
    file->addSeparator();
    QAction* close = file->addAction(tr("&Close Snapshot"), this, &MainWindow::closeCurrent);
    close->setShortcut(QKeySequence::Close);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);
    updateRecentMenu();

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* find = edit->addAction(tr("&Find Object by @id…"), this, [this] {
        if (SnapshotView* view = currentView())
            view->focusFind();
    });
    find->setShortcut(QKeySequence::Find);
    find->setObjectName(u"actionFind"_s);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    const QList<std::pair<QString, SnapshotView::Perspective>> perspectives = {
        {tr("&Summary"), SnapshotView::SummaryPerspective},
        {tr("&Comparison"), SnapshotView::ComparisonPerspective},
        {tr("C&ontainment"), SnapshotView::ContainmentPerspective},
        {tr("&Dominators"), SnapshotView::DominatorsPerspective},
        {tr("S&tatistics"), SnapshotView::StatisticsPerspective},
    };
    int n = 1;
    for (const auto& [title, perspective] : perspectives) {
        QAction* a = view->addAction(title, this, [this, perspective] {
            if (SnapshotView* v = currentView())
                v->showPerspective(perspective);
        });
        a->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_0 + n++)));
    }

    view->addSeparator();
    QAction* trend = view->addAction(tr("T&rend of the Open Snapshots"), this, &MainWindow::showTrend);
    trend->setObjectName(u"actionTrend"_s);
    trend->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Heapscope"), this, &MainWindow::showAbout)->setMenuRole(QAction::AboutRole);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt)->setMenuRole(QAction::AboutQtRole);
}

SnapshotDocument* MainWindow::currentDocument() const {
    return m_listModel->document(m_sidebar->currentIndex());
}

SnapshotView* MainWindow::viewFor(const SnapshotDocument* doc) const {
    return m_views.value(doc);
}

SnapshotView* MainWindow::currentView() const {
    return viewFor(currentDocument());
}

void MainWindow::selectDocument(SnapshotDocument* doc) {
    const QModelIndex idx = m_listModel->indexOf(doc);
    if (idx.isValid())
        m_sidebar->setCurrentIndex(idx);
    updatePages();
    updateStatus();
}

SnapshotView* MainWindow::routeTo(const heapscope::Analysis* analysis) {
    SnapshotDocument* doc = m_session->documentForAnalysis(analysis);
    if (!doc) {
        statusBar()->showMessage(tr("That snapshot is not open any more."), 6000);
        return nullptr;
    }
    selectDocument(doc);
    return ensureView(doc);
}

void MainWindow::updatePages() {
    SnapshotDocument* doc = currentDocument();
    if (doc && !m_trendShown)
        ensureView(doc);
    if (m_exportTable) // not from the Trend: it would export a hidden snapshot's table
        m_exportTable->setEnabled(!m_trendShown && currentView() != nullptr);
    if (m_trendShown) {
        m_stack->setCurrentWidget(m_trend);
        setWindowTitle(tr("Trend — Heapscope"));
        return;
    }
    if (!doc) {
        m_start->setRecentFiles(recentFiles());
        m_stack->setCurrentWidget(m_start);
        setWindowTitle(tr("Heapscope"));
        return;
    }
    setWindowTitle(tr("%1 — Heapscope").arg(doc->displayName()));
    if (SnapshotView* view = viewFor(doc)) { // made above once the document is ready
        m_results->setCurrentWidget(view);
        m_stack->setCurrentWidget(m_results);
        return;
    }
    if (m_loading->document() != doc)
        m_loading->setDocument(doc);
    m_stack->setCurrentWidget(m_loading);
}

void MainWindow::updateStatus() {
    SnapshotDocument* doc = currentDocument();
    if (!doc || !doc->isReady()) {
        m_statusTotals->clear();
        return;
    }
    const auto a = doc->analysis();
    // Every node of the snapshot; the Summary's "Listed" count leaves out the ones without a size.
    const bool fromIndex = doc->indexOutcome() == heapscope::IndexOutcome::Used;
    m_statusTotals->setText(
        (fromIndex
             ? tr("Snapshot: %1 · %2 objects in all (every node) · %3 classes · reopened from its index "
                  "in %4 s")
             : tr("Snapshot: %1 · %2 objects in all (every node) · %3 classes · loaded in %4 s"))
            .arg(TextUtil::bytesAdaptive(a->totalSize), TextUtil::grouped(a->snapshot->nodeCount),
                 TextUtil::grouped(a->allObjects.classes.size()),
                 QString::number(doc->loadSeconds(), 'f', 2)));
    m_statusTotals->setToolTip(
        tr("Total size %1\n%2 nodes in the snapshot, the roots and zero-size nodes included (the "
           "Summary lists %3 of them: those with a size of their own)\n%4 edges\n%5 reachable, %6 "
           "unreachable objects")
            .arg(TextUtil::exactBytes(a->totalSize), TextUtil::grouped(a->snapshot->nodeCount),
                 TextUtil::grouped(a->allObjects.objectCount), TextUtil::grouped(a->snapshot->edgeCount),
                 TextUtil::grouped(a->reachableCount), TextUtil::grouped(a->unreachableCount)));
}

void MainWindow::createIndexMenu(QMenu* file) {
    m_indexKeeper = new IndexKeeper(this);
    connect(m_indexKeeper, &IndexKeeper::failed, this, [this](const QString& message) {
        statusBar()->showMessage(tr("No index kept: %1").arg(message), 8000);
    });
    m_clearIndexJob = new BackgroundJob(this);
    QMenu* menu = file->addMenu(tr("&Index Cache"));
    menu->setObjectName(u"menuIndexCache"_s);
    menu->setToolTipsVisible(true);
    m_keepIndexes = menu->addAction(tr("&Keep Indexes for Instant Reopen"));
    m_keepIndexes->setObjectName(u"actionKeepIndexes"_s);
    m_keepIndexes->setCheckable(true);
    m_keepIndexes->setToolTip(
        tr("After a snapshot is opened, its graph and analysis are written to the cache "
           "folder, so that the next open of the same file takes a fraction of a second"));
    connect(m_keepIndexes, &QAction::toggled, this, [](bool on) { IndexSettings::setEnabled(on); });
    QAction* limit = menu->addAction(tr("Size &Limit…"), this, [this] {
        bool ok = false;
        const double gb = QInputDialog::getDouble(
            this, tr("Index Cache Size Limit"),
            tr("Keep at most this many GB of indexes (the least recently "
               "used are deleted first):"),
            double(IndexSettings::capBytes()) / double(1ull << 30), 0.1, 100000, 1, &ok);
        if (ok)
            IndexSettings::setCapBytes(std::uint64_t(gb * double(1ull << 30)));
    });
    limit->setObjectName(u"actionIndexCacheLimit"_s);
    menu->addAction(tr("Open Cache &Folder"), this, [] {
        const QString folder = QString::fromStdString(heapscope::indexFolder(IndexSettings::options()));
        QDir().mkpath(folder);
        QDesktopServices::openUrl(QUrl::fromLocalFile(folder));
    });
    m_clearIndexes = menu->addAction(tr("&Clear Index Cache"), this, &MainWindow::clearIndexCache);
    m_clearIndexes->setObjectName(u"actionClearIndexCache"_s);
    connect(menu, &QMenu::aboutToShow, this, [this] {
        const QSignalBlocker block(m_keepIndexes);
        m_keepIndexes->setChecked(IndexSettings::enabled());
        // only the folder's listing: sizes, no file is read
        qint64 bytes = 0;
        const QString folder = QString::fromStdString(heapscope::indexFolder(IndexSettings::options()));
        QDirIterator it(folder, {u"*.hsidx"_s}, QDir::Files);
        while (it.hasNext())
            bytes += it.nextFileInfo().size();
        m_clearIndexes->setText(
            bytes ? tr("&Clear Index Cache (%1)").arg(TextUtil::bytesAdaptive(quint64(bytes)))
                  : tr("&Clear Index Cache"));
        m_clearIndexes->setEnabled(bytes > 0 && !m_clearIndexJob->isRunning());
    });
}

void MainWindow::clearIndexCache() {
    m_indexKeeper->stopAll();
    m_clearIndexJob->start(
        [options = IndexSettings::options()](JobContext&) -> QString {
            auto freed = heapscope::clearIndexes(options);
            if (!freed)
                return QString::fromStdString(freed.error().message());
            return QObject::tr("Deleted %1 of indexes.").arg(TextUtil::bytesAdaptive(*freed));
        },
        [this](const QString& message) { statusBar()->showMessage(message, 6000); });
}

SnapshotView* MainWindow::ensureView(SnapshotDocument* doc) {
    if (SnapshotView* view = m_views.value(doc))
        return view;
    if (!doc->isReady())
        return nullptr;
    // Made when the document is first shown, not when it becomes ready: a series opened at once
    // would otherwise build every view in one go (tens of milliseconds each) while the Trend is up.
    auto* view = new SnapshotView(m_session, doc, m_navigator, m_results);
    m_views.insert(doc, view);
    m_results->addWidget(view);
    return view;
}

void MainWindow::onDocumentChanged(SnapshotDocument* doc) {
    if (doc->isReady() && !m_readySeen.contains(doc)) {
        m_readySeen.insert(doc);
        addRecent(doc->path());
        if (!doc->indexWarning().isEmpty())
            statusBar()->showMessage(doc->indexWarning(), 12000);
        // Once the Summary is on screen, the index is written at the lowest priority.
        if (doc->indexOutcome() == heapscope::IndexOutcome::Absent ||
            doc->indexOutcome() == heapscope::IndexOutcome::Rejected)
            QTimer::singleShot(0, this, [this, analysis = std::weak_ptr(doc->analysis())] {
                if (auto a = analysis.lock())
                    m_indexKeeper->keep(a);
            });
    }
    if (doc == currentDocument()) {
        updatePages();
        updateStatus();
    }
}

void MainWindow::openFiles(const QStringList& paths) {
    QList<SnapshotDocument*> opened;
    QStringList profiles; // sampling heap profiles open in the profile window
    for (const QString& path : paths) {
        if (path.isEmpty())
            continue;
        if (ProfileWindow::isProfile(path)) {
            profiles << path;
            addRecent(QFileInfo(path).absoluteFilePath());
            continue;
        }
        opened.append(m_session->open(QFileInfo(path).absoluteFilePath()));
    }
    // Three or more at once are a series: their trend. Two: the Comparison of the newer one.
    if (opened.size() >= 3)
        showTrend();
    else if (opened.size() == 2)
        m_session->compareWhenLoaded(opened);
    if (!profiles.isEmpty())
        ProfileWindow::of(this)->openFiles(profiles);
}

void MainWindow::openCaptured(const QString& path, const QString& previousPath) {
    if (ProfileWindow::isProfile(path)) {
        ProfileWindow::of(this)->openFiles({path});
        return;
    }
    // A second snapshot of the same target opens the Comparison against the previous one.
    SnapshotDocument* previous = nullptr;
    const QString previousAbsolute =
        previousPath.isEmpty() ? QString() : QFileInfo(previousPath).absoluteFilePath();
    for (SnapshotDocument* doc : m_session->documents())
        if (!previousAbsolute.isEmpty() && doc->path() == previousAbsolute)
            previous = doc;
    SnapshotDocument* doc = m_session->open(QFileInfo(path).absoluteFilePath());
    if (previous)
        m_session->compareWhenLoaded({previous, doc});
}

void MainWindow::showComparison(SnapshotDocument* base, SnapshotDocument* current) {
    selectDocument(current);
    SnapshotView* view = ensureView(current);
    if (!view)
        return;
    if (base)
        view->comparisonPage()->setBase(base);
    view->showPerspective(SnapshotView::ComparisonPerspective);
}

QStringList MainWindow::examplePaths() {
    const QStringList names = {u"leak-A.heapsnapshot.gz"_s, u"leak-B.heapsnapshot.gz"_s};
    QStringList dirs;
    const QString env = qEnvironmentVariable("HEAPSCOPE_EXAMPLES_DIR");
    if (!env.isEmpty())
        dirs << env;
    dirs << u":/heapscope/examples"_s;
    const QString appDir = QCoreApplication::applicationDirPath();
    dirs << appDir + u"/../share/heapscope/examples"_s << appDir + u"/examples"_s;
    for (const QString& dir : dirs) {
        QStringList found;
        for (const QString& name : names)
            if (QFileInfo::exists(dir + u'/' + name))
                found << dir + u'/' + name;
        if (found.size() == names.size())
            return found;
    }
    return {};
}

bool MainWindow::openExample() {
    QStringList paths = examplePaths();
    if (paths.isEmpty()) {
        statusBar()->showMessage(tr("The example snapshots are not installed."), 6000);
        return false;
    }
    if (paths.first().startsWith(u':')) {
        // The loader maps real files; copy the embedded pair out once.
        if (!m_exampleDir)
            m_exampleDir = std::make_unique<QTemporaryDir>();
        QStringList copies;
        for (const QString& p : paths) {
            const QString target = m_exampleDir->filePath(QFileInfo(p).fileName());
            if (!QFileInfo::exists(target))
                QFile::copy(p, target);
            copies << target;
        }
        paths = copies;
    }
    QList<SnapshotDocument*> opened;
    for (const QString& p : paths)
        opened.append(m_session->open(p));
    m_session->compareWhenLoaded(opened);
    return true;
}

void MainWindow::openDialog() {
    QSettings settings;
    const QString dir = settings.value(u"lastDirectory"_s, QDir::homePath()).toString();
    const QStringList paths = QFileDialog::getOpenFileNames(
        this, tr("Open Heap Snapshots"), dir,
        tr("Heap snapshots and profiles (*.heapsnapshot *.heaptimeline *.heapprofile "
           "*.heapsnapshot.gz *.heaptimeline.gz *.heapprofile.gz *.gz);;"
           "Sampling heap profiles (*.heapprofile *.heapprofile.gz);;All files (*)"));
    if (paths.isEmpty())
        return;
    settings.setValue(u"lastDirectory"_s, QFileInfo(paths.first()).absolutePath());
    openFiles(paths);
}

void MainWindow::closeCurrent() {
    if (SnapshotDocument* doc = currentDocument())
        m_session->close(doc);
}

std::vector<heapscope::NodeOrdinal> MainWindow::ignoredRetainers(const heapscope::Analysis* analysis) const {
    const IgnoredRetainers ignored = m_session->ignoredRetainers(analysis);
    return {ignored.nodes.begin(), ignored.nodes.end()};
}

bool MainWindow::exportTable(const QString& path, TableExport::Format format) {
    SnapshotView* view = currentView();
    return writeTable(view ? view->currentTable() : nullptr, path, format);
}

bool MainWindow::writeTable(QTreeView* table, const QString& path, TableExport::Format format) {
    if (!table)
        return false;
    const QByteArray data = TableExport::exportView(table, format);
    if (!ExportUtil::save(this, path, data))
        return false;
    statusBar()->showMessage(tr("Exported the table to %1.").arg(QDir::toNativeSeparators(path)), 6000);
    return true;
}

void MainWindow::saveRedactedCopyDialog() {
    const SnapshotDocument* doc = currentDocument();
    if (!doc || !doc->isReady() || !doc->snapshot() || m_redactJob->isRunning())
        return;
    QString base = QFileInfo(doc->path()).fileName();
    for (const QString& ext : {u".gz"_s, u".heapsnapshot"_s, u".heaptimeline"_s, u".json"_s})
        if (base.endsWith(ext))
            base.chop(ext.size());
    const QString suggested = QDir(ExportUtil::lastDirectory()).filePath(base + u"-redacted.heapsnapshot"_s);
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Save Redacted Copy"), suggested, tr("Heap snapshot (*.heapsnapshot *.heaptimeline *.gz)"));
    if (path.isEmpty())
        return;
    ExportUtil::setLastDirectory(path);
    saveRedactedCopy(path);
}

void MainWindow::saveRedactedCopy(const QString& path) {
    const SnapshotDocument* doc = currentDocument();
    if (!doc || !doc->snapshot())
        return;
    statusBar()->showMessage(tr("Writing a redacted copy of %1…").arg(QFileInfo(doc->path()).fileName()));
    // The copy reads the snapshot (never changed after its load) and the file again, on the jobs'
    // threads; a stop or a failure leaves `path` as it was.
    m_redactJob->start(
        [snapshot = doc->snapshot(),
         out = QFile::encodeName(path).toStdString()](JobContext& job) -> QString {
            heapscope::WorkContext context = job.work();
            context.progress = [&job](heapscope::Stage, std::uint64_t done, std::uint64_t total) {
                job.setProgress(total ? double(done) / double(total) : 0.0,
                                QObject::tr("Writing the redacted copy"));
            };
            auto result = heapscope::writeRedactedCopy(*snapshot, out, {}, context);
            return result ? QString() : QString::fromStdString(result.error().message());
        },
        [this, path](const QString& error) {
            if (error.isEmpty()) {
                statusBar()->showMessage(
                    tr("Saved a redacted copy to %1").arg(QDir::toNativeSeparators(path)), 10000);
            } else {
                statusBar()->clearMessage();
                QMessageBox::warning(this, tr("Save Redacted Copy"), error);
            }
        });
}

void MainWindow::exportTableDialog() {
    SnapshotView* view = currentView();
    // Chosen before the file dialog takes the focus.
    const QPointer<QTreeView> table = view ? view->currentTable() : nullptr;
    if (!table)
        return;
    const QString base = QFileInfo(view->document()->displayName()).completeBaseName().section(u'.', 0, 0);
    const QString suggested =
        QDir(ExportUtil::lastDirectory()).filePath(base + u'-' + view->perspectiveKey());
    QString filter;
    QString path = QFileDialog::getSaveFileName(this, tr("Export Table"), suggested + u".csv"_s,
                                                TableExport::fileFilters(), &filter);
    if (path.isEmpty())
        return;
    const TableExport::Format format = TableExport::formatFor(filter, path);
    if (QFileInfo(path).suffix().isEmpty())
        path += u'.' + TableExport::suffix(format);
    ExportUtil::setLastDirectory(path);
    writeTable(table, path, format);
}

void MainWindow::showAbout() {
    AboutDialog dialog(this);
    dialog.exec();
}

QStringList MainWindow::recentFiles() const {
    return QSettings().value(kRecentKey).toStringList();
}

void MainWindow::addRecent(const QString& path) {
    if (m_exampleDir && path.startsWith(m_exampleDir->path()))
        return; // temporary copies would be gone next time
    QStringList recent = recentFiles();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    QSettings().setValue(kRecentKey, recent);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu() {
    if (!m_recentMenu)
        return;
    m_recentMenu->clear();
    const QStringList recent = recentFiles();
    for (const QString& path : recent)
        m_recentMenu->addAction(QFileInfo(path).fileName(), this, [this, path] { openFiles({path}); })
            ->setToolTip(path);
    if (!recent.isEmpty()) {
        m_recentMenu->addSeparator();
        m_recentMenu->addAction(tr("Clear List"), this, [this] {
            QSettings().remove(kRecentKey);
            updateRecentMenu();
            m_start->setRecentFiles({});
        });
    }
    m_recentMenu->setEnabled(!recent.isEmpty());
}

bool MainWindow::eventFilter(QObject* watched, QEvent* event) {
    // Export Table works wherever the focus is in this window: a focused line edit (the class
    // filter, Find @id) would otherwise claim Ctrl+E for itself.
    if (event->type() == QEvent::ShortcutOverride && m_exportTable && m_exportTable->isEnabled()) {
        auto* widget = qobject_cast<QWidget*>(watched);
        auto* key = static_cast<QKeyEvent*>(event);
        if (widget && widget->window() == this &&
            QKeySequence(key->keyCombination()) == m_exportTable->shortcut()) {
            event->ignore();
            return true;
        }
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls()) {
        for (const QUrl& url : event->mimeData()->urls()) {
            if (url.isLocalFile()) {
                event->acceptProposedAction();
                return;
            }
        }
    }
}

void MainWindow::dropEvent(QDropEvent* event) {
    QStringList paths;
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile())
            paths << url.toLocalFile();
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    // A dropped folder is a series of its snapshots.
    if (paths.size() == 1 && QFileInfo(paths.front()).isDir()) {
        openFolder(paths.front());
        return;
    }
    openFiles(paths);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    QSettings().setValue(u"window/geometry"_s, saveGeometry());
    QMainWindow::closeEvent(event);
}

void MainWindow::exportReportDialog() {
    const QStringList paths = openSnapshotPaths();
    if (paths.isEmpty() || m_reportJob->isRunning())
        return;
    const QString suggested =
        QDir(ExportUtil::lastDirectory()).filePath(QFileInfo(paths.back()).baseName() + u"-report.html"_s);
    QString path =
        QFileDialog::getSaveFileName(this, tr("Export Report"), suggested, tr("HTML page (*.html *.htm)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += u".html"_s;
    ExportUtil::setLastDirectory(path);
    exportReport(path);
}

void MainWindow::exportReport(const QString& path) {
    const QStringList paths = openSnapshotPaths();
    if (paths.isEmpty())
        return;
    std::vector<std::string> files;
    for (const QString& p : paths)
        files.push_back(QFile::encodeName(p).toStdString());
    heapscope::cli::ReportOptions options;
#ifdef HEAPSCOPE_VERSION
    options.generator = "Heapscope " HEAPSCOPE_VERSION;
#else
    options.generator = "Heapscope";
#endif
    statusBar()->showMessage(tr("Writing the report of %n snapshot(s)…", nullptr, int(paths.size())));
    // The report loads the files again (a series is analysed one file at a time), so the open
    // documents are not touched.
    m_reportJob->start(
        [files, options, out = QFile::encodeName(path).toStdString()](JobContext& job) -> QString {
            std::vector<std::string> notes;
            auto html = heapscope::cli::buildReportHtml(files, options, notes, job.work());
            if (!html)
                return QString::fromStdString(html.error().message());
            auto written = heapscope::cli::writeFileAtomically(out, *html);
            return written ? QString() : QString::fromStdString(written.error().message());
        },
        [this, path](const QString& error) {
            if (error.isEmpty()) {
                statusBar()->showMessage(tr("Exported the report to %1.").arg(QDir::toNativeSeparators(path)),
                                         6000);
            } else {
                statusBar()->clearMessage();
                QMessageBox::warning(this, tr("Export Report"), error);
            }
        });
}

QStringList MainWindow::openSnapshotPaths() const {
    QStringList paths;
    for (SnapshotDocument* doc : m_session->documents())
        paths << doc->path();
    return paths;
}

void MainWindow::updateTrendButton() {
    const int count = int(m_session->documents().size());
    m_trendButton->setText(tr("Trend of %1 Snapshots").arg(count));
    m_trendButton->setVisible(count >= 2);
}

void MainWindow::showTrend() {
    const QStringList paths = openSnapshotPaths();
    if (paths.size() < 2) {
        statusBar()->showMessage(tr("Open two or more snapshots of one program to see their trend."), 6000);
        return;
    }
    m_trendShown = true;
    {
        const QSignalBlocker blocker(m_sidebar->selectionModel());
        m_sidebar->selectionModel()->clearCurrentIndex();
        m_sidebar->clearSelection();
    }
    updatePages();
    updateStatus();
    // Analysed again only when the open snapshots changed (the page keeps the user's order and
    // what they left out until then).
    QStringList sorted = paths;
    sorted.sort();
    if (sorted != m_trendSource || (!m_trend->series() && !m_trend->isRunning())) {
        m_trendSource = sorted;
        m_trend->analyze(paths);
    }
}

void MainWindow::openFolderDialog() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a Folder of Snapshots"));
    if (!dir.isEmpty())
        openFolder(dir);
}

bool MainWindow::openFolder(const QString& dir) {
    const QFileInfoList files =
        QDir(dir).entryInfoList({u"*.heapsnapshot"_s, u"*.heapsnapshot.gz"_s}, QDir::Files, QDir::Name);
    if (files.isEmpty()) {
        statusBar()->showMessage(tr("%1 holds no .heapsnapshot files.").arg(QDir::toNativeSeparators(dir)),
                                 6000);
        return false;
    }
    for (const QFileInfo& file : files)
        m_session->open(file.absoluteFilePath());
    if (files.size() >= 2)
        showTrend();
    return true;
}

void MainWindow::showSeriesObjects(const QString& path, const QList<quint32>& ids) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    SnapshotDocument* target = nullptr;
    for (SnapshotDocument* doc : m_session->documents())
        if (QFileInfo(doc->path()).absoluteFilePath() == absolute)
            target = doc;
    if (!target)
        target = m_session->open(absolute);
    m_trendShown = false;
    selectDocument(target);
    // The first id found (a lookup by id indexes the snapshot's ids the first time: seconds on a
    // big one), on the job pool; then the Summary selects it.
    auto reveal = [this, target, ids] {
        const heapscope::AnalysisPtr analysis = target->analysis();
        if (!analysis)
            return;
        if (!m_revealJob)
            m_revealJob = new BackgroundJob(this);
        m_revealJob->start(
            [analysis, ids](JobContext&) -> std::optional<heapscope::NodeOrdinal> {
                for (quint32 id : ids)
                    if (const auto node = analysis->snapshot->nodeWithId(id))
                        return node;
                return std::nullopt;
            },
            [this, analysis, target, count = ids.size()](std::optional<heapscope::NodeOrdinal> node) {
                if (!node) {
                    statusBar()->showMessage(tr("None of these objects is in %1.").arg(target->displayName()),
                                             6000);
                    return;
                }
                Q_EMIT m_navigator->revealInSummary(ObjectRef{analysis, *node});
                statusBar()->showMessage(tr("The first of %1 objects of this group is selected").arg(count),
                                         6000);
            });
    };
    if (target->isReady()) {
        reveal();
        return;
    }
    // Once it has loaded.
    auto* connection = new QMetaObject::Connection;
    *connection = connect(m_session, &SnapshotSession::documentChanged, this,
                          [target, reveal, connection](SnapshotDocument* doc) {
                              if (doc != target || !doc->isReady())
                                  return;
                              QObject::disconnect(*connection);
                              delete connection;
                              reveal();
                          });
}

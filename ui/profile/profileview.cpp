// SPDX-License-Identifier: MIT
#include "profileview.h"

#include "exportutil.h"
#include "flamechart.h"
#include "jobs/backgroundjob.h"
#include "profilemodels.h"
#include "samplestrip.h"
#include "tableexport.h"
#include "textutil.h"

#include <QClipboard>
#include <QDir>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QProgressBar>
#include <QScrollArea>
#include <QShortcut>
#include <QSignalBlocker>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

#include <chrono>

using namespace heapscope;
using namespace Qt::StringLiterals;

namespace {

struct LoadResult {
    SamplingProfilePtr profile;
    // made on the job's thread too, so that a big profile does not hold up the window
    std::vector<BottomUpRow> bottomUp;
    std::vector<FlameEntry> flame;
    QString error;
    double seconds = 0;
};

QTreeView* makeTree(QWidget* parent, const QString& name) {
    auto* view = new QTreeView(parent);
    view->setObjectName(name);
    view->setUniformRowHeights(true);
    view->setSortingEnabled(true);
    view->setAlternatingRowColors(true);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->header()->setStretchLastSection(true);
    return view;
}

void sizeColumns(QTreeView* view) {
    const QFontMetrics fm = view->fontMetrics();
    view->setColumnWidth(ProfileColumns::Function, fm.horizontalAdvance(u"M"_s) * 28);
    for (int c : {ProfileColumns::SelfSize, ProfileColumns::TotalSize})
        view->setColumnWidth(c, fm.horizontalAdvance(u"1,234.5 kB"_s) + 24);
    for (int c : {ProfileColumns::SelfPercent, ProfileColumns::TotalPercent})
        view->setColumnWidth(c, fm.horizontalAdvance(u"100.00 %"_s) + 16);
    view->setColumnWidth(ProfileColumns::Samples, fm.horizontalAdvance(u"Samples"_s) + 24);
}

// Opens the heaviest path a few levels deep, as one reads a profile first.
void openHeaviestPath(QTreeView* view, QAbstractItemModel* model) {
    QModelIndex i = model->index(0, 0);
    for (int level = 0; level < 6 && i.isValid(); ++level) {
        view->expand(i);
        i = model->index(0, 0, i);
    }
}

} // namespace

ProfileView::ProfileView(const QString& path, QWidget* parent)
    : QWidget(parent), m_path(path), m_job(new BackgroundJob(this)) {
    setObjectName(u"profileView"_s);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_stack = new QStackedWidget(this);
    layout->addWidget(m_stack);

    // loading / error page
    auto* loading = new QWidget(m_stack);
    auto* ll = new QVBoxLayout(loading);
    ll->addStretch();
    m_status = new QLabel(loading);
    m_status->setObjectName(u"profileStatus"_s);
    m_status->setAlignment(Qt::AlignCenter);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_progress = new QProgressBar(loading);
    m_progress->setRange(0, BackgroundJob::kProgressScale);
    m_progress->setMaximumWidth(400);
    ll->addWidget(m_status);
    ll->addWidget(m_progress, 0, Qt::AlignHCenter);
    ll->addStretch();
    m_stack->addWidget(loading);

    // the views
    m_content = new QWidget(m_stack);
    auto* cl = new QVBoxLayout(m_content);
    cl->setContentsMargins(6, 6, 6, 6);
    auto* top = new QHBoxLayout;
    m_summary = new QLabel(m_content);
    m_summary->setObjectName(u"profileSummary"_s);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_search = new QLineEdit(m_content);
    m_search->setObjectName(u"profileSearch"_s);
    m_search->setPlaceholderText(tr("Search function"));
    m_search->setClearButtonEnabled(true);
    m_search->setMaximumWidth(280);
    top->addWidget(m_summary, 1);
    top->addWidget(m_search);
    cl->addLayout(top);
    m_strip = new SampleStrip(m_content);
    m_strip->setToolTip(
        tr("The samples in the order they were taken; drag to see only a part of the recording"));
    m_selection = new QLabel(m_content);
    m_selection->setObjectName(u"profileSelection"_s);
    m_selection->setForegroundRole(QPalette::PlaceholderText);
    cl->addWidget(m_strip);
    cl->addWidget(m_selection);
    connect(m_strip, &SampleStrip::rangeSelected, this, &ProfileView::selectOrdinals);
    m_tabs = new QTabWidget(m_content);
    m_tabs->setObjectName(u"profileTabs"_s);
    m_tabs->setDocumentMode(true);
    m_bottomUpView = makeTree(m_tabs, u"bottomUpView"_s);
    m_topDownView = makeTree(m_tabs, u"topDownView"_s);
    m_flame = new FlameChart;
    auto* flameArea = new QWidget(m_tabs);
    auto* fl = new QVBoxLayout(flameArea);
    fl->setContentsMargins(0, 0, 0, 0);
    auto* hint =
        new QLabel(tr("Click a frame to zoom in, double-click to zoom out one level, Esc for the whole "
                      "profile. Width is the total size allocated below a frame and still alive."),
                   flameArea);
    hint->setWordWrap(true);
    hint->setForegroundRole(QPalette::PlaceholderText);
    auto* scroll = new QScrollArea(flameArea);
    scroll->setWidget(m_flame);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    fl->addWidget(hint);
    fl->addWidget(scroll, 1);
    m_tabs->addTab(m_bottomUpView, tr("Bottom-up"));
    m_tabs->addTab(m_topDownView, tr("Top-down"));
    m_tabs->addTab(flameArea, tr("Flame Chart"));
    cl->addWidget(m_tabs, 1);
    m_details = new QLabel(m_content);
    m_details->setObjectName(u"profileDetails"_s);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setText(tr("Select a function to see its script and line."));
    cl->addWidget(m_details);
    m_stack->addWidget(m_content);

    // typing restarts a short wait; the views filter once the user pauses
    auto* searchDelay = new QTimer(this);
    searchDelay->setSingleShot(true);
    searchDelay->setInterval(200);
    connect(m_search, &QLineEdit::textChanged, searchDelay, qOverload<>(&QTimer::start));
    connect(searchDelay, &QTimer::timeout, this, [this] { setSearch(m_search->text()); });
    auto* find = new QShortcut(QKeySequence::Find, this);
    connect(find, &QShortcut::activated, this, [this] {
        m_search->setFocus();
        m_search->selectAll();
    });
    connect(m_flame, &FlameChart::nodeActivated, this, &ProfileView::showNodeDetails);
    connect(m_flame, &FlameChart::nodeHovered, this, [this](std::uint32_t n) {
        if (n != kNoIndex)
            showNodeDetails(n);
    });
    connect(m_job, &BackgroundJob::progress, this, [this](double fraction, const QString& text) {
        m_progress->setValue(int(fraction * BackgroundJob::kProgressScale));
        m_status->setText(tr("%1 %2…").arg(text, QFileInfo(m_path).fileName()));
    });
    load();
}

ProfileView::~ProfileView() = default;

bool ProfileView::isLoading() const {
    return m_job->isRunning();
}

void ProfileView::load() {
    m_status->setText(tr("Reading %1…").arg(QFileInfo(m_path).fileName()));
    m_progress->setVisible(true);
    m_stack->setCurrentIndex(0);
    m_job->start(
        [path = m_path.toStdString()](JobContext& job) {
            const auto start = std::chrono::steady_clock::now();
            WorkContext context = job.work();
            context.progress = [&job](Stage stage, std::uint64_t done, std::uint64_t total) {
                const std::string_view title = stageTitle(stage);
                job.setProgress(total ? double(done) / double(total) : 0,
                                QString::fromUtf8(title.data(), qsizetype(title.size())));
            };
            LoadResult result;
            auto loaded = loadSamplingProfile(path, context);
            result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            if (loaded) {
                result.profile = *loaded;
                result.bottomUp = bottomUpFunctions(**loaded);
                result.flame = heapscope::flameChart(**loaded);
            } else
                result.error = QString::fromStdString(loaded.error().message());
            return result;
        },
        [this](LoadResult result) {
            if (!result.profile) {
                m_error = result.error;
                m_status->setText(m_error);
                m_progress->setVisible(false);
                Q_EMIT failed(m_error);
                return;
            }
            onLoaded(std::move(result.profile), std::move(result.bottomUp), std::move(result.flame),
                     result.seconds);
        });
}

void ProfileView::onLoaded(SamplingProfilePtr profile, std::vector<BottomUpRow> bottomUp,
                           std::vector<FlameEntry> flame, double seconds) {
    m_profile = std::move(profile);
    m_shown = m_profile;
    m_loadSeconds = seconds;
    const SamplingProfile& p = *m_profile;

    m_bottomUpProxy = new ProfileFilterModel(false, this);
    m_bottomUpView->setModel(m_bottomUpProxy);
    m_topDownProxy = new ProfileFilterModel(true, this);
    m_topDownView->setModel(m_topDownProxy);
    setModels(std::move(bottomUp), std::move(flame));
    m_bottomUpView->sortByColumn(ProfileColumns::SelfSize, Qt::DescendingOrder);
    m_topDownView->sortByColumn(ProfileColumns::TotalSize, Qt::DescendingOrder);
    sizeColumns(m_bottomUpView);
    sizeColumns(m_topDownView);
    openHeaviestPath(m_topDownView, m_topDownProxy);
    m_strip->setProfile(m_profile);
    m_strip->setVisible(m_strip->hasRange());
    m_selection->setVisible(false);

    auto select = [this](QTreeView* view, bool bottomUp) {
        connect(view->selectionModel(), &QItemSelectionModel::currentChanged, this,
                [this, bottomUp](const QModelIndex& current) {
                    if (!current.isValid())
                        return;
                    if (bottomUp) {
                        const BottomUpRow* row = m_bottomUp->row(m_bottomUpProxy->mapToSource(current));
                        if (row)
                            showDetails(row->function, row->self, row->total, row->samples);
                    } else {
                        showNodeDetails(current.data(ProfileRoles::NodeRole).toUInt());
                    }
                });
    };
    select(m_bottomUpView, true);
    select(m_topDownView, false);

    // the frame a row stands for: a Top-down row's node; a Bottom-up row's first frame (the caller
    // it shows, on the path of its first focus frame)
    auto nodeOf = [this](QTreeView* view, const QModelIndex& index) -> std::uint32_t {
        if (!index.isValid())
            return kNoIndex;
        if (view == m_topDownView)
            return index.data(ProfileRoles::NodeRole).toUInt();
        const BottomUpRow* row = m_bottomUp->row(m_bottomUpProxy->mapToSource(index));
        return row && !row->ancestor.empty() ? row->ancestor.front() : kNoIndex;
    };
    for (QTreeView* view : {m_bottomUpView, m_topDownView}) {
        view->setContextMenuPolicy(Qt::CustomContextMenu);
        connect(view, &QWidget::customContextMenuRequested, this, [this, view, nodeOf](const QPoint& pos) {
            const QModelIndex index = view->indexAt(pos);
            const std::uint32_t node = nodeOf(view, index);
            if (node == kNoIndex)
                return;
            QMenu menu(this);
            if (view == m_bottomUpView)
                menu.addAction(tr("Show in Top-down"), this, [this, node] { revealInTopDown(node); });
            menu.addAction(tr("Show in Flame Chart"), this, [this, node] { revealInFlameChart(node); });
            const QString where = index.siblingAtColumn(ProfileColumns::Location).data().toString();
            if (!where.isEmpty())
                menu.addAction(tr("Copy Script:Line"), this,
                               [where] { QGuiApplication::clipboard()->setText(where); });
            menu.exec(view->viewport()->mapToGlobal(pos));
        });
    }
    connect(m_bottomUpView, &QTreeView::doubleClicked, this, [this, nodeOf](const QModelIndex& index) {
        const std::uint32_t node = nodeOf(m_bottomUpView, index);
        if (node != kNoIndex)
            revealInTopDown(node);
    });

    std::uint64_t sampled = 0;
    for (std::uint64_t s : p.sampleSize)
        sampled += s;
    QString text =
        tr("<b>%1</b> allocated and alive · %2 samples · %3 functions · %4 frames · loaded in %5 s")
            .arg(TextUtil::bytesAdaptive(p.totalBytes()), TextUtil::grouped(p.sampleNode.size()),
                 TextUtil::grouped(p.functions.size()), TextUtil::grouped(p.nodeCount()),
                 QString::number(seconds, 'f', 2));
    m_summary->setText(text);
    QString tip = tr("%1\nTotal size %2 (the sum of the frames' self sizes, as DevTools shows it)\n"
                     "Samples: %3 of %4 in all")
                      .arg(m_path, TextUtil::exactBytes(p.totalBytes()),
                           TextUtil::grouped(p.sampleNode.size()), TextUtil::exactBytes(sampled));
    for (const std::string& w : p.warnings)
        tip += u'\n' + QString::fromStdString(w);
    m_summary->setToolTip(tip);
    m_stack->setCurrentWidget(m_content);
    if (!m_search->text().isEmpty())
        setSearch(m_search->text());
    Q_EMIT loaded();
}

// The models of what is shown (the profile, or a selection of its samples); the proxies, views
// and their sorting stay.
void ProfileView::setModels(std::vector<BottomUpRow> bottomUp, std::vector<FlameEntry> flame) {
    auto* bu = new BottomUpModel(m_shown, std::move(bottomUp), this);
    auto* td = new TopDownModel(m_shown, this);
    m_bottomUpProxy->setSourceModel(bu);
    m_topDownProxy->setSourceModel(td);
    delete m_bottomUp;
    delete m_topDown;
    m_bottomUp = bu;
    m_topDown = td;
    m_flame->setProfile(m_shown, std::move(flame));
    m_flame->setSearch(m_search->text());
}

void ProfileView::selectOrdinals(std::uint64_t minOrdinal, std::uint64_t maxOrdinal) {
    if (!m_profile)
        return;
    m_shown = heapscope::selectOrdinals(m_profile, minOrdinal, maxOrdinal);
    setModels(bottomUpFunctions(*m_shown), heapscope::flameChart(*m_shown));
    openHeaviestPath(m_topDownView, m_topDownProxy);
    m_strip->setSelection(minOrdinal, maxOrdinal);
    if (minOrdinal == 0 && maxOrdinal == 0) {
        m_selection->setVisible(false);
    } else {
        std::uint64_t samples = 0;
        for (std::uint32_t c : m_shown->sampleCount)
            samples += c;
        m_selection->setText(
            tr("Samples %1 to %2: %3 samples, %4 of %5 (as DevTools shows a selection: the "
               "samples' sizes, not the file's self sizes). Double-click the strip or press Esc "
               "on it for all of them.")
                .arg(minOrdinal)
                .arg(maxOrdinal == 0 ? m_strip->lastOrdinal() : maxOrdinal)
                .arg(TextUtil::grouped(samples), TextUtil::bytesAdaptive(m_shown->totalBytes()),
                     TextUtil::bytesAdaptive(m_profile->totalBytes())));
        m_selection->setVisible(true);
    }
    m_details->setText(tr("Select a function to see its script and line."));
}

void ProfileView::setSearch(const QString& text) {
    if (m_search->text() != text) {
        const QSignalBlocker block(m_search);
        m_search->setText(text);
    }
    if (!m_profile)
        return;
    m_bottomUpProxy->setSearch(text);
    m_topDownProxy->setSearch(text);
    m_flame->setSearch(text);
    if (text.isEmpty())
        return;
    // open the paths to the matches, breadth first, up to a few thousand rows
    int budget = 3000;
    QList<QModelIndex> level{QModelIndex()};
    while (!level.isEmpty() && budget > 0) {
        QList<QModelIndex> next;
        for (const QModelIndex& parent : level)
            for (int r = 0; r < m_topDownProxy->rowCount(parent) && budget > 0; ++r, --budget) {
                const QModelIndex i = m_topDownProxy->index(r, 0, parent);
                if (m_topDownProxy->hasChildren(i)) {
                    m_topDownView->expand(i);
                    next << i;
                }
            }
        level = next;
    }
}

void ProfileView::showDetails(std::uint32_t function, std::uint64_t self, std::uint64_t total,
                              std::uint64_t samples) {
    const SamplingProfile& p = *m_shown;
    const ProfileFunction& f = p.functions[function];
    QString where = TextUtil::toQString(p.str(f.url));
    if (where.isEmpty())
        where = tr("(no script)");
    else
        where += tr(", line %1, column %2").arg(qint64(f.line) + 1).arg(qint64(f.column) + 1);
    m_details->setText(tr("<b>%1</b> — %2 (script id %3) · self %4 · total %5 · %6 samples")
                           .arg(TextUtil::toQString(p.displayName(function)).toHtmlEscaped(),
                                where.toHtmlEscaped(), TextUtil::toQString(p.str(f.scriptId)).toHtmlEscaped(),
                                TextUtil::bytesAdaptive(self), TextUtil::bytesAdaptive(total),
                                TextUtil::grouped(samples)));
}

void ProfileView::showNodeDetails(std::uint32_t node) {
    if (!m_shown || node >= m_shown->nodeCount())
        return;
    const SamplingProfile& p = *m_shown;
    showDetails(p.function[node], p.selfSize[node], p.totalSize[node], p.sampleCount[node]);
}

void ProfileView::revealInFlameChart(std::uint32_t node) {
    if (!m_profile || node >= m_profile->nodeCount())
        return;
    m_flame->zoomTo(node);
    showNodeDetails(node);
    m_tabs->setCurrentIndex(FlameChartTab);
}

void ProfileView::revealInTopDown(std::uint32_t node) {
    const QModelIndex source = m_topDown->indexOfNode(node);
    const QModelIndex proxy = m_topDownProxy->mapFromSource(source);
    if (!proxy.isValid())
        return;
    for (QModelIndex up = proxy.parent(); up.isValid(); up = up.parent())
        m_topDownView->expand(up);
    m_topDownView->setCurrentIndex(proxy);
    m_topDownView->scrollTo(proxy);
    m_tabs->setCurrentIndex(TopDownTab);
}

// ---- the window ----

ProfileWindow::ProfileWindow(QWidget* parent) : QMainWindow(parent) {
    setObjectName(u"profileWindow"_s);
    setWindowFlag(Qt::Window);
    setAttribute(Qt::WA_DeleteOnClose, false);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(u"profileDocuments"_s);
    m_tabs->setTabsClosable(true);
    m_tabs->setMovable(true);
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, [this](int index) {
        QWidget* w = m_tabs->widget(index);
        m_tabs->removeTab(index);
        if (w == m_comparison)
            m_comparison = nullptr;
        delete w;
        if (m_tabs->count() == 0)
            hide();
        updateTitle();
    });
    connect(m_tabs, &QTabWidget::currentChanged, this, &ProfileWindow::updateTitle);
    setCentralWidget(m_tabs);

    QMenu* file = menuBar()->addMenu(tr("&File"));
    m_exportTable = file->addAction(tr("&Export Table…"), this, &ProfileWindow::exportTableDialog);
    m_exportTable->setObjectName(u"actionExportProfileTable"_s);
    m_exportTable->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_exportTable->setToolTip(tr("Save the rows the current view shows as CSV, JSON or Markdown"));
    QAction* compareAction = file->addAction(tr("Co&mpare Profiles…"), this, &ProfileWindow::compareDialog);
    compareAction->setObjectName(u"actionCompareProfiles"_s);
    compareAction->setToolTip(
        tr("Per function, the change of self and total size between two open profiles"));
    QAction* close = file->addAction(tr("&Close Profile"), this, [this] {
        if (m_tabs->currentIndex() >= 0)
            Q_EMIT m_tabs->tabCloseRequested(m_tabs->currentIndex());
    });
    close->setShortcut(QKeySequence::Close);
    resize(1280, 800);
    updateTitle();
}

bool ProfileWindow::isProfile(const QString& path) {
    return isSamplingProfileFile(QFile::encodeName(path).toStdString());
}

ProfileWindow* ProfileWindow::of(QWidget* owner) {
    if (auto* w = owner->findChild<ProfileWindow*>(QString(), Qt::FindDirectChildrenOnly))
        return w;
    return new ProfileWindow(owner);
}

ProfileView* ProfileWindow::view(int index) const {
    return qobject_cast<ProfileView*>(m_tabs->widget(index));
}

QList<ProfileView*> ProfileWindow::views() const {
    QList<ProfileView*> out;
    for (int i = 0; i < m_tabs->count(); ++i)
        if (ProfileView* v = view(i))
            out << v;
    return out;
}

void ProfileWindow::openFiles(const QStringList& paths) {
    QList<ProfileView*> opened;
    for (const QString& raw : paths) {
        const QString path = QFileInfo(raw).absoluteFilePath();
        ProfileView* existing = nullptr;
        for (ProfileView* v : views())
            if (v->path() == path)
                existing = v;
        if (!existing) {
            existing = new ProfileView(path, m_tabs);
            m_tabs->addTab(existing, QFileInfo(path).fileName());
            m_tabs->setTabToolTip(m_tabs->indexOf(existing), path);
        }
        opened << existing;
    }
    if (opened.isEmpty())
        return;
    m_tabs->setCurrentWidget(opened.last());
    if (opened.size() == 2) {
        ProfileView* base = opened[0];
        ProfileView* current = opened[1];
        auto tryCompare = [this, base, current] {
            if (base->isReady() && current->isReady())
                showComparison(base, current);
        };
        for (ProfileView* v : {base, current})
            if (!v->isReady())
                connect(v, &ProfileView::loaded, this, tryCompare, Qt::SingleShotConnection);
        tryCompare();
    }
    show();
    raise();
    activateWindow();
}

void ProfileWindow::showComparison(ProfileView* base, ProfileView* current) {
    if (m_comparison) {
        const int at = m_tabs->indexOf(m_comparison);
        m_tabs->removeTab(at);
        delete m_comparison;
    }
    auto* model = new ProfileDiffModel(diffProfiles(*base->profile(), *current->profile()));
    auto* proxy = new ProfileFilterModel(false);
    proxy->setSourceModel(model);
    m_comparison = makeTree(m_tabs, u"profileComparison"_s);
    model->setParent(m_comparison);
    proxy->setParent(m_comparison);
    m_comparison->setRootIsDecorated(false);
    m_comparison->setModel(proxy);
    m_comparison->setColumnWidth(ProfileDiffModel::Function,
                                 m_comparison->fontMetrics().horizontalAdvance(u"M"_s) * 24);
    m_comparison->sortByColumn(ProfileDiffModel::SelfDelta, Qt::DescendingOrder);
    const QString title =
        tr("%1 → %2").arg(QFileInfo(base->path()).fileName(), QFileInfo(current->path()).fileName());
    m_tabs->addTab(m_comparison, title);
    m_tabs->setTabToolTip(
        m_tabs->indexOf(m_comparison),
        tr("Per function, the change of self and total size from %1 to %2 (functions matched "
           "by name, script URL, line and column)")
            .arg(base->path(), current->path()));
    m_tabs->setCurrentWidget(m_comparison);
}

QTreeView* ProfileWindow::currentTable() const {
    QWidget* current = m_tabs->currentWidget();
    if (current && current == m_comparison)
        return m_comparison;
    ProfileView* v = qobject_cast<ProfileView*>(current);
    if (!v || !v->isReady())
        return nullptr;
    switch (v->tabs()->currentIndex()) {
    case ProfileView::BottomUpTab:
        return v->bottomUpView();
    case ProfileView::TopDownTab:
        return v->topDownView();
    default:
        return nullptr;
    }
}

bool ProfileWindow::exportTable(const QString& path) {
    QTreeView* table = currentTable();
    if (!table)
        return false;
    return ExportUtil::save(this, path,
                            TableExport::exportView(table, TableExport::formatFor(QString(), path)));
}

void ProfileWindow::exportTableDialog() {
    QTreeView* table = currentTable();
    if (!table) {
        statusBar()->showMessage(tr("The flame chart has no table; choose Bottom-up or Top-down."), 6000);
        return;
    }
    ProfileView* v = qobject_cast<ProfileView*>(m_tabs->currentWidget());
    const QString base = v ? QFileInfo(v->path()).fileName().section(u'.', 0, 0) : u"profile-comparison"_s;
    const QString kind = !v                                                      ? u"comparison"_s
                         : v->tabs()->currentIndex() == ProfileView::BottomUpTab ? u"bottom-up"_s
                                                                                 : u"top-down"_s;
    QString filter;
    QString path = QFileDialog::getSaveFileName(
        this, tr("Export Table"), QDir(ExportUtil::lastDirectory()).filePath(base + u'-' + kind + u".csv"_s),
        TableExport::fileFilters(), &filter);
    if (path.isEmpty())
        return;
    const TableExport::Format format = TableExport::formatFor(filter, path);
    if (QFileInfo(path).suffix().isEmpty())
        path += u'.' + TableExport::suffix(format);
    ExportUtil::setLastDirectory(path);
    if (ExportUtil::save(this, path, TableExport::exportView(table, format)))
        statusBar()->showMessage(tr("Exported the table to %1.").arg(QDir::toNativeSeparators(path)), 6000);
}

void ProfileWindow::compare(ProfileView* base, ProfileView* current) {
    if (base && current && base != current && base->isReady() && current->isReady())
        showComparison(base, current);
}

void ProfileWindow::compareDialog() {
    QList<ProfileView*> ready;
    QStringList names;
    for (ProfileView* v : views())
        if (v->isReady()) {
            ready << v;
            names << QFileInfo(v->path()).fileName();
        }
    if (ready.size() < 2) {
        statusBar()->showMessage(tr("Open two sampling heap profiles to compare them."), 6000);
        return;
    }
    bool ok = false;
    const QString base =
        QInputDialog::getItem(this, tr("Compare Profiles"), tr("Base (before):"), names, 0, false, &ok);
    if (!ok)
        return;
    QStringList others = names;
    others.removeAt(names.indexOf(base));
    const QString current = QInputDialog::getItem(this, tr("Compare Profiles"), tr("Compare with (after):"),
                                                  others, 0, false, &ok);
    if (!ok)
        return;
    compare(ready[names.indexOf(base)], ready[names.indexOf(current)]);
}

void ProfileWindow::updateTitle() {
    const int i = m_tabs->currentIndex();
    if (i < 0)
        setWindowTitle(tr("Sampling Heap Profiles — Heapscope"));
    else
        setWindowTitle(tr("%1 — Sampling Heap Profile — Heapscope").arg(m_tabs->tabText(i)));
}

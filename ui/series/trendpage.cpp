// SPDX-License-Identifier: MIT
#include "series/trendpage.h"
#include "indexkeeper.h"

#include "jobs/backgroundjob.h"
#include "models/modelroles.h"
#include "series/sparklinedelegate.h"
#include "series/trendchart.h"
#include "series/trendmodels.h"
#include "textutil.h"
#include "widgets/viewsetup.h"

#include <QApplication>
#include <QButtonGroup>
#include <QClipboard>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTreeView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {

QTreeView* makeTable(QWidget* parent, const QString& name) {
    auto* view = new QTreeView(parent);
    view->setObjectName(name);
    view->setSortingEnabled(true);
    view->setUniformRowHeights(true);
    view->setAlternatingRowColors(true);
    view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->header()->setStretchLastSection(false);
    return view;
}

QSortFilterProxyModel* sortedBy(QAbstractItemModel* model, QObject* parent) {
    auto* proxy = new QSortFilterProxyModel(parent);
    proxy->setSourceModel(model);
    proxy->setSortRole(ModelRoles::SortRole);
    proxy->setDynamicSortFilter(false);
    return proxy;
}

} // namespace

TrendPage::TrendPage(QWidget* parent)
    : QWidget(parent), m_job(new BackgroundJob(this)), m_trendModel(new TrendModel(this)),
      m_leakModel(new LeakGroupModel(this)) {
    setObjectName(u"trendPage"_s);
    m_title = new QLabel(this);
    m_title->setObjectName(u"trendTitle"_s);
    m_title->setTextFormat(Qt::PlainText);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_banner = ViewSetup::createBanner(this, u"trendBanner"_s);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, BackgroundJob::kProgressScale);
    m_progress->setTextVisible(true);
    m_progress->hide();
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->hide();
    m_again = new QPushButton(tr("Analyse Again"), this);
    m_again->setToolTip(tr("Load and analyse the files of the series again"));
    connect(m_cancel, &QPushButton::clicked, this, &TrendPage::cancel);
    connect(m_again, &QPushButton::clicked, this, [this] { analyze(m_paths, m_keepGivenOrder); });

    auto* top = new QHBoxLayout;
    top->addWidget(m_title, 1);
    top->addWidget(m_progress, 1);
    top->addWidget(m_cancel);
    top->addWidget(m_again);

    // The snapshots in the series' order: the user can move one or leave it out.
    m_snapshots = new QListWidget(this);
    m_snapshots->setObjectName(u"trendSnapshots"_s);
    m_snapshots->setMaximumHeight(96);
    m_snapshots->setSelectionMode(QAbstractItemView::SingleSelection);
    m_earlier = new QPushButton(tr("Earlier"), this);
    m_later = new QPushButton(tr("Later"), this);
    m_leaveOut = new QPushButton(tr("Leave Out"), this);
    m_timeOrder = new QPushButton(tr("Time Order"), this);
    m_earlier->setToolTip(tr("Take the selected snapshot as one taken before the previous one"));
    m_later->setToolTip(tr("Take the selected snapshot as one taken after the next one"));
    m_leaveOut->setToolTip(tr("Analyse the series without the selected snapshot"));
    m_timeOrder->setToolTip(tr("Put the snapshots back in the order their object ids and file names tell"));
    connect(m_earlier, &QPushButton::clicked, this, [this] { moveSelectedSnapshot(-1); });
    connect(m_later, &QPushButton::clicked, this, [this] { moveSelectedSnapshot(+1); });
    connect(m_leaveOut, &QPushButton::clicked, this, &TrendPage::leaveOutSelectedSnapshot);
    connect(m_timeOrder, &QPushButton::clicked, this, &TrendPage::restoreTimeOrder);
    auto* orderButtons = new QVBoxLayout;
    for (QPushButton* button : {m_earlier, m_later, m_leaveOut, m_timeOrder})
        orderButtons->addWidget(button);
    orderButtons->addStretch(1);
    auto* snapshotRow = new QHBoxLayout;
    snapshotRow->addWidget(m_snapshots, 1);
    snapshotRow->addLayout(orderButtons);
    connect(m_snapshots, &QListWidget::currentRowChanged, this, [this] { updateSnapshotList(); });

    // Leak candidates, with the path of the selected one.
    m_leakView = makeTable(this, u"leakTable"_s);
    m_leakView->setRootIsDecorated(false);
    m_leakProxy = sortedBy(m_leakModel, this);
    m_leakView->setModel(m_leakProxy);
    m_leakView->setItemDelegateForColumn(LeakGroupModel::Sparkline, new SparklineDelegate(m_leakView));
    m_leakView->setSelectionMode(QAbstractItemView::SingleSelection);
    auto* leakLabel =
        new QLabel(tr("Leak candidates: objects of one class held the same way, growing in every "
                      "interval, biggest growth first"),
                   this);
    leakLabel->setWordWrap(true);
    m_pathText = new QPlainTextEdit(this);
    m_pathText->setObjectName(u"leakPath"_s);
    m_pathText->setReadOnly(true);
    m_pathText->setPlaceholderText(tr("Select a leak candidate to see how its objects are held."));
    m_copyPath = new QPushButton(tr("Copy Path"), this);
    m_showObjects = new QPushButton(tr("Show Objects in Summary"), this);
    m_showObjects->setToolTip(
        tr("Open the last snapshot of the series and select the first of these objects"));
    m_copyPath->setEnabled(false);
    m_showObjects->setEnabled(false);
    connect(m_copyPath, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(selectedPathText()); });
    connect(m_showObjects, &QPushButton::clicked, this, [this] {
        const int leak = selectedLeak();
        if (leak < 0 || !m_series || m_series->loadedCount == 0)
            return;
        QList<quint32> ids;
        for (std::uint32_t id : m_series->leaks[std::size_t(leak)].sampleIds)
            ids.append(id);
        Q_EMIT showObjectsRequested(
            QString::fromStdString(m_series->snapshots[m_series->loadedCount - 1].path), ids);
    });
    auto* pathButtons = new QVBoxLayout;
    pathButtons->addWidget(m_copyPath);
    pathButtons->addWidget(m_showObjects);
    pathButtons->addStretch(1);
    auto* pathBox = new QWidget(this);
    auto* pathLayout = new QHBoxLayout(pathBox);
    pathLayout->setContentsMargins(0, 0, 0, 0);
    pathLayout->addWidget(m_pathText, 1);
    pathLayout->addLayout(pathButtons);
    auto* leakBox = new QWidget(this);
    auto* leakLayout = new QVBoxLayout(leakBox);
    leakLayout->setContentsMargins(0, 0, 0, 0);
    leakLayout->addWidget(leakLabel);
    auto* leakSplit = new QSplitter(Qt::Horizontal, leakBox);
    leakSplit->addWidget(m_leakView);
    leakSplit->addWidget(pathBox);
    leakSplit->setStretchFactor(0, 3);
    leakSplit->setStretchFactor(1, 2);
    leakLayout->addWidget(leakSplit, 1);

    // Every class over the series, and the chart of the selected ones.
    m_trendView = makeTable(this, u"trendTable"_s);
    m_trendProxy = sortedBy(m_trendModel, this);
    m_trendView->setModel(m_trendProxy);
    m_trendView->setItemDelegateForColumn(m_trendModel->sparklineColumn(),
                                          new SparklineDelegate(m_trendView));
    m_chart = new TrendChart(this);
    m_chart->setObjectName(u"trendChart"_s);
    auto* countButton = new QRadioButton(tr("Count"), this);
    auto* retainedButton = new QRadioButton(tr("Retained size"), this);
    countButton->setChecked(true);
    connect(retainedButton, &QRadioButton::toggled, this, [this](bool on) {
        m_chart->setMeasure(on ? TrendChart::Measure::RetainedSize : TrendChart::Measure::Count);
    });
    auto* chartBox = new QWidget(this);
    auto* chartLayout = new QVBoxLayout(chartBox);
    chartLayout->setContentsMargins(0, 0, 0, 0);
    auto* measures = new QHBoxLayout;
    measures->addWidget(new QLabel(tr("Chart:"), chartBox));
    measures->addWidget(countButton);
    measures->addWidget(retainedButton);
    measures->addStretch(1);
    chartLayout->addLayout(measures);
    chartLayout->addWidget(m_chart, 1);
    auto* classSplit = new QSplitter(Qt::Horizontal, this);
    classSplit->addWidget(m_trendView);
    classSplit->addWidget(chartBox);
    classSplit->setStretchFactor(0, 3);
    classSplit->setStretchFactor(1, 2);

    auto* vertical = new QSplitter(Qt::Vertical, this);
    vertical->setObjectName(u"trendSplitter"_s);
    vertical->addWidget(leakBox);
    vertical->addWidget(classSplit);
    vertical->setStretchFactor(0, 2);
    vertical->setStretchFactor(1, 3);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addLayout(snapshotRow);
    layout->addWidget(m_banner);
    layout->addWidget(vertical, 1);

    connect(m_leakView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &TrendPage::onLeakSelected);
    connect(m_trendView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &TrendPage::onClassesSelected);
    connect(m_job, &BackgroundJob::progress, this, [this](double fraction, const QString& text) {
        m_progress->setValue(int(fraction * BackgroundJob::kProgressScale));
        m_progress->setFormat(text);
    });
    connect(m_job, &BackgroundJob::runningChanged, this, [this](bool running) {
        m_progress->setVisible(running);
        m_cancel->setVisible(running);
        m_again->setEnabled(!running && !m_paths.isEmpty());
        updateSnapshotList();
    });
    connect(m_job, &BackgroundJob::canceled, this, [this] {
        m_title->setText(tr("The analysis of the series was cancelled."));
        Q_EMIT finished();
    });
    updateHeader();
}

TrendPage::~TrendPage() = default;

bool TrendPage::isRunning() const {
    return m_job->isRunning();
}

void TrendPage::cancel() {
    m_job->cancel();
}

void TrendPage::analyze(const QStringList& paths, bool keepGivenOrder) {
    m_paths = paths;
    m_keepGivenOrder = keepGivenOrder;
    std::vector<std::string> files;
    for (const QString& path : paths)
        files.push_back(path.toStdString());
    m_title->setText(tr("Analysing a series of %1 snapshots…").arg(files.size()));
    m_progress->setValue(0);
    m_job->start(
        [files, keepGivenOrder, useIndex = IndexSettings::enabled(),
         cache = IndexSettings::options()](JobContext& job) -> heapscope::Expected<heapscope::Series> {
            heapscope::WorkContext context = job.work();
            const auto count = files.size();
            context.progress = [&job, count](heapscope::Stage stage, std::uint64_t done,
                                             std::uint64_t total) {
                const double fraction = heapscope::jobFraction(stage, done, total);
                const auto file = std::min<std::size_t>(count, std::size_t(fraction * double(count)) + 1);
                job.setProgress(fraction, TrendPage::tr("Snapshot %1 of %2 · %p %").arg(file).arg(count));
            };
            heapscope::SeriesOptions options;
            options.keepGivenOrder = keepGivenOrder;
            options.useIndex = useIndex;
            options.cache = cache;
            return heapscope::analyzeSeries(files, options, context);
        },
        [this](heapscope::Expected<heapscope::Series> result) { onFinished(std::move(result)); });
}

void TrendPage::onFinished(heapscope::Expected<heapscope::Series> result) {
    if (!result) {
        m_series.reset();
        m_trendModel->setSeries(nullptr);
        m_leakModel->setSeries(nullptr);
        m_title->setText(TextUtil::toQString(result.error().message()));
        m_banner->hide();
        Q_EMIT finished();
        return;
    }
    m_series = std::make_shared<const heapscope::Series>(std::move(*result));
    m_snapshots->clear(); // rebuilt from the new order
    m_trendModel->setSeries(m_series);
    m_leakModel->setSeries(m_series);
    m_trendView->header()->setSectionResizeMode(m_trendModel->nameColumn(), QHeaderView::Interactive);
    m_trendView->setColumnWidth(m_trendModel->nameColumn(), 260);
    m_leakView->setColumnWidth(LeakGroupModel::HeldAs, 380);
    // Shallow sizes per snapshot are there to sort by and export, not to read first.
    for (int t = 0; t < m_trendModel->snapshotCount(); ++t)
        m_trendView->setColumnHidden(m_trendModel->selfSizeColumn(t), true);
    // What grew most in number first: the leaks' classes, not the roots that hold everything.
    m_trendView->sortByColumn(m_trendModel->countChangeColumn(), Qt::DescendingOrder);
    m_leakView->sortByColumn(-1, Qt::AscendingOrder);
    if (m_leakProxy->rowCount() > 0)
        m_leakView->setCurrentIndex(m_leakProxy->index(0, 0));
    // The chart starts with the classes of the biggest leaks.
    std::vector<int> classes;
    for (std::size_t l = 0; l < m_series->leaks.size() && classes.size() < 3; ++l)
        for (std::size_t c = 0; c < m_series->classes.size(); ++c)
            if (m_series->classes[c].key == m_series->leaks[l].classKey) {
                if (std::find(classes.begin(), classes.end(), int(c)) == classes.end())
                    classes.push_back(int(c));
                break;
            }
    m_chart->setItems(m_series, classes, {});
    updateHeader();
    Q_EMIT finished();
    Q_EMIT statusMessage(m_series->leaks.size() == 1
                             ? tr("Series analysed: 1 leak candidate")
                             : tr("Series analysed: %1 leak candidates").arg(m_series->leaks.size()));
}

void TrendPage::updateHeader() {
    if (!m_series) {
        if (m_paths.isEmpty())
            m_title->setText(tr("Open two or more snapshots of one program to see what grows between them."));
        m_again->setEnabled(!m_paths.isEmpty() && !m_job->isRunning());
        return;
    }
    const auto& s = *m_series;
    const QString orderText =
        m_keepGivenOrder ? tr("in the order you chose")
        : s.orderBasis == heapscope::SeriesOrderBasis::Given
            ? tr("in the order given")
            : tr("in time order (from the %1)")
                  .arg(QString::fromLatin1(heapscope::seriesOrderBasisName(s.orderBasis)));
    const QString candidates =
        s.leaks.size() == 1 ? tr("1 leak candidate") : tr("%1 leak candidates").arg(s.leaks.size());
    m_title->setText(
        tr("Trend of %1 snapshots %2 · %3").arg(QString::number(s.loadedCount), orderText, candidates));
    QStringList notes;
    bool differentProcesses = false;
    for (const auto& interval : s.intervals)
        differentProcesses = differentProcesses || interval.sameProcess == heapscope::SameProcess::No;
    if (differentProcesses)
        notes << tr(
            "These snapshots come from different processes (or a program whose object ids are not kept "
            "between snapshots): classes and leak groups are matched by name and holder path, and no "
            "object is followed from one snapshot to the next.");
    for (const auto& snapshot : s.snapshots)
        if (snapshot.error)
            notes << tr("Left out: %1").arg(TextUtil::toQString(snapshot.error->message()));
    for (const auto& warning : s.warnings)
        if (!differentProcesses || warning.find("different processes") == std::string::npos)
            notes << TextUtil::toQString(warning);
    if (s.loadedCount < 2)
        notes << tr("A trend needs at least two snapshots that load.");
    m_banner->setText(notes.join(u'\n'));
    m_banner->setVisible(!notes.isEmpty());
    QStringList order;
    for (std::size_t t = 0; t < s.loadedCount; ++t)
        order << u"#%1 %2"_s.arg(t + 1).arg(
            QFileInfo(QString::fromStdString(s.snapshots[t].path)).fileName());
    m_title->setToolTip(order.join(u'\n'));
    updateSnapshotList();
}

QStringList TrendPage::loadedPaths() const {
    QStringList paths;
    if (m_series)
        for (std::size_t t = 0; t < m_series->loadedCount; ++t)
            paths << QString::fromStdString(m_series->snapshots[t].path);
    return paths;
}

void TrendPage::updateSnapshotList() {
    const int loaded = m_series ? int(m_series->loadedCount) : 0;
    if (m_series && m_snapshots->count() != int(m_series->snapshots.size())) {
        const QSignalBlocker blocker(m_snapshots);
        m_snapshots->clear();
        for (std::size_t t = 0; t < m_series->snapshots.size(); ++t) {
            const heapscope::SeriesSnapshot& snapshot = m_series->snapshots[t];
            const QString name = QFileInfo(QString::fromStdString(snapshot.path)).fileName();
            auto* item = new QListWidgetItem(m_snapshots);
            if (snapshot.error) {
                item->setText(tr("left out: %1").arg(name));
                item->setToolTip(TextUtil::toQString(snapshot.error->message()));
                item->setForeground(palette().color(QPalette::PlaceholderText));
                item->setFlags(Qt::ItemIsEnabled);
            } else {
                item->setText(u"#%1  %2  ·  %3 nodes, %4, newest object @%5"_s.arg(t + 1)
                                  .arg(name, TextUtil::grouped(snapshot.nodeCount),
                                       TextUtil::bytesAdaptive(snapshot.totalSize))
                                  .arg(snapshot.facts.maxJsObjectId));
                item->setToolTip(QString::fromStdString(snapshot.path));
            }
        }
    }
    const int row = m_snapshots->currentRow();
    const bool idle = !m_job->isRunning();
    const bool selected = idle && row >= 0 && row < loaded;
    m_earlier->setEnabled(selected && row > 0);
    m_later->setEnabled(selected && row + 1 < loaded);
    m_leaveOut->setEnabled(selected && loaded > 2);
    m_timeOrder->setEnabled(idle && m_keepGivenOrder);
}

void TrendPage::moveSelectedSnapshot(int step) {
    const int row = m_snapshots->currentRow();
    QStringList paths = loadedPaths();
    if (row < 0 || row >= paths.size() || row + step < 0 || row + step >= paths.size())
        return;
    paths.swapItemsAt(row, row + step);
    analyze(paths, true);
}

void TrendPage::leaveOutSelectedSnapshot() {
    const int row = m_snapshots->currentRow();
    QStringList paths = loadedPaths();
    if (row < 0 || row >= paths.size() || paths.size() <= 2)
        return;
    paths.removeAt(row);
    analyze(paths, m_keepGivenOrder);
}

void TrendPage::restoreTimeOrder() {
    analyze(m_paths, false);
}

int TrendPage::selectedLeak() const {
    const QModelIndex current = m_leakView->selectionModel()->currentIndex();
    if (!current.isValid() || !m_leakView->selectionModel()->isRowSelected(current.row(), current.parent()))
        return -1;
    return current.data(TrendRoles::LeakIndexRole).toInt();
}

QString TrendPage::selectedPathText() const {
    const int leak = selectedLeak();
    if (leak < 0 || !m_series)
        return {};
    return leakPathText(m_series->leaks[std::size_t(leak)]);
}

void TrendPage::onLeakSelected() {
    const int leak = selectedLeak();
    m_copyPath->setEnabled(leak >= 0);
    m_showObjects->setEnabled(leak >= 0 && !m_series->leaks[std::size_t(leak)].sampleIds.empty());
    if (leak < 0) {
        m_pathText->clear();
        return;
    }
    const heapscope::LeakGroup& group = m_series->leaks[std::size_t(leak)];
    QStringList counts;
    for (std::uint32_t c : group.counts)
        counts << TextUtil::grouped(c);
    QString text = leakPathText(group);
    text += u"\n\n"_s + tr("Count per snapshot: %1").arg(counts.join(u" → "_s));
    text +=
        u"\n"_s + tr("Retained in the last snapshot: %1").arg(TextUtil::bytesAdaptive(group.retainedSize()));
    text += u"\n"_s + TextUtil::toQString(group.reason);
    if (group.nestedGroups)
        text +=
            u"\n"_s + (group.nestedGroups == 1
                           ? tr("With 1 more growing group of objects it holds.")
                           : tr("With %1 more growing groups of objects it holds.").arg(group.nestedGroups));
    m_pathText->setPlainText(text);
    m_chart->setItems(m_series, {}, {leak});
}

void TrendPage::onClassesSelected() {
    std::vector<int> classes, leaks;
    for (const QModelIndex& row : m_trendView->selectionModel()->selectedRows()) {
        const int c = row.data(TrendRoles::ClassIndexRole).toInt();
        const int l = row.data(TrendRoles::LeakIndexRole).toInt();
        if (c >= 0)
            classes.push_back(c);
        else if (l >= 0)
            leaks.push_back(l);
    }
    if (!classes.empty() || !leaks.empty())
        m_chart->setItems(m_series, classes, leaks);
}

// SPDX-License-Identifier: MIT
#include "series/holdergroupspane.h"

#include "jobs/backgroundjob.h"
#include "models/modelroles.h"
#include "navigator.h"
#include "textutil.h"

#include <QApplication>
#include <QClipboard>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTreeView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

// ---- HolderGroupModel ----

HolderGroupModel::HolderGroupModel(QObject* parent) : QAbstractItemModel(parent) {}

void HolderGroupModel::setResult(std::shared_ptr<const Result> result) {
    beginResetModel();
    m_result = std::move(result);
    endResetModel();
}

QString HolderGroupModel::description(int row) const {
    if (!m_result || row < 0 || std::size_t(row) >= m_result->groups.size())
        return {};
    const heapscope::HolderGroup& g = m_result->groups[std::size_t(row)];
    return TextUtil::toQString(
        m_result->table->describe(m_result->analysis->classes[g.classIndex].name, g.path));
}

QModelIndex HolderGroupModel::index(int row, int column, const QModelIndex& parent) const {
    if (parent.isValid() || row < 0 || row >= rowCount() || column < 0 || column >= ColumnCount)
        return {};
    return createIndex(row, column);
}

QModelIndex HolderGroupModel::parent(const QModelIndex&) const {
    return {};
}

int HolderGroupModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() || !m_result ? 0 : int(m_result->groups.size());
}

int HolderGroupModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HolderGroupModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || !m_result)
        return {};
    const heapscope::HolderGroup& g = m_result->groups[std::size_t(index.row())];
    const bool display = role == Qt::DisplayRole;
    const bool sort = role == ModelRoles::SortRole;
    if (role == Qt::TextAlignmentRole && index.column() != HeldAs)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    switch (index.column()) {
    case Count:
        return display ? QVariant(TextUtil::grouped(g.count))
               : sort  ? QVariant(qulonglong(g.count))
                       : QVariant();
    case Retained:
        if (role == Qt::ToolTipRole)
            return TextUtil::exactBytes(g.retainedSize);
        return display ? QVariant(TextUtil::bytesAdaptive(g.retainedSize))
               : sort  ? QVariant(qulonglong(g.retainedSize))
                       : QVariant();
    case Shallow:
        return display ? QVariant(TextUtil::bytesAdaptive(g.selfSize))
               : sort  ? QVariant(qulonglong(g.selfSize))
                       : QVariant();
    case HeldAs:
        if (display || sort || role == Qt::ToolTipRole)
            return description(index.row());
        break;
    default:
        break;
    }
    return {};
}

QVariant HolderGroupModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Count:
        return tr("Count");
    case Retained:
        return tr("Retained");
    case Shallow:
        return tr("Shallow");
    case HeldAs:
        return tr("Held as");
    default:
        return {};
    }
}

// ---- HolderGroupsPane ----

HolderGroupsPane::HolderGroupsPane(Navigator* navigator, QWidget* parent)
    : QWidget(parent), m_navigator(navigator), m_job(new BackgroundJob(this)),
      m_model(new HolderGroupModel(this)) {
    setObjectName(u"holderGroupsPane"_s);
    m_status = new QLabel(tr("Select a class in the Comparison to see how its new objects are held."), this);
    m_status->setObjectName(u"holderGroupsStatus"_s);
    m_status->setWordWrap(true);
    m_view = new QTreeView(this);
    m_view->setObjectName(u"holderGroupsView"_s);
    m_view->setModel(m_model);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->header()->setStretchLastSection(true);
    m_view->setToolTip(tr("Double-click a group to select its first object in the Summary"));
    m_path = new QPlainTextEdit(this);
    m_path->setReadOnly(true);
    m_path->setMaximumHeight(120);
    m_path->setPlaceholderText(tr("The holder path of the selected group"));
    m_copy = new QPushButton(tr("Copy Path"), this);
    m_export = new QPushButton(tr("Export Retainer Paths…"), this);
    m_export->setToolTip(tr("The full retaining paths of this group's objects"));
    m_copy->setEnabled(false);
    m_export->setEnabled(false);
    auto* buttons = new QVBoxLayout;
    buttons->addWidget(m_copy);
    buttons->addWidget(m_export);
    buttons->addStretch(1);
    auto* lower = new QHBoxLayout;
    lower->addWidget(m_path, 1);
    lower->addLayout(buttons);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_status);
    layout->addWidget(m_view, 1);
    layout->addLayout(lower);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &HolderGroupsPane::onGroupSelected);
    connect(m_copy, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_path->toPlainText()); });
    connect(m_export, &QPushButton::clicked, this, [this] {
        const int row = m_view->currentIndex().row();
        const HolderGroupModel::Result* r = m_model->result();
        if (!r || row < 0 || !m_navigator)
            return;
        const auto& group = r->groups[std::size_t(row)];
        Q_EMIT m_navigator->exportRetainerPaths(
            r->analysis, group.nodes,
            tr("the %1 new %2 objects held as %3")
                .arg(TextUtil::grouped(group.count), m_className, m_model->description(row)));
    });
    connect(m_view, &QTreeView::doubleClicked, this, [this](const QModelIndex& index) {
        const HolderGroupModel::Result* r = m_model->result();
        if (!r || !index.isValid() || !m_navigator)
            return;
        const auto& group = r->groups[std::size_t(index.row())];
        if (!group.nodes.empty())
            Q_EMIT m_navigator->revealInSummary(ObjectRef{r->analysis, group.nodes.front()});
    });
}

HolderGroupsPane::~HolderGroupsPane() = default;

bool HolderGroupsPane::isBusy() const {
    return m_job->isRunning();
}

heapscope::AnalysisPtr HolderGroupsPane::cachedFor() const {
    return m_paths ? m_paths->analysis.lock() : nullptr;
}

void HolderGroupsPane::clear() {
    m_job->cancel();
    m_model->setResult(nullptr);
    m_path->clear();
    m_copy->setEnabled(false);
    m_export->setEnabled(false);
    m_status->setText(tr("Select a class in the Comparison to see how its new objects are held."));
}

void HolderGroupsPane::setClass(const heapscope::ComparisonPtr& comparison, int classRow) {
    if (!comparison || classRow < 0 || std::size_t(classRow) >= comparison->classes.size()) {
        clear();
        return;
    }
    const heapscope::ClassDiff& diff = comparison->classes[std::size_t(classRow)];
    m_className = TextUtil::toQString(diff.name);
    m_model->setResult(nullptr);
    m_path->clear();
    if (diff.newNodes.empty()) {
        m_job->cancel();
        m_status->setText(tr("No new %1 objects in this snapshot.").arg(m_className));
        return;
    }
    m_status->setText(tr("Grouping the %1 new %2 objects by how they are held…")
                          .arg(TextUtil::grouped(diff.newNodes.size()), m_className));
    // The kept paths serve only the analysis they were made for; any other is summarized afresh.
    std::shared_ptr<const HolderPathCache> cached =
        m_paths && m_paths->analysis.lock() == comparison->current ? m_paths : nullptr;
    struct Output {
        std::shared_ptr<const HolderGroupModel::Result> result;
        std::shared_ptr<const HolderPathCache> paths;
        bool summarized = false;
    };
    using Result = heapscope::Expected<Output>;
    m_job->start(
        [comparison, classRow, cached](JobContext& job) -> Result {
            Output output;
            output.paths = cached;
            if (!output.paths) {
                auto table = std::make_shared<heapscope::HolderPathTable>();
                auto paths = heapscope::summarizeHolderPaths(*comparison->current, *table, {}, job.work());
                if (!paths)
                    return paths.error();
                auto made = std::make_shared<HolderPathCache>();
                made->analysis = comparison->current;
                made->table = std::move(table);
                made->pathOfNode = std::move(*paths);
                output.paths = std::move(made);
                output.summarized = true;
            }
            const auto& nodes = comparison->classes[std::size_t(classRow)].newNodes;
            auto groups = heapscope::groupByHolderPaths(*comparison->current, nodes, *output.paths->table,
                                                        output.paths->pathOfNode, job.work());
            if (!groups)
                return groups.error();
            auto result = std::make_shared<HolderGroupModel::Result>();
            result->analysis = comparison->current;
            result->table = output.paths->table;
            result->groups = std::move(*groups);
            output.result = std::move(result);
            return output;
        },
        [this, count = diff.newNodes.size()](Result result) {
            if (!result) {
                m_status->setText(result.error().cancelled ? QString()
                                                           : TextUtil::toQString(result.error().message()));
                return;
            }
            // Kept only from a run that is still the current one (the job drops the others), so
            // the paths are those of the last snapshot asked for.
            m_paths = result->paths;
            if (result->summarized)
                ++m_summaryCount;
            m_model->setResult(result->result);
            const int ways = m_model->rowCount();
            m_status->setText(
                ways == 1
                    ? tr("%1 new %2 objects, all held one way:").arg(TextUtil::grouped(count), m_className)
                    : tr("%1 new %2 objects, held %3 ways:")
                          .arg(TextUtil::grouped(count), m_className, QString::number(ways)));
            m_view->resizeColumnToContents(HolderGroupModel::Count);
            m_view->resizeColumnToContents(HolderGroupModel::Retained);
            m_view->resizeColumnToContents(HolderGroupModel::Shallow);
            if (m_model->rowCount() > 0)
                m_view->setCurrentIndex(m_model->index(0, 0));
            Q_EMIT groupsShown();
        });
}

void HolderGroupsPane::onGroupSelected() {
    const int row = m_view->currentIndex().row();
    const HolderGroupModel::Result* r = m_model->result();
    if (!r || row < 0) {
        m_path->clear();
        m_copy->setEnabled(false);
        m_export->setEnabled(false);
        return;
    }
    const auto& group = r->groups[std::size_t(row)];
    const std::string& className = r->analysis->classes[group.classIndex].name;
    m_path->setPlainText(group.path == heapscope::kNoIndex
                             ? TextUtil::toQString(className) + u"\n"_s +
                                   tr("(not reachable from the roots through the program's objects)")
                             : TextUtil::toQString(heapscope::describeHolderPath(
                                   className, r->table->hops(group.path), "\n← ")));
    m_copy->setEnabled(true);
    m_export->setEnabled(true);
}

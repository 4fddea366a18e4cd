// SPDX-License-Identifier: MIT
#include "allocationmodel.h"

#include "jobs/backgroundjob.h"
#include "modelroles.h"
#include "textutil.h"

#include <heapscope/format.h>

#include <algorithm>

using namespace Qt::StringLiterals;

AllocationProfileSource::AllocationProfileSource(heapscope::AnalysisPtr analysis, QObject* parent)
    : QObject(parent), m_analysis(std::move(analysis)), m_job(new BackgroundJob(this)) {
    if (!m_analysis || !heapscope::hasAllocationTraces(*m_analysis->snapshot)) {
        m_error = tr("This snapshot has no allocation traces.");
        return;
    }
    using Result = heapscope::Expected<heapscope::AllocationProfilePtr>;
    const heapscope::AnalysisPtr analysisRef = m_analysis;
    m_job->start(
        [analysisRef](JobContext& job) -> Result {
            return heapscope::buildAllocationProfile(*analysisRef, job.work());
        },
        [this](Result result) {
            if (result)
                m_profile = *result;
            else
                m_error = TextUtil::toQString(result.error().message());
            Q_EMIT ready();
        });
}

// --- AllocationModel -------------------------------------------------------------------------

AllocationModel::AllocationModel(QObject* parent) : QAbstractItemModel(parent) {}

void AllocationModel::setProfile(heapscope::AllocationProfilePtr profile) {
    beginResetModel();
    m_profile = std::move(profile);
    m_levels.clear();
    m_rowOf.assign(m_profile ? m_profile->buFunction.size() : 0, 0);
    endResetModel();
}

const std::vector<std::uint32_t>& AllocationModel::level(std::uint32_t parent) const {
    auto it = m_levels.find(parent);
    if (it != m_levels.end())
        return it->second;
    std::vector<std::uint32_t> rows;
    if (m_profile) {
        if (parent == kNoCallNode) {
            rows.reserve(m_profile->tops.size());
            for (const auto& t : m_profile->tops)
                rows.push_back(t.node);
        } else {
            const auto& p = *m_profile;
            rows.assign(p.buCallers.begin() + p.buFirstCaller[parent],
                        p.buCallers.begin() + p.buFirstCaller[parent + 1]);
        }
    }
    orderLevel(rows);
    for (std::size_t i = 0; i < rows.size(); ++i)
        m_rowOf[rows[i]] = std::uint32_t(i);
    return m_levels.emplace(parent, std::move(rows)).first->second;
}

std::uint64_t AllocationModel::value(std::uint32_t node, int column) const {
    const auto& p = *m_profile;
    switch (column) {
    case LiveCountColumn:
        return p.buLiveCount[node];
    case CountColumn:
        return p.buCount[node];
    case LiveSizeColumn:
        return p.buLiveSize[node];
    case SizeColumn:
        return p.buSize[node];
    default:
        return 0;
    }
}

QString AllocationModel::functionText(std::uint32_t node) const {
    const QString name =
        TextUtil::toQString(std::string(m_profile->functionName(m_profile->buFunction[node])));
    return name.isEmpty() ? tr("(anonymous)") : name;
}

QString AllocationModel::locationText(std::uint32_t node) const {
    const std::uint32_t f = m_profile->buFunction[node];
    const auto& info = m_profile->snapshot->traceFunctionInfos[f];
    QString s = TextUtil::toQString(std::string(m_profile->scriptName(f)));
    if (info.line != 0 && !s.isEmpty())
        s += u':' + QString::number(info.line);
    return s;
}

void AllocationModel::orderLevel(std::vector<std::uint32_t>& rows) const {
    if (!m_profile)
        return;
    const bool desc = m_sortOrder == Qt::DescendingOrder;
    const int column = m_sortColumn;
    if (column == FunctionColumn || column == LocationColumn) {
        std::vector<std::pair<QString, std::uint32_t>> keyed;
        keyed.reserve(rows.size());
        for (const std::uint32_t n : rows)
            keyed.emplace_back(column == FunctionColumn ? functionText(n) : locationText(n), n);
        std::stable_sort(keyed.begin(), keyed.end(), [desc](const auto& a, const auto& b) {
            const int c = QString::localeAwareCompare(a.first, b.first);
            return desc ? c > 0 : c < 0;
        });
        for (std::size_t i = 0; i < rows.size(); ++i)
            rows[i] = keyed[i].second;
        return;
    }
    // Numbers; ties keep the profile's order (DevTools' order of tops and callers).
    std::stable_sort(rows.begin(), rows.end(), [&](std::uint32_t a, std::uint32_t b) {
        const std::uint64_t va = value(a, column), vb = value(b, column);
        return desc ? va > vb : va < vb;
    });
}

std::uint32_t AllocationModel::nodeAt(const QModelIndex& index) const {
    if (!index.isValid() || !m_profile || index.model() != this)
        return kNoCallNode;
    const std::uint32_t parent =
        index.internalId() == 0 ? kNoCallNode : std::uint32_t(index.internalId() - 1);
    const auto& rows = level(parent);
    return index.row() < int(rows.size()) ? rows[std::size_t(index.row())] : kNoCallNode;
}

QModelIndex AllocationModel::index(int row, int column, const QModelIndex& parent) const {
    if (!m_profile || row < 0 || column < 0 || column >= ColumnCount)
        return {};
    const std::uint32_t p = parent.isValid() ? nodeAt(parent) : kNoCallNode;
    if (parent.isValid() && p == kNoCallNode)
        return {};
    if (row >= int(level(p).size()))
        return {};
    return createIndex(row, column, quintptr(p == kNoCallNode ? 0 : quintptr(p) + 1));
}

QModelIndex AllocationModel::parent(const QModelIndex& child) const {
    if (!child.isValid() || child.internalId() == 0 || !m_profile)
        return {};
    const std::uint32_t p = std::uint32_t(child.internalId() - 1);
    const std::uint32_t grand = m_profile->buCallee[p];
    level(grand); // made already (the view came through it); makes sure m_rowOf[p] is set
    return createIndex(int(m_rowOf[p]), 0, quintptr(grand == kNoCallNode ? 0 : quintptr(grand) + 1));
}

int AllocationModel::rowCount(const QModelIndex& parent) const {
    if (!m_profile || (parent.isValid() && parent.column() != 0))
        return 0;
    const std::uint32_t p = parent.isValid() ? nodeAt(parent) : kNoCallNode;
    if (parent.isValid() && p == kNoCallNode)
        return 0;
    return int(level(p).size());
}

int AllocationModel::columnCount(const QModelIndex&) const {
    return ColumnCount;
}

bool AllocationModel::hasChildren(const QModelIndex& parent) const {
    if (!parent.isValid())
        return m_profile && !m_profile->tops.empty();
    if (parent.column() != 0)
        return false;
    const std::uint32_t n = nodeAt(parent);
    return n != kNoCallNode && m_profile->buFirstCaller[n + 1] > m_profile->buFirstCaller[n];
}

QVariant AllocationModel::data(const QModelIndex& index, int role) const {
    const std::uint32_t n = nodeAt(index);
    if (n == kNoCallNode)
        return {};
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case FunctionColumn:
            return functionText(n);
        case LocationColumn:
            return locationText(n);
        case LiveCountColumn:
        case CountColumn:
            return TextUtil::toQString(heapscope::format::grouped(value(n, column)));
        case LiveSizeColumn:
        case SizeColumn:
            return TextUtil::toQString(heapscope::format::sizeKB(value(n, column)));
        }
        return {};
    case Qt::ToolTipRole:
        if (column == FunctionColumn || column == LocationColumn) {
            const auto& info = m_profile->snapshot->traceFunctionInfos[m_profile->buFunction[n]];
            return tr("%1\n%2 (script %3, line %4, column %5)")
                .arg(functionText(n),
                     TextUtil::toQString(std::string(m_profile->scriptName(m_profile->buFunction[n]))))
                .arg(info.scriptId)
                .arg(info.line)
                .arg(info.column);
        }
        if (column == LiveSizeColumn || column == SizeColumn)
            return tr("%1 bytes").arg(TextUtil::toQString(heapscope::format::grouped(value(n, column))));
        return {};
    case Qt::TextAlignmentRole:
        if (column >= LiveCountColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case ModelRoles::SortRole:
        if (column == FunctionColumn)
            return functionText(n);
        if (column == LocationColumn)
            return locationText(n);
        return QVariant::fromValue(quint64(value(n, column)));
    case ModelRoles::BytesRole:
        if (column == LiveSizeColumn || column == SizeColumn)
            return QVariant::fromValue(quint64(value(n, column)));
        return {};
    default:
        return {};
    }
}

QVariant AllocationModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case FunctionColumn:
            return tr("Function");
        case LocationColumn:
            return tr("Script:line");
        case LiveCountColumn:
            return tr("Live Count");
        case CountColumn:
            return tr("Count");
        case LiveSizeColumn:
            return tr("Live Size");
        case SizeColumn:
            return tr("Size");
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case LiveCountColumn:
            return tr("Objects allocated here that are still in the snapshot");
        case CountColumn:
            return tr("Objects allocated here while allocations were tracked, live or freed");
        case LiveSizeColumn:
            return tr("Shallow size of the live objects allocated here");
        case SizeColumn:
            return tr("Bytes allocated here while allocations were tracked, live or freed");
        }
    }
    if (role == Qt::TextAlignmentRole && section >= LiveCountColumn)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

void AllocationModel::sort(int column, Qt::SortOrder order) {
    if (column < 0 || column >= ColumnCount)
        return;
    if (column == m_sortColumn && order == m_sortOrder)
        return;
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList before = persistentIndexList();
    std::vector<std::pair<std::uint32_t, int>> nodes; // node, column
    nodes.reserve(std::size_t(before.size()));
    for (const QModelIndex& i : before)
        nodes.emplace_back(nodeAt(i), i.column());
    m_sortColumn = column;
    m_sortOrder = order;
    for (auto& [parent, rows] : m_levels) {
        orderLevel(rows);
        for (std::size_t i = 0; i < rows.size(); ++i)
            m_rowOf[rows[i]] = std::uint32_t(i);
    }
    QModelIndexList after;
    after.reserve(before.size());
    for (const auto& [node, col] : nodes) {
        if (node == kNoCallNode) {
            after.append(QModelIndex());
            continue;
        }
        const std::uint32_t p = m_profile->buCallee[node];
        after.append(createIndex(int(m_rowOf[node]), col, quintptr(p == kNoCallNode ? 0 : quintptr(p) + 1)));
    }
    changePersistentIndexList(before, after);
    Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}
